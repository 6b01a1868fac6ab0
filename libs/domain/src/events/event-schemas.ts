import type { FundProgrammeEvent } from '../funds/funds.events';
import type { LessonExchangeEvent } from '../lesson-exchange/lesson-exchange.events';
import type { PairingEvent } from '../pairing/pairing';
import type { SchoolEvent } from '../school/school.events';
import { schoolYearOf } from '../shared/calendar';
import { SchoolStages } from '../student/school-stages';
import type { StudentEvent } from '../student/student.events';
import type { TeacherRotationEvent } from '../teacher-rotation/teacher-rotation.events';

/** Every event the domain records. */
export type DomainEvent =
  | StudentEvent
  | SchoolEvent
  | TeacherRotationEvent
  | PairingEvent
  | FundProgrammeEvent
  | LessonExchangeEvent;

export type DomainEventType = DomainEvent['type'];

/**
 * The schema version each event type is written at today, keyed by the domain's own unions: a
 * new event type without an entry, or an entry that disagrees with the type's declared version,
 * does not compile. A reader lifts older payloads through the upcasters below; a newer version
 * than it knows is a poison event for it.
 */
export const CURRENT_SCHEMA_VERSIONS: {
  readonly [Type in DomainEventType]: Extract<DomainEvent, { type: Type }>['schemaVersion'];
} = {
  LessonExchanged: 2,
  TeacherRotationStarted: 1,
  TeacherRotationEnded: 1,
  SchoolRegistered: 1,
  SchoolReclassified: 1,
  SchoolMovedDistrict: 1,
  SchoolMerged: 1,
  SchoolClosed: 1,
  SchoolConditionsReported: 1,
  SchoolStaffingReported: 1,
  PairingEstablished: 1,
  PairingEnded: 1,
  ProgrammeBudgeted: 1,
  FundsAllocated: 1,
  AllocationRevoked: 1,
  StudentEnrolled: 2,
  StudentTransferred: 2,
  StudentDroppedOut: 2,
  StudentReturned: 2,
  StudentSuspended: 2,
  StudentResumed: 2,
  StudentRepeatedGrade: 1,
  StudentSkippedGrade: 1,
  StudentGraduated: 2,
  StudentDeceased: 2,
  StudentFlaggedAtRisk: 2,
  StudentRiskCleared: 2,
};

export function isDomainEventType(type: string): type is DomainEventType {
  return Object.hasOwn(CURRENT_SCHEMA_VERSIONS, type);
}

export type Upcaster = (data: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/**
 * Schema 1 of a student event was written before promotion existed, always under 六三制: its
 * grade is the grade as recorded, taken as the grade on the event's day, and its class is the
 * one that grade implies (no repeat or skip could be recorded then).
 */
const studentV1: Upcaster = (data) => {
  const stages = SchoolStages.SIX_THREE;
  const grade = Number(data.grade);
  const level = stages.levelOfGrade(grade);
  const cohort = schoolYearOf(String(data.date)) - (grade - stages.firstGrade(level));
  return { ...data, level, finalGrade: stages.finalGrade(level), cohort, entryCohort: cohort };
};

/**
 * `UPCASTERS[type][v]` lifts a payload of version v to v + 1. Each has fixtures of the old JSON
 * in libs/messaging/src/schema/fixtures that must fold into today's shape.
 */
export const UPCASTERS: {
  readonly [Type in DomainEventType]?: Readonly<Record<number, Upcaster>>;
} = {
  LessonExchanged: {
    // v1 was written before pairings existed: an exchange outside any pairing.
    1: (data) => ({ ...data, pairingId: null }),
  },
  StudentEnrolled: { 1: studentV1 },
  StudentTransferred: { 1: studentV1 },
  StudentDroppedOut: { 1: studentV1 },
  StudentReturned: { 1: (data) => ({ ...studentV1(data), fromCohort: studentV1(data).cohort }) },
  StudentSuspended: { 1: studentV1 },
  StudentResumed: { 1: studentV1 },
  StudentGraduated: { 1: studentV1 },
  StudentDeceased: { 1: studentV1 },
  StudentFlaggedAtRisk: { 1: studentV1 },
  StudentRiskCleared: { 1: studentV1 },
};

/** A stored event's payload in today's shape (older schema versions upcast on the way). */
export function upcastPayload(
  type: DomainEventType,
  schemaVersion: number,
  data: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  let payload = { ...data };
  for (let version = schemaVersion; version < CURRENT_SCHEMA_VERSIONS[type]; version += 1) {
    const upcast = UPCASTERS[type]?.[version];
    if (upcast === undefined) throw new MissingUpcasterError(type, version);
    payload = upcast(payload);
  }
  return payload;
}

export class MissingUpcasterError extends Error {
  constructor(type: string, version: number) {
    super(`No upcaster for ${type} v${version}`);
    this.name = 'MissingUpcasterError';
  }
}

/** What a stored event is, as far as upcasting needs it. */
export interface StoredEventShape {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Readonly<Record<string, unknown>>;
}

/** A stored event in today's schema: its payload upcast and its version the current one. */
export function upcastEvent<Stored extends StoredEventShape>(
  stored: Stored,
): Stored & { readonly data: Record<string, unknown> } {
  if (!isDomainEventType(stored.type)) {
    throw new Error(`Unknown event type "${stored.type}"`);
  }
  return {
    ...stored,
    schemaVersion: CURRENT_SCHEMA_VERSIONS[stored.type],
    data: upcastPayload(stored.type, stored.schemaVersion, stored.data),
  };
}

/**
 * The state an aggregate's stream folds into: each stored event upcast to today's schema, then
 * applied. The one way command handlers and directories rebuild state.
 */
export function foldStream<State, Event>(
  evolve: (state: State, event: Event) => State,
  initialState: State,
  stream: readonly StoredEventShape[],
): State {
  let state = initialState;
  for (const stored of stream) {
    const { type, schemaVersion, data } = upcastEvent(stored);
    state = evolve(state, { type, schemaVersion, data } as unknown as Event);
  }
  return state;
}
