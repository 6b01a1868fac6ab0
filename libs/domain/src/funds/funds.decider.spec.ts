import { fixedClock, given } from '../shared/given-when-then';
import type { AllocateFunds, BudgetProgramme } from './funds.commands';
import {
  evolveFundProgramme,
  fundProgrammeDecider,
  initialFundProgrammeState,
  remainingFen,
} from './funds.decider';
import type { FundProgrammeEvent, FundsAllocated, ProgrammeBudgeted } from './funds.events';

const clock = fixedClock('2024-11-01T08:00:00.000Z');
const YUAN = 100;

// Seed 004 (光明新区 百校扶百校): 100,000 yuan to each of 6 schools, 50,000 to each of 10 and
// 80,000 to one: 6 × 100,000 + 10 × 50,000 + 80,000 = 1,180,000 yuan.
const budgetCommand: BudgetProgramme = {
  type: 'BudgetProgramme',
  programmeId: 'guangming-2010',
  name: '百校扶百校专项经费',
  level: 'district',
  ownerCode: '440311',
  fiscalYear: 2024,
  budgetFen: 1_180_000 * YUAN,
  budgetedOn: '2024-03-01',
};

const budgeted: ProgrammeBudgeted = {
  type: 'ProgrammeBudgeted',
  schemaVersion: 1,
  data: {
    programmeId: 'guangming-2010',
    name: '百校扶百校专项经费',
    level: 'district',
    ownerCode: '440311',
    fiscalYear: 2024,
    budgetFen: 118_000_000,
    budgetedOn: '2024-03-01',
  },
};

function allocation(index: number, yuan: number): FundsAllocated {
  return {
    type: 'FundsAllocated',
    schemaVersion: 1,
    data: {
      programmeId: 'guangming-2010',
      allocationId: `a-${index}`,
      districtCode: '440311',
      schoolCode: String(3144031100 + index),
      amountFen: yuan * YUAN,
      purpose: 'pairing-activity',
      allocatedOn: '2024-04-01',
    },
  };
}

const seedAllocations: FundsAllocated[] = [
  ...Array.from({ length: 6 }, (_, index) => allocation(index, 100_000)),
  ...Array.from({ length: 10 }, (_, index) => allocation(6 + index, 50_000)),
  allocation(16, 80_000),
];

const allocate = (amountFen: number, allocationId = 'a-new'): AllocateFunds => ({
  type: 'AllocateFunds',
  programmeId: 'guangming-2010',
  allocationId,
  districtCode: '440311',
  schoolCode: '3144031199',
  amountFen,
  purpose: 'equipment',
  allocatedOn: '2024-10-01',
});

