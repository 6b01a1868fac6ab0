import { Field, InputType, Int } from '@nestjs/graphql';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsRecordDate } from '../security/instant';
import { LESSON_EXCHANGE_KINDS, REPORT_LIMITS } from '@junheng/domain';
import type { LessonExchangeKind } from '@junheng/domain';

/** POST /v1/lesson-exchanges, and the GraphQL mutation recordLessonExchange's input. */
@InputType('RecordLessonExchangeInput')
export class RecordLessonExchangeDto {
  /** The county (区县) reporting the exchange; from issue 4 on, derived from the host school. */
  @Field({ description: '6-digit county code (区县) reporting the exchange' })
  @Matches(/^[1-9]\d{5}$/, { message: 'districtCode must be a 6-digit county code' })
  districtCode!: string;

  @Field({ description: '10-digit code of the school that held it' })
  @Matches(/^\d{10}$/, { message: 'hostSchoolCode must be a 10-digit school code' })
  hostSchoolCode!: string;

  @Field({ description: '10-digit code of the visiting school' })
  @Matches(/^\d{10}$/, { message: 'visitingSchoolCode must be a 10-digit school code' })
  visitingSchoolCode!: string;

  @Field(() => String, { description: LESSON_EXCHANGE_KINDS.join(' | ') })
  @IsIn(LESSON_EXCHANGE_KINDS, {
    message: `kind must be one of ${LESSON_EXCHANGE_KINDS.join(', ')}`,
  })
  kind!: LessonExchangeKind;

  @Field()
  @IsString()
  @Length(1, 50)
  subject!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsRecordDate()
  date!: string;

  @Field(() => Int, { description: 'teachers and students who took part (人次)' })
  @IsInt()
  @Min(0)
  @Max(REPORT_LIMITS.attendees)
  attendees!: number;

  /** The pairing it happened under, if any: it must then be between its schools, in its period. */
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, {
    message: 'pairingId must be lower-case letters, digits and "-"',
  })
  pairingId?: string;
}
