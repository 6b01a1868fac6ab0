import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import type { CommandOutcome } from './aggregate-command.executor';

/** What every command answers, over GraphQL (REST answers the same fields as JSON). */
@ObjectType('CommandOutcome')
export class CommandOutcomeType implements CommandOutcome {
  @Field()
  streamId!: string;

  @Field(() => Int)
  streamVersion!: number;

  @Field(() => [String])
  eventIds!: string[];

  @Field(() => Float, { nullable: true, description: 'position of the last event in the log' })
  globalPosition!: number | null;

  @Field(() => Float, { nullable: true })
  transactionId!: number | null;

  @Field({ description: 'true when this answers an earlier command with the same idempotency key' })
  replayed!: boolean;
}
