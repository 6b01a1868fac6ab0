import type { EndTeacherRotation, StartTeacherRotation } from '@junheng/domain';
import { CommandMessage } from '../commands/command-message';

/** `teacher` is already a pseudonym here (EdgePipe); the rotation id is derived by the handler. */
export class StartTeacherRotationMessage extends CommandMessage<
  Omit<StartTeacherRotation, 'type' | 'rotationId'>
> {}

export class EndTeacherRotationMessage extends CommandMessage<Omit<EndTeacherRotation, 'type'>> {}
