import { isDistrictCode, isSchoolCode } from '../shared/administrative-codes';
import { isCalendarDate, startOfDayUtc } from '../shared/calendar';
import { MILLISECONDS_PER_DAY } from '../shared/clock';
import type { Clock } from '../shared/clock';
import { DomainRuleViolation } from '../shared/domain-rule-violation';
import { assertNever } from '../shared/exhaustive';
import { isLessonExchangeKind } from './lesson-exchange-kind';
import type { LessonExchangeCommand, RecordLessonExchange } from './lesson-exchange.commands';
import type { LessonExchangeEvent } from './lesson-exchange.events';

export type LessonExchangeState =
  { readonly status: 'unrecorded' } | { readonly status: 'recorded'; readonly date: string };

export const initialLessonExchangeState: LessonExchangeState = { status: 'unrecorded' };

export const LESSON_EXCHANGE_STREAM_TYPE = 'lesson-exchange';

export function lessonExchangeStreamId(exchangeId: string): string {
  return `${LESSON_EXCHANGE_STREAM_TYPE}-${exchangeId}`;
}

export function evolveLessonExchange(
  state: LessonExchangeState,
  event: LessonExchangeEvent,
): LessonExchangeState {
  switch (event.type) {
    case 'LessonExchanged':
      return { status: 'recorded', date: event.data.date };
    default:
      return assertNever(event.type);
  }
}

export function decideLessonExchange(
  command: LessonExchangeCommand,
  state: LessonExchangeState,
  clock: Clock,
): LessonExchangeEvent[] {
  switch (command.type) {
    case 'RecordLessonExchange':
      return recordLessonExchange(command, state, clock);
    default:
      return assertNever(command.type);
  }
}

function recordLessonExchange(
  command: RecordLessonExchange,
  state: LessonExchangeState,
  clock: Clock,
): LessonExchangeEvent[] {
  if (state.status === 'recorded') {
    throw new DomainRuleViolation(
      'lesson-exchange.already-recorded',
      `Lesson exchange "${command.exchangeId}" is already recorded`,
      { exchangeId: command.exchangeId, recordedDate: state.date },
    );
  }
  if (!isDistrictCode(command.districtCode)) {
    throw new DomainRuleViolation(
      'organisation.unknown-district-code',
      `"${command.districtCode}" is not a county-level district code`,
      { districtCode: command.districtCode },
    );
  }
  for (const [role, code] of [
    ['host', command.hostSchoolCode],
    ['visiting', command.visitingSchoolCode],
  ] as const) {
    if (!isSchoolCode(code)) {
      throw new DomainRuleViolation(
        'organisation.invalid-school-code',
        `The ${role} school code "${code}" is not a 10-digit school code`,
        { role, schoolCode: code },
      );
    }
  }
  if (command.hostSchoolCode === command.visitingSchoolCode) {
    throw new DomainRuleViolation(
      'lesson-exchange.same-school',
      'A lesson exchange joins two different schools',
      { schoolCode: command.hostSchoolCode },
    );
  }
  if (!isLessonExchangeKind(command.kind)) {
    throw new DomainRuleViolation(
      'lesson-exchange.unknown-kind',
      `"${String(command.kind)}" is not a kind of lesson exchange`,
      { kind: String(command.kind) },
    );
  }
  if (!Number.isInteger(command.attendees) || command.attendees < 0) {
    throw new DomainRuleViolation(
      'lesson-exchange.invalid-attendees',
      'Attendees are a whole number of people, zero or more',
      { attendees: command.attendees },
    );
  }
  if (!isCalendarDate(command.date)) {
    throw new DomainRuleViolation('calendar.invalid-date', `"${command.date}" is not a real date`, {
      date: command.date,
    });
  }
  const latestAcceptable = clock.now().getTime() + MILLISECONDS_PER_DAY;
  if (startOfDayUtc(command.date).getTime() > latestAcceptable) {
    throw new DomainRuleViolation(
      'calendar.date-in-future',
      `A lesson exchange on ${command.date} has not happened yet`,
      { date: command.date, today: clock.now().toISOString().slice(0, 10) },
    );
  }
  return [
    {
      type: 'LessonExchanged',
      schemaVersion: 2,
      data: {
        exchangeId: command.exchangeId,
        districtCode: command.districtCode,
        hostSchoolCode: command.hostSchoolCode,
        visitingSchoolCode: command.visitingSchoolCode,
        kind: command.kind,
        subject: command.subject,
        date: command.date,
        attendees: command.attendees,
        pairingId: command.pairingId,
      },
    },
  ];
}

export const lessonExchangeDecider = {
  decide: decideLessonExchange,
  evolve: evolveLessonExchange,
  initialState: initialLessonExchangeState,
  // An exchange counts for the host school's district, on its day.
  envelopeOf: (event: LessonExchangeEvent) => ({
    occurredOn: event.data.date,
    districtCode: event.data.districtCode,
  }),
};
