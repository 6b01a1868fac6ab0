import { Command } from '@nestjs/cqrs';
import type { AllocateFunds, BudgetProgramme, RevokeAllocation } from '@junheng/domain';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';

export type FundProgrammeRequest =
  | Omit<BudgetProgramme, never>
  | (Omit<AllocateFunds, 'allocationId'> & { allocationId: string | undefined })
  | Omit<RevokeAllocation, never>;

/** Any command of a fund programme (budget, allocate, revoke). */
export class FundProgrammeCommandMessage extends Command<CommandOutcome> {
  constructor(
    readonly request: FundProgrammeRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}
