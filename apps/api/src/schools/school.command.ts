import { Command } from '@nestjs/cqrs';
import type { SchoolCommand } from '@junheng/domain';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';

/** Any command of the school aggregate (register, reclassify, move, merge, close). */
export class SchoolCommandMessage extends Command<CommandOutcome> {
  constructor(
    readonly command: SchoolCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}
