import type { Decider } from '../shared/given-when-then';
import { isDistrictCode, isSchoolCode } from '../shared/administrative-codes';
import type { Clock } from '../shared/clock';
import { REPORT_LIMITS } from '../shared/report-limits';
import { DomainRuleViolation } from '../shared/domain-rule-violation';
import { requireReportableDate } from '../shared/reportable-date';
import { assertNever } from '../shared/exhaustive';
import type {
  AllocateFunds,
  BudgetProgramme,
  FundProgrammeCommand,
  RevokeAllocation,
} from './funds.commands';
import type { FundProgrammeEvent, FundsAllocated, ProgrammeBudgeted } from './funds.events';
import { ALLOCATION_PURPOSES, OWNER_CODE_LENGTH, PROGRAMME_LEVELS } from './funds.types';

/** A programme: its budget and the allocations that currently count against it. */
export type FundProgrammeState =
  | { readonly status: 'unbudgeted' }
  | {
      readonly status: 'budgeted';
      readonly programme: ProgrammeBudgeted['data'];
      readonly active: ReadonlyMap<string, FundsAllocated['data']>;
      /** Ids ever used, revoked ones included: an allocation id is never reused. */
      readonly usedIds: ReadonlySet<string>;
      readonly allocatedFen: number;
    };

export const initialFundProgrammeState: FundProgrammeState = { status: 'unbudgeted' };

/** Budget still free: budget − Σ active allocations. */
export function remainingFen(state: FundProgrammeState): number {
  return state.status === 'budgeted' ? state.programme.budgetFen - state.allocatedFen : 0;
}

export function evolveFundProgramme(
  state: FundProgrammeState,
  event: FundProgrammeEvent,
): FundProgrammeState {
  switch (event.type) {
    case 'ProgrammeBudgeted':
      return {
        status: 'budgeted',
        programme: event.data,
        active: new Map(),
        usedIds: new Set(),
        allocatedFen: 0,
      };
    case 'FundsAllocated': {
      if (state.status !== 'budgeted') return state;
      const active = new Map(state.active);
      active.set(event.data.allocationId, event.data);
      return {
        ...state,
        active,
        usedIds: new Set([...state.usedIds, event.data.allocationId]),
        allocatedFen: state.allocatedFen + event.data.amountFen,
      };
    }
    case 'AllocationRevoked': {
      if (state.status !== 'budgeted') return state;
      const active = new Map(state.active);
      active.delete(event.data.allocationId);
      return { ...state, active, allocatedFen: state.allocatedFen - event.data.amountFen };
    }
    default:
      return assertNever(event);
  }
}

function requireFen(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0 || value > REPORT_LIMITS.fen) {
    throw new DomainRuleViolation(
      'funds.invalid-amount',
      `${field} is a positive whole number of fen, at most ${REPORT_LIMITS.fen}`,
      {
        [field]: value,
      },
    );
  }
}

function budget(
  command: BudgetProgramme,
  state: FundProgrammeState,
  clock: Clock,
): FundProgrammeEvent[] {
  if (state.status === 'budgeted') {
    throw new DomainRuleViolation(
      'funds.programme-exists',
      `Programme ${command.programmeId} already has a budget`,
      {
        programmeId: command.programmeId,
      },
    );
  }
  if (
    !PROGRAMME_LEVELS.includes(command.level) ||
    !/^\d+$/.test(command.ownerCode) ||
    command.ownerCode.length !== OWNER_CODE_LENGTH[command.level]
  ) {
    throw new DomainRuleViolation(
      'funds.invalid-owner',
      `A ${command.level} programme is owned by a ${command.level} code`,
      {
        level: command.level,
        ownerCode: command.ownerCode,
      },
    );
  }
  if (
    !Number.isInteger(command.fiscalYear) ||
    command.fiscalYear < 2000 ||
    command.fiscalYear > 2100
  ) {
    throw new DomainRuleViolation(
      'funds.invalid-fiscal-year',
      'The fiscal year is a calendar year',
      {
        fiscalYear: command.fiscalYear,
      },
    );
  }
  requireFen('budgetFen', command.budgetFen);
  requireReportableDate(command.budgetedOn, clock);
  const { type: _type, ...data } = command;
  return [{ type: 'ProgrammeBudgeted', schemaVersion: 1, data }];
}

