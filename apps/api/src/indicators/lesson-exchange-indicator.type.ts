import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import type { Freshness, LessonExchangeIndicatorAnswer } from './indicators.service';

@ApiSchema({ name: 'Freshness' })
@ObjectType('Freshness', { description: 'How far the projection has applied the log' })
export class FreshnessType implements Freshness {
  @Field(() => Float)
  @ApiProperty({ type: 'integer' })
  transactionId!: number;

  @Field(() => Float)
  @ApiProperty({ type: 'integer' })
  globalPosition!: number;

  @Field(() => String, { nullable: true, description: 'recorded time of the last event applied' })
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'recorded time of the last event applied',
  })
  recordedAt!: string | null;
}

@ApiSchema({ name: 'LessonExchangeIndicator' })
@ObjectType('LessonExchangeIndicator')
export class LessonExchangeIndicatorType implements LessonExchangeIndicatorAnswer {
  @Field()
  @ApiProperty({ example: '440311' })
  district!: string;

  @Field()
  @ApiProperty({ example: '2024-10' })
  month!: string;

  @Field(() => Int)
  @ApiProperty({ type: 'integer' })
  exchanges!: number;

  @Field(() => Int, { description: '人次' })
  @ApiProperty({ type: 'integer', description: '人次' })
  attendees!: number;

  @Field(() => FreshnessType)
  @ApiProperty({ type: () => FreshnessType })
  freshness!: FreshnessType;
}
