import { DomainRuleViolation } from '../shared/domain-rule-violation';
import { fixedClock, given } from '../shared/given-when-then';
import {
  assertExchangeWithinPairing,
  evolvePairing,
  initialPairingState,
  pairingDecider,
} from './pairing';
import type { EstablishPairing, PairingEvent } from './pairing';

const clock = fixedClock('2024-10-01T08:00:00.000Z');

// Seed 004: a Nanshan (440305) school supports a Guangming (440311) school for three years.
const establish: EstablishPairing = {
  type: 'EstablishPairing',
  pairingId: 'nanshan-guangming-1',
  programme: '百校扶百校',
  supportingSchoolCode: '3144030501',
  supportingDistrictCode: '440305',
  receivingSchoolCode: '3144031101',
  receivingDistrictCode: '440311',
  forms: ['teaching', 'management'],
  startDate: '2024-09-01',
  endDate: '2027-08-31',
};
const established: PairingEvent = {
  type: 'PairingEstablished',
  schemaVersion: 1,
  data: { ...(({ type: _type, ...data }) => data)(establish) },
};

function ruleOf(run: () => void): string | null {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainRuleViolation) return error.rule;
    throw error;
  }
  return null;
}

describe('pairing', () => {
  it('establishes a pairing between two schools, with a planned end in the future', () => {
    expect(given(pairingDecider, clock).when(establish)).toEqual({ events: [established] });
  });

  it.each([
    [{ receivingSchoolCode: '3144030501' }, 'pairing.same-school'],
    [{ forms: [] }, 'pairing.invalid-forms'],
    [{ forms: ['money'] }, 'pairing.invalid-forms'],
    [{ endDate: '2024-08-31' }, 'pairing.end-before-start'],
    [{ startDate: '2025-01-01' }, 'calendar.date-in-future'],
  ])('refuses %j (%s)', (change, rule) => {
    expect(
      given(pairingDecider, clock).when({ ...establish, ...change } as EstablishPairing),
    ).toMatchObject({
      violation: { rule },
    });
  });

  it('ends an active pairing once', () => {
    const end = {
      type: 'EndPairing' as const,
      pairingId: 'nanshan-guangming-1',
      endedOn: '2024-09-30',
      reason: 'merged',
    };
    const ended = given(pairingDecider, clock, [established]).when(end);
    expect(ended).toMatchObject({
      events: [{ type: 'PairingEnded', data: { receivingDistrictCode: '440311' } }],
    });
    const history = [established, ...('events' in ended ? ended.events : [])];
    expect(given(pairingDecider, clock, history).when(end)).toMatchObject({
      violation: { rule: 'pairing.not-active' },
    });
  });

  it('holds lesson exchanges to the pairing’s schools and period', () => {
    const state = evolvePairing(initialPairingState, established);
    const exchange = {
      pairingId: 'nanshan-guangming-1',
      hostSchoolCode: '3144031101',
      visitingSchoolCode: '3144030501',
      date: '2024-10-15',
    };
    expect(ruleOf(() => assertExchangeWithinPairing(state, exchange))).toBeNull();
    expect(
      ruleOf(() =>
        assertExchangeWithinPairing(state, { ...exchange, visitingSchoolCode: '3144030502' }),
      ),
    ).toBe('lesson-exchange.outside-pairing');
    expect(
      ruleOf(() => assertExchangeWithinPairing(state, { ...exchange, date: '2024-08-31' })),
    ).toBe('lesson-exchange.outside-pairing-period');
    const ended = evolvePairing(state, {
      type: 'PairingEnded',
      schemaVersion: 1,
      data: {
        pairingId: 'nanshan-guangming-1',
        receivingDistrictCode: '440311',
        endedOn: '2024-10-10',
        reason: 'x',
      },
    });
    expect(ruleOf(() => assertExchangeWithinPairing(ended, exchange))).toBe(
      'lesson-exchange.outside-pairing-period',
    );
    expect(ruleOf(() => assertExchangeWithinPairing(initialPairingState, exchange))).toBe(
      'pairing.unknown',
    );
  });
});

describe('pairing: establishing twice', () => {
  it('refuses a pairing id that exists', () => {
    expect(given(pairingDecider, clock, [established]).when(establish)).toEqual({
      violation: { rule: 'pairing.exists', facts: { pairingId: 'nanshan-guangming-1' } },
    });
  });
});
