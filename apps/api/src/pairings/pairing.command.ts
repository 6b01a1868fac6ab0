import { Command } from '@nestjs/cqrs';
import type { PairingCommand } from '@junheng/domain';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';

export class PairingCommandMessage extends Command<CommandOutcome> {
  constructor(
    readonly command: PairingCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}
