import type { RecordedEvent } from '@junheng/event-store';
import type { AnalyticsClient } from '../client/analytics-client';

/** A dropout as the facts hold it: where, in which level, why, on which day. */
export interface DropoutFact {
  readonly schoolCode: string;
  readonly districtCode: string;
  readonly level: string;
  readonly reason: string;
  readonly date: string;
}

/** One of a student's movements (a `student_events` fact): enough to say where it left them. */
export interface StudentMovement {
  readonly type: string;
  readonly date: string;
  readonly transactionId: number;
  readonly globalPosition: number;
  readonly schoolCode: string;
  readonly districtCode: string;
  /** Where a transfer took the student; '' for any other movement. */
  readonly toSchoolCode: string;
  readonly level: string;
  readonly reason: string;
}

/**
 * What a rollup needs to know about a student's earlier movements: a return or a death changes
 * the figures of the dropout it ends, which the event itself does not name (a death does not
 * say whether the student was on a register or out of school), and a movement during a school
 * year changes where the student stood at the year's end, counted from where they stood at its
 * start (in-year-changes.projection.ts).
 */
export interface StudentHistory {
  /** The dropout `event` ends: the student's movement just before it, when that was a dropout. */
  dropoutEndedBy(event: RecordedEvent): DropoutFact | undefined;
  /** The student's movements before `event`, in the facts' order (by day, then in the log). */
  movementsBefore(event: RecordedEvent): readonly StudentMovement[];
}

/** Risk flags are not movements: the facts do not hold them (student-events.projection.ts). */
const NOT_MOVEMENTS = new Set(['StudentFlaggedAtRisk', 'StudentRiskCleared']);

export const isStudentMovement = (event: RecordedEvent): boolean =>
  event.type.startsWith('Student') && !NOT_MOVEMENTS.has(event.type);

const NO_HISTORY: StudentHistory = { dropoutEndedBy: () => undefined, movementsBefore: () => [] };

const studentOf = (event: RecordedEvent): string => {
  const student = (event.data as { student?: unknown }).student;
  return typeof student === 'string' ? student : '';
};

/** Ordered as the facts order a student's movements: by day, then by position in the log. */
const before = (a: StudentMovement, b: StudentMovement): boolean =>
  a.date < b.date || (a.date === b.date && a.globalPosition < b.globalPosition);

export function studentMovementOf(event: RecordedEvent): StudentMovement {
  const data = event.data as Record<string, unknown>;
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return {
    type: event.type,
    date: text(data.date),
    transactionId: event.transactionId,
    globalPosition: event.globalPosition,
    schoolCode: text(data.schoolCode),
    districtCode: text(data.districtCode),
    toSchoolCode: event.type === 'StudentTransferred' ? text(data.toSchoolCode) : '',
    level: text(data.level),
    reason: event.type === 'StudentDroppedOut' ? text(data.reason) : '',
  };
}

/**
 * Reads the earlier movements of the batch's students from the `student_events` facts
 * (projected before the rollups, the batch's own included) and from the batch itself. The facts
 * carry a projection ordered by student (migration 0010), so the look-up reads the granules of
 * these students, not every student's.
 */
export async function loadStudentHistory(
  analytics: AnalyticsClient,
  events: readonly RecordedEvent[],
  factsTable = 'student_events',
): Promise<StudentHistory> {
  const movements = events.filter(isStudentMovement);
  if (movements.length === 0) return NO_HISTORY;
  // A student whose stream begins in the batch has no earlier movement to look up: in a
  // replay of the log that is most of them (each enrolment opens its stream).
  const opened = new Set(movements.filter((event) => event.streamVersion === 1).map(studentOf));
  const students = [...new Set(movements.map(studentOf))].filter((student) => !opened.has(student));
  const rows =
    students.length === 0
      ? []
      : await analytics.query<{
          student: string;
          type: string;
          school_code: string;
          district_code: string;
          to_school_code: string;
          level: string;
          reason: string;
          event_date: string;
          transaction_id: string;
          global_position: string;
        }>(
          `SELECT student, type, school_code, district_code, to_school_code, level, reason,
            toString(event_date) AS event_date, transaction_id, global_position
     FROM {db:Identifier}.{facts:Identifier}
     WHERE student IN {students:Array(String)}
     LIMIT 1 BY event_id`,
          { facts: factsTable, students },
        );
  const byStudent = new Map<string, Map<string, StudentMovement>>();
  const remember = (student: string, movement: StudentMovement): void => {
    const known = byStudent.get(student) ?? new Map<string, StudentMovement>();
    known.set(`${movement.transactionId}.${movement.globalPosition}`, movement);
    byStudent.set(student, known);
  };
  for (const row of rows)
    remember(row.student, {
      type: row.type,
      date: row.event_date,
      transactionId: Number(row.transaction_id),
      globalPosition: Number(row.global_position),
      schoolCode: row.school_code,
      districtCode: row.district_code,
      toSchoolCode: row.to_school_code,
      level: row.level,
      reason: row.reason,
    });
  for (const event of events)
    if (isStudentMovement(event)) remember(studentOf(event), studentMovementOf(event));
  const ordered = new Map(
    [...byStudent].map(([student, known]) => [
      student,
      [...known.values()].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)),
    ]),
  );
  const movementsBefore = (event: RecordedEvent): readonly StudentMovement[] => {
    const self = studentMovementOf(event);
    return (ordered.get(studentOf(event)) ?? []).filter((movement) => before(movement, self));
  };
  return {
    movementsBefore,
    dropoutEndedBy(event) {
      const previous = movementsBefore(event).at(-1);
      if (previous?.type !== 'StudentDroppedOut') return undefined;
      return {
        schoolCode: previous.schoolCode,
        districtCode: previous.districtCode,
        level: previous.level,
        reason: previous.reason,
        date: previous.date,
      };
    },
  };
}
