import { Command } from '@nestjs/cqrs';
import type { StudentCommand } from '@junheng/domain';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';

/** Any student command; `student` is already the pseudonym (EdgePipe). */
export class StudentCommandMessage extends Command<CommandOutcome> {
  constructor(
    readonly command: StudentCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}
