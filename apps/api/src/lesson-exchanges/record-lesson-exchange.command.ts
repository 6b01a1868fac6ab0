import { Command } from '@nestjs/cqrs';
import type { RecordLessonExchange } from '@junheng/domain';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';

export class RecordLessonExchangeCommand extends Command<CommandOutcome> {
  constructor(
    readonly payload: Omit<RecordLessonExchange, 'type' | 'exchangeId' | 'pairingId'> & {
      readonly pairingId?: string | null;
    },
    readonly context: CommandContext,
  ) {
    super();
  }
}
