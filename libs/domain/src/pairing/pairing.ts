import type { Decider } from '../shared/given-when-then';
import { isDistrictCode, isSchoolCode } from '../shared/administrative-codes';
import type { Clock } from '../shared/clock';
import { DomainRuleViolation } from '../shared/domain-rule-violation';
import { requireReportableDate } from '../shared/reportable-date';
import { assertNever } from '../shared/exhaustive';

/** Forms of support a pairing gives (domain.md, Pairings). */
export const SUPPORT_FORMS = ['teaching', 'management', 'funds', 'materials'] as const;
export type SupportForm = (typeof SUPPORT_FORMS)[number];

export const PAIRING_STREAM_TYPE = 'pairing';
export const pairingStreamId = (pairingId: string): string => `${PAIRING_STREAM_TYPE}-${pairingId}`;

export interface EstablishPairing {
  readonly type: 'EstablishPairing';
  readonly pairingId: string;
  /** The programme it belongs to (百校扶百校), by name. */
  readonly programme: string;
  readonly supportingSchoolCode: string;
  readonly supportingDistrictCode: string;
  readonly receivingSchoolCode: string;
  readonly receivingDistrictCode: string;
  readonly forms: readonly SupportForm[];
  readonly startDate: string;
  readonly endDate: string;
}

export interface EndPairing {
  readonly type: 'EndPairing';
  readonly pairingId: string;
  readonly endedOn: string;
  readonly reason: string;
}

export type PairingCommand = EstablishPairing | EndPairing;

/** 结对帮扶: a strong school supports a weak one for a period (often three years). */
export interface PairingEstablished {
  readonly type: 'PairingEstablished';
  readonly schemaVersion: 1;
  readonly data: Omit<EstablishPairing, 'type'>;
}

export interface PairingEnded {
  readonly type: 'PairingEnded';
  readonly schemaVersion: 1;
  readonly data: {
    readonly pairingId: string;
    readonly receivingDistrictCode: string;
    readonly endedOn: string;
    readonly reason: string;
  };
}

export type PairingEvent = PairingEstablished | PairingEnded;

export type PairingState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'ended';
      readonly pairing: PairingEstablished['data'];
      readonly endedOn: string | null;
    };

export const initialPairingState: PairingState = { status: 'none' };

export function evolvePairing(state: PairingState, event: PairingEvent): PairingState {
  switch (event.type) {
    case 'PairingEstablished':
      return { status: 'active', pairing: event.data, endedOn: null };
    case 'PairingEnded':
      return state.status === 'none'
        ? state
        : { ...state, status: 'ended', endedOn: event.data.endedOn };
    default:
      return assertNever(event);
  }
}

export function decidePairing(
  command: PairingCommand,
  state: PairingState,
  clock: Clock,
): PairingEvent[] {
  switch (command.type) {
    case 'EstablishPairing': {
      if (state.status !== 'none') {
        throw new DomainRuleViolation(
          'pairing.exists',
          `Pairing ${command.pairingId} already exists`,
          { pairingId: command.pairingId },
        );
      }
      for (const [role, school, district] of [
        ['supporting', command.supportingSchoolCode, command.supportingDistrictCode],
        ['receiving', command.receivingSchoolCode, command.receivingDistrictCode],
      ] as const) {
        if (!isSchoolCode(school) || !isDistrictCode(district)) {
          throw new DomainRuleViolation(
            'organisation.invalid-school-code',
            `The ${role} school is not valid`,
            { role, schoolCode: school },
          );
        }
      }
      if (command.supportingSchoolCode === command.receivingSchoolCode) {
        throw new DomainRuleViolation(
          'pairing.same-school',
          'A pairing joins two different schools',
          {
            schoolCode: command.supportingSchoolCode,
          },
        );
      }
      if (
        command.forms.length === 0 ||
        command.forms.some((form) => !SUPPORT_FORMS.includes(form))
      ) {
        throw new DomainRuleViolation(
          'pairing.invalid-forms',
          `Forms of support are some of ${SUPPORT_FORMS.join(', ')}`,
          {
            forms: command.forms.join(','),
          },
        );
      }
      requireReportableDate(command.startDate, clock);
      // The planned end is naturally in the future.
      requireReportableDate(command.endDate, clock, { allowFuture: true });
      if (command.endDate <= command.startDate) {
        throw new DomainRuleViolation(
          'pairing.end-before-start',
          'A pairing ends after it starts',
          {
            startDate: command.startDate,
            endDate: command.endDate,
          },
        );
      }
      const { type: _type, ...data } = command;
      return [
        {
          type: 'PairingEstablished',
          schemaVersion: 1,
          data: { ...data, forms: [...new Set(data.forms)] },
        },
      ];
    }
    case 'EndPairing': {
      if (state.status !== 'active') {
        throw new DomainRuleViolation(
          'pairing.not-active',
          `Pairing ${command.pairingId} is not active`,
          {
            status: state.status,
          },
        );
      }
      requireReportableDate(command.endedOn, clock);
      if (command.endedOn < state.pairing.startDate) {
        throw new DomainRuleViolation(
          'pairing.end-before-start',
          'A pairing ends after it starts',
          {
            startDate: state.pairing.startDate,
            endDate: command.endedOn,
          },
        );
      }
      return [
        {
          type: 'PairingEnded',
          schemaVersion: 1,
          data: {
            pairingId: command.pairingId,
            receivingDistrictCode: state.pairing.receivingDistrictCode,
            endedOn: command.endedOn,
            reason: command.reason,
          },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

/**
 * A lesson exchange under a pairing happens between its two schools (either hosting) within its
 * period: from its start to its planned end, or to the day before it ended early.
 */
export function assertExchangeWithinPairing(
  state: PairingState,
  exchange: {
    readonly pairingId: string;
    readonly hostSchoolCode: string;
    readonly visitingSchoolCode: string;
    readonly date: string;
  },
): void {
  if (state.status === 'none') {
    throw new DomainRuleViolation(
      'pairing.unknown',
      `Pairing ${exchange.pairingId} does not exist`,
      { pairingId: exchange.pairingId },
    );
  }
  const { pairing } = state;
  const schools = new Set([pairing.supportingSchoolCode, pairing.receivingSchoolCode]);
  if (!schools.has(exchange.hostSchoolCode) || !schools.has(exchange.visitingSchoolCode)) {
    throw new DomainRuleViolation(
      'lesson-exchange.outside-pairing',
      'The exchange is not between the schools of the pairing',
      {
        pairingId: exchange.pairingId,
        supportingSchoolCode: pairing.supportingSchoolCode,
        receivingSchoolCode: pairing.receivingSchoolCode,
      },
    );
  }
  const lastDay = state.endedOn ?? pairing.endDate;
  const beyond = state.endedOn !== null ? exchange.date >= lastDay : exchange.date > lastDay;
  if (exchange.date < pairing.startDate || beyond) {
    throw new DomainRuleViolation(
      'lesson-exchange.outside-pairing-period',
      'The exchange falls outside the pairing period',
      {
        pairingId: exchange.pairingId,
        startDate: pairing.startDate,
        endDate: lastDay,
        date: exchange.date,
      },
    );
  }
}

export const pairingDecider: Decider<PairingCommand, PairingEvent, PairingState> = {
  decide: decidePairing,
  evolve: evolvePairing,
  initialState: initialPairingState,
  // A pairing counts for the receiving (supported) school's district.
  envelopeOf: (event) => ({
    occurredOn: event.type === 'PairingEstablished' ? event.data.startDate : event.data.endedOn,
    districtCode: event.data.receivingDistrictCode,
  }),
};
