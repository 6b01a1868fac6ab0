import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import type { Freshness, LessonExchangeIndicatorAnswer } from './indicators.service';

@ObjectType('Freshness', { description: 'How far the projection has applied the log' })
export class FreshnessType implements Freshness {
  @Field(() => Float)
  transactionId!: number;

  @Field(() => Float)
  globalPosition!: number;

  @Field(() => String, { nullable: true, description: 'recorded time of the last event applied' })
  recordedAt!: string | null;
}

@ObjectType('LessonExchangeIndicator')
export class LessonExchangeIndicatorType implements LessonExchangeIndicatorAnswer {
  @Field()
  district!: string;

  @Field()
  month!: string;

  @Field(() => Int)
  exchanges!: number;

  @Field(() => Int, { description: '人次' })
  attendees!: number;

  @Field(() => FreshnessType)
  freshness!: FreshnessType;
}
