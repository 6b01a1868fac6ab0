import type { RecordedEvent } from '@junheng/event-store';
import type { FundProgrammeEvent } from '@junheng/domain';
import { loggedColumns, payloadOf } from './fact-row';
import type { Projection } from './projection';

const NO_PROGRAMME = { name: '', level: '', owner_code: '', fiscal_year: 0, budget_fen: 0 };

/**
 * Budgets, allocations and revocations of earmarked funds (专项经费), in fen. A revocation
 * is the allocation's amount negated, so the sum of a set of rows is what it nets to.
 */
export const fundFlowsProjection: Projection = {
  table: 'fund_flows',
  rows: (events: readonly RecordedEvent[]) =>
    events.flatMap((event) => {
      const flow = { type: event.type, data: payloadOf(event) } as FundProgrammeEvent;
      switch (flow.type) {
        case 'ProgrammeBudgeted':
          return [
            {
              ...loggedColumns(event),
              type: 'budgeted',
              programme_id: flow.data.programmeId,
              name: flow.data.name,
              level: flow.data.level,
              owner_code: flow.data.ownerCode,
              fiscal_year: flow.data.fiscalYear,
              budget_fen: flow.data.budgetFen,
              allocation_id: '',
              district_code: '',
              school_code: '',
              amount_fen: 0,
              purpose: '',
              flow_date: flow.data.budgetedOn,
            },
          ];
        case 'FundsAllocated':
          return [
            {
              ...loggedColumns(event),
              ...NO_PROGRAMME,
              type: 'allocated',
              programme_id: flow.data.programmeId,
              allocation_id: flow.data.allocationId,
              district_code: flow.data.districtCode,
              school_code: flow.data.schoolCode ?? '',
              amount_fen: flow.data.amountFen,
              purpose: flow.data.purpose,
              flow_date: flow.data.allocatedOn,
            },
          ];
        case 'AllocationRevoked':
          return [
            {
              ...loggedColumns(event),
              ...NO_PROGRAMME,
              type: 'revoked',
              programme_id: flow.data.programmeId,
              allocation_id: flow.data.allocationId,
              district_code: flow.data.districtCode,
              school_code: flow.data.schoolCode ?? '',
              amount_fen: -flow.data.amountFen,
              purpose: '',
              flow_date: flow.data.revokedOn,
            },
          ];
        default:
          return [];
      }
    }),
};