describe('fund programme', () => {
  it('budgets a programme once', () => {
    expect(given(fundProgrammeDecider, clock).when(budgetCommand)).toEqual({ events: [budgeted] });
    expect(given(fundProgrammeDecider, clock, [budgeted]).when(budgetCommand)).toMatchObject({
      violation: { rule: 'funds.programme-exists' },
    });
  });

  it('allocates the seed’s 1.18 million yuan exactly, and not one fen more', () => {
    const state = [budgeted, ...seedAllocations].reduce(
      evolveFundProgramme,
      initialFundProgrammeState,
    );
    expect(remainingFen(state)).toBe(0);
    expect(
      given(fundProgrammeDecider, clock, [budgeted, ...seedAllocations]).when(allocate(1)),
    ).toEqual({
      violation: {
        rule: 'funds.budget-exceeded',
        facts: { budgetFen: 118_000_000, remaining: 0, requested: 1 },
      },
    });
  });

  it('gives back a revoked allocation to the budget, and never reuses its id', () => {
    const revoked: FundProgrammeEvent = {
      type: 'AllocationRevoked',
      schemaVersion: 1,
      data: {
        programmeId: 'guangming-2010',
        allocationId: 'a-16',
        districtCode: '440311',
        schoolCode: '3144031116',
        amountFen: 8_000_000,
        revokedOn: '2024-06-01',
        reason: 'school merged',
      },
    };
    expect(
      given(fundProgrammeDecider, clock, [budgeted, ...seedAllocations]).when({
        type: 'RevokeAllocation',
        programmeId: 'guangming-2010',
        allocationId: 'a-16',
        revokedOn: '2024-06-01',
        reason: 'school merged',
      }),
    ).toEqual({ events: [revoked] });
    const history = [budgeted, ...seedAllocations, revoked];
    expect(remainingFen(history.reduce(evolveFundProgramme, initialFundProgrammeState))).toBe(
      8_000_000,
    );
    expect(given(fundProgrammeDecider, clock, history).when(allocate(8_000_000))).toMatchObject({
      events: [{ type: 'FundsAllocated', data: { amountFen: 8_000_000 } }],
    });
    expect(given(fundProgrammeDecider, clock, history).when(allocate(1, 'a-16'))).toMatchObject({
      violation: { rule: 'funds.allocation-exists' },
    });
  });

  it.each([
    [{ amountFen: 0 }, 'funds.invalid-amount'],
    [{ amountFen: 12.5 }, 'funds.invalid-amount'],
    // Above any real allocation (and where sums would near Int64): refused, never stored.
    [{ amountFen: 100_000_000_000_001 }, 'funds.invalid-amount'],
    [{ districtCode: '440305', schoolCode: '3144030501' }, 'funds.recipient-outside-programme'],
    [{ purpose: 'banquet' }, 'funds.unknown-purpose'],
    [{ schoolCode: '12' }, 'funds.invalid-recipient'],
    [{ allocatedOn: '2024-11-05' }, 'calendar.date-in-future'],
  ])('refuses an allocation with %j (%s)', (change, rule) => {
    expect(
      given(fundProgrammeDecider, clock, [budgeted]).when({
        ...allocate(100),
        ...change,
      } as AllocateFunds),
    ).toMatchObject({ violation: { rule } });
  });

  it('refuses allocations to unknown programmes and revocations of unknown allocations', () => {
    expect(given(fundProgrammeDecider, clock).when(allocate(100))).toMatchObject({
      violation: { rule: 'funds.unknown-programme' },
    });
    expect(
      given(fundProgrammeDecider, clock, [budgeted]).when({
        type: 'RevokeAllocation',
        programmeId: 'guangming-2010',
        allocationId: 'nope',
        revokedOn: '2024-06-01',
        reason: 'x',
      }),
    ).toMatchObject({ violation: { rule: 'funds.unknown-allocation' } });
  });

  it('refuses a programme owned by a code of the wrong level', () => {
    expect(
      given(fundProgrammeDecider, clock).when({
        ...budgetCommand,
        level: 'city',
        ownerCode: '440311',
      }),
    ).toMatchObject({
      violation: { rule: 'funds.invalid-owner', facts: { level: 'city', ownerCode: '440311' } },
    });
  });
});

describe('fund programme: remaining rules', () => {
  it('refuses a fiscal year that is not a calendar year, and a revocation before its allocation', () => {
    expect(
      given(fundProgrammeDecider, clock).when({ ...budgetCommand, fiscalYear: 24 }),
    ).toMatchObject({
      violation: { rule: 'funds.invalid-fiscal-year', facts: { fiscalYear: 24 } },
    });
    expect(
      given(fundProgrammeDecider, clock, [budgeted, ...seedAllocations]).when({
        type: 'RevokeAllocation',
        programmeId: 'guangming-2010',
        allocationId: 'a-1',
        revokedOn: '2024-03-15',
        reason: 'entered twice',
      }),
    ).toEqual({
      violation: {
        rule: 'funds.revoked-before-allocated',
        facts: { allocatedOn: '2024-04-01', revokedOn: '2024-03-15' },
      },
    });
  });
});
