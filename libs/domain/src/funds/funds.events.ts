import type { AllocationPurpose, ProgrammeLevel } from './funds.types';

/** 专项经费: a programme's budget for a fiscal year, in fen (1 yuan = 100 fen). */
export interface ProgrammeBudgeted {
  readonly type: 'ProgrammeBudgeted';
  readonly schemaVersion: 1;
  readonly data: {
    readonly programmeId: string;
    readonly name: string;
    readonly level: ProgrammeLevel;
    /** The province, city or district code that owns the programme. */
    readonly ownerCode: string;
    readonly fiscalYear: number;
    readonly budgetFen: number;
    readonly budgetedOn: string;
  };
}

/** Money allocated to a school (or to a district as a whole) under a programme. */
export interface FundsAllocated {
  readonly type: 'FundsAllocated';
  readonly schemaVersion: 1;
  readonly data: {
    readonly programmeId: string;
    readonly allocationId: string;
    readonly districtCode: string;
    /** Null when the district itself receives the money. */
    readonly schoolCode: string | null;
    readonly amountFen: number;
    readonly purpose: AllocationPurpose;
    readonly allocatedOn: string;
  };
}

/** A correction: the allocation no longer counts (history is never edited). */
export interface AllocationRevoked {
  readonly type: 'AllocationRevoked';
  readonly schemaVersion: 1;
  readonly data: {
    readonly programmeId: string;
    readonly allocationId: string;
    readonly districtCode: string;
    readonly schoolCode: string | null;
    readonly amountFen: number;
    readonly revokedOn: string;
    readonly reason: string;
  };
}

export type FundProgrammeEvent = ProgrammeBudgeted | FundsAllocated | AllocationRevoked;
