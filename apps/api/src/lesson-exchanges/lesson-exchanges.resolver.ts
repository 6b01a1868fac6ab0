import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { GraphqlCommandContextOf } from '../commands/command-context.decorator';
import { CommandOutcomeType } from '../commands/command-outcome.type';
import { RecordLessonExchangeMessage } from './record-lesson-exchange.command';
import { RecordLessonExchangeDto } from './record-lesson-exchange.dto';

@Resolver()
export class LessonExchangesResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => CommandOutcomeType, {
    description: 'Record a lesson exchanged between two schools',
  })
  @RequirePermission('facts:record')
  recordLessonExchange(
    @Args('input') input: RecordLessonExchangeDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', { nullable: true, type: () => String }) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(new RecordLessonExchangeMessage(input, context));
  }
}
