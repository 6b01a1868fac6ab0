import { ArgsType, Field } from '@nestjs/graphql';
import { Matches } from 'class-validator';

/** GET /v1/indicators/lesson-exchanges?district=440311&month=2024-10, and its GraphQL query. */
@ArgsType()
export class LessonExchangeIndicatorQuery {
  @Field({ description: '6-digit county code' })
  @Matches(/^[1-9]\d{5}$/, { message: 'district must be a 6-digit county code' })
  district!: string;

  @Field({ description: 'YYYY-MM' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month!: string;
}