function allocate(
  command: AllocateFunds,
  state: FundProgrammeState,
  clock: Clock,
): FundProgrammeEvent[] {
  if (state.status !== 'budgeted') {
    throw new DomainRuleViolation(
      'funds.unknown-programme',
      `Programme ${command.programmeId} has no budget`,
      {
        programmeId: command.programmeId,
      },
    );
  }
  if (state.usedIds.has(command.allocationId)) {
    throw new DomainRuleViolation(
      'funds.allocation-exists',
      `Allocation ${command.allocationId} already exists`,
      {
        allocationId: command.allocationId,
      },
    );
  }
  if (
    !isDistrictCode(command.districtCode) ||
    (command.schoolCode !== null && !isSchoolCode(command.schoolCode))
  ) {
    throw new DomainRuleViolation(
      'funds.invalid-recipient',
      'The recipient is a district, or a school in it',
      {
        districtCode: command.districtCode,
        schoolCode: command.schoolCode,
      },
    );
  }
  if (!command.districtCode.startsWith(state.programme.ownerCode)) {
    throw new DomainRuleViolation(
      'funds.recipient-outside-programme',
      'The recipient lies outside the programme',
      {
        ownerCode: state.programme.ownerCode,
        districtCode: command.districtCode,
      },
    );
  }
  if (!ALLOCATION_PURPOSES.includes(command.purpose)) {
    throw new DomainRuleViolation(
      'funds.unknown-purpose',
      `"${String(command.purpose)}" is not a purpose`,
      {
        purpose: String(command.purpose),
      },
    );
  }
  requireFen('amountFen', command.amountFen);
  requireReportableDate(command.allocatedOn, clock);
  const remaining = remainingFen(state);
  if (command.amountFen > remaining) {
    throw new DomainRuleViolation(
      'funds.budget-exceeded',
      `Only ${remaining} fen of programme ${command.programmeId} remain`,
      { budgetFen: state.programme.budgetFen, remaining, requested: command.amountFen },
      'conflict',
    );
  }
  const { type: _type, ...data } = command;
  return [{ type: 'FundsAllocated', schemaVersion: 1, data }];
}

function revoke(
  command: RevokeAllocation,
  state: FundProgrammeState,
  clock: Clock,
): FundProgrammeEvent[] {
  const allocation =
    state.status === 'budgeted' ? state.active.get(command.allocationId) : undefined;
  if (allocation === undefined) {
    throw new DomainRuleViolation(
      'funds.unknown-allocation',
      `No active allocation ${command.allocationId}`,
      {
        allocationId: command.allocationId,
      },
    );
  }
  requireReportableDate(command.revokedOn, clock);
  if (command.revokedOn < allocation.allocatedOn) {
    throw new DomainRuleViolation(
      'funds.revoked-before-allocated',
      'A revocation cannot predate its allocation',
      {
        allocatedOn: allocation.allocatedOn,
        revokedOn: command.revokedOn,
      },
    );
  }
  return [
    {
      type: 'AllocationRevoked',
      schemaVersion: 1,
      data: {
        programmeId: command.programmeId,
        allocationId: command.allocationId,
        districtCode: allocation.districtCode,
        schoolCode: allocation.schoolCode,
        amountFen: allocation.amountFen,
        revokedOn: command.revokedOn,
        reason: command.reason,
      },
    },
  ];
}

export function decideFundProgramme(
  command: FundProgrammeCommand,
  state: FundProgrammeState,
  clock: Clock,
): FundProgrammeEvent[] {
  switch (command.type) {
    case 'BudgetProgramme':
      return budget(command, state, clock);
    case 'AllocateFunds':
      return allocate(command, state, clock);
    case 'RevokeAllocation':
      return revoke(command, state, clock);
    default:
      return assertNever(command);
  }
}

export const fundProgrammeDecider: Decider<
  FundProgrammeCommand,
  FundProgrammeEvent,
  FundProgrammeState
> = {
  decide: decideFundProgramme,
  evolve: evolveFundProgramme,
  initialState: initialFundProgrammeState,
  // A budget counts for its district when a district owns it; an allocation for its recipient's.
  envelopeOf: (event) => {
    switch (event.type) {
      case 'ProgrammeBudgeted':
        return {
          occurredOn: event.data.budgetedOn,
          districtCode: event.data.level === 'district' ? event.data.ownerCode : null,
        };
      case 'FundsAllocated':
        return { occurredOn: event.data.allocatedOn, districtCode: event.data.districtCode };
      case 'AllocationRevoked':
        return { occurredOn: event.data.revokedOn, districtCode: event.data.districtCode };
    }
  },
};
