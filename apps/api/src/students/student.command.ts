import type { StudentCommand } from '@junheng/domain';
import { CommandMessage } from '../commands/command-message';

/** Any student command; `student` is already the pseudonym (EdgePipe). */
export class StudentCommandMessage extends CommandMessage<StudentCommand> {}
