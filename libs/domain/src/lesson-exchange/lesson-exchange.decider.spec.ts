import { fixedClock, given } from '../shared/given-when-then';
import type { RecordLessonExchange } from './lesson-exchange.commands';
import { lessonExchangeDecider } from './lesson-exchange.decider';
import type { LessonExchanged } from './lesson-exchange.events';

// 光明区 (440311) host school visited by a 南山区 pairing partner, as in seed 004.
const clock = fixedClock('2024-10-20T08:00:00.000Z');

const record: RecordLessonExchange = {
  type: 'RecordLessonExchange',
  exchangeId: 'ex-1',
  districtCode: '440311',
  hostSchoolCode: '1144031101',
  visitingSchoolCode: '1144030501',
  kind: 'demonstration',
  subject: 'mathematics',
  date: '2024-10-15',
  attendees: 67,
  pairingId: null,
};

const recorded: LessonExchanged = {
  type: 'LessonExchanged',
  schemaVersion: 2,
  data: {
    exchangeId: 'ex-1',
    districtCode: '440311',
    hostSchoolCode: '1144031101',
    visitingSchoolCode: '1144030501',
    kind: 'demonstration',
    subject: 'mathematics',
    date: '2024-10-15',
    attendees: 67,
    pairingId: null,
  },
};

describe('lesson exchange', () => {
  it('records a lesson exchange between two schools', () => {
    expect(given(lessonExchangeDecider, clock).when(record)).toEqual({ events: [recorded] });
  });

  it('accepts an exchange dated tomorrow (clerks in later time zones), not the day after', () => {
    expect(given(lessonExchangeDecider, clock).when({ ...record, date: '2024-10-21' })).toEqual({
      events: [{ ...recorded, data: { ...recorded.data, date: '2024-10-21' } }],
    });
    expect(given(lessonExchangeDecider, clock).when({ ...record, date: '2024-10-22' })).toEqual({
      violation: {
        rule: 'calendar.date-in-future',
        facts: { date: '2024-10-22', today: '2024-10-20' },
      },
    });
  });

  it('accepts zero attendees (a lesson that was recorded, nobody counted)', () => {
    expect(given(lessonExchangeDecider, clock).when({ ...record, attendees: 0 })).toMatchObject({
      events: [{ data: { attendees: 0 } }],
    });
  });

  it.each([
    [
      { visitingSchoolCode: '1144031101' },
      'lesson-exchange.same-school',
      { schoolCode: '1144031101' },
    ],
    [{ attendees: -1 }, 'lesson-exchange.invalid-attendees', { attendees: -1 }],
    [{ attendees: 2.5 }, 'lesson-exchange.invalid-attendees', { attendees: 2.5 }],
    [{ date: '2024-02-30' }, 'calendar.invalid-date', { date: '2024-02-30' }],
    [{ districtCode: '440300' }, 'organisation.unknown-district-code', { districtCode: '440300' }],
    [
      { hostSchoolCode: '12345' },
      'organisation.invalid-school-code',
      { role: 'host', schoolCode: '12345' },
    ],
    [{ kind: 'picnic' }, 'lesson-exchange.unknown-kind', { kind: 'picnic' }],
  ])('refuses %j with %s', (change, rule, facts) => {
    const command = { ...record, ...change } as RecordLessonExchange;
    expect(given(lessonExchangeDecider, clock).when(command)).toEqual({
      violation: { rule, facts },
    });
  });

  it('refuses to record the same exchange twice', () => {
    expect(given(lessonExchangeDecider, clock, [recorded]).when(record)).toEqual({
      violation: {
        rule: 'lesson-exchange.already-recorded',
        facts: { exchangeId: 'ex-1', recordedDate: '2024-10-15' },
      },
    });
  });
});
