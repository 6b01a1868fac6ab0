import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import type { CommandOutcome } from './aggregate-command.executor';

/** What every command answers, over GraphQL (REST answers the same fields as JSON). */
@ApiSchema({ name: 'CommandOutcome' })
@ObjectType('CommandOutcome')
export class CommandOutcomeType implements CommandOutcome {
  @Field()
  @ApiProperty()
  streamId!: string;

  @Field(() => Int)
  @ApiProperty({ type: 'integer' })
  streamVersion!: number;

  @Field(() => [String])
  @ApiProperty({ type: [String], format: 'uuid' })
  eventIds!: string[];

  @Field(() => Float, { nullable: true, description: 'position of the last event in the log' })
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'position of the last event in the log',
  })
  globalPosition!: number | null;

  @Field(() => Float, { nullable: true })
  @ApiProperty({ type: 'integer', nullable: true })
  transactionId!: number | null;

  @Field({ description: 'true when this answers an earlier command with the same idempotency key' })
  @ApiProperty({ description: 'true when this answers an earlier command with the same key' })
  replayed!: boolean;
}
