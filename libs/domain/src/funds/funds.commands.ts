import type { AllocationPurpose, ProgrammeLevel } from './funds.types';

export interface BudgetProgramme {
  readonly type: 'BudgetProgramme';
  readonly programmeId: string;
  readonly name: string;
  readonly level: ProgrammeLevel;
  readonly ownerCode: string;
  readonly fiscalYear: number;
  readonly budgetFen: number;
  readonly budgetedOn: string;
}

export interface AllocateFunds {
  readonly type: 'AllocateFunds';
  readonly programmeId: string;
  readonly allocationId: string;
  readonly districtCode: string;
  readonly schoolCode: string | null;
  readonly amountFen: number;
  readonly purpose: AllocationPurpose;
  readonly allocatedOn: string;
}

export interface RevokeAllocation {
  readonly type: 'RevokeAllocation';
  readonly programmeId: string;
  readonly allocationId: string;
  readonly revokedOn: string;
  readonly reason: string;
}

export type FundProgrammeCommand = BudgetProgramme | AllocateFunds | RevokeAllocation;
