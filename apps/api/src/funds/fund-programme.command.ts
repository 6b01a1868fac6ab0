import type { AllocateFunds, BudgetProgramme, RevokeAllocation } from '@junheng/domain';
import { CommandMessage } from '../commands/command-message';

/** A programme's commands as sent: an allocation's id may be left to the handler to derive. */
export type FundProgrammeRequest =
  | BudgetProgramme
  | (Omit<AllocateFunds, 'allocationId'> & { allocationId: string | undefined })
  | RevokeAllocation;

/** Any command of a fund programme (budget, allocate, revoke). */
export class FundProgrammeCommandMessage extends CommandMessage<FundProgrammeRequest> {}
