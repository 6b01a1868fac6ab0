import type { MergeSchool, SchoolCommand } from '@junheng/domain';
import { CommandMessage } from '../commands/command-message';

/**
 * A school command as sent: a merge names the school it goes into, and the handler reads what
 * is recorded about that school for the decider.
 */
export type SchoolRequest = Exclude<SchoolCommand, MergeSchool> | Omit<MergeSchool, 'intoSchool'>;

/** Any command of the school aggregate (register, reclassify, move, merge, close, report). */
export class SchoolCommandMessage extends CommandMessage<SchoolRequest> {}
