import { Command } from '@nestjs/cqrs';
import type { EndTeacherRotation, StartTeacherRotation } from '@junheng/domain';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';

export class StartTeacherRotationCommand extends Command<CommandOutcome> {
  constructor(
    /** `teacher` is already a pseudonym here (EdgePipe). */
    readonly payload: Omit<StartTeacherRotation, 'type' | 'rotationId'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class EndTeacherRotationCommand extends Command<CommandOutcome> {
  constructor(
    readonly payload: Omit<EndTeacherRotation, 'type'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
