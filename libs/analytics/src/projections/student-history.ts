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

/**
 * What a rollup needs to know about a student's earlier movements: a return or a death changes
 * the figures of the dropout it ends, which the event itself does not name (a death does not
 * say whether the student was on a register or out of school).
 */
export interface StudentHistory {
  /** The dropout `event` ends: the student's movement just before it, when that was a dropout. */
  dropoutEndedBy(event: RecordedEvent): DropoutFact | undefined;
}

/** The movement types whose rollup rows depend on the movement before them. */
const ENDS_A_DROPOUT = new Set(['StudentReturned', 'StudentDeceased']);

interface Movement {
  readonly type: string;
  readonly date: string;
  readonly transactionId: number;
  readonly globalPosition: number;
  readonly dropout: DropoutFact | undefined;
}

const NO_HISTORY: StudentHistory = { dropoutEndedBy: () => undefined };

const studentOf = (event: RecordedEvent): string => {
  const student = (event.data as { student?: unknown }).student;
  return typeof student === 'string' ? student : '';
};

/** Ordered as the facts order a student's movements: by day, then by position in the log. */
const before = (a: Movement, b: Movement): boolean =>
  a.date < b.date || (a.date === b.date && a.globalPosition < b.globalPosition);

/** A movement of the student_events facts, or of the batch (the same columns). */
function movement(
  type: string,
  position: { transactionId: number; globalPosition: number },
  fact: DropoutFact,
): Movement {
  return {
    type,
    date: fact.date,
    transactionId: position.transactionId,
    globalPosition: position.globalPosition,
    dropout: type === 'StudentDroppedOut' ? fact : undefined,
  };
}

function movementOf(event: RecordedEvent): Movement {
  const data = event.data as Record<string, unknown>;
  return movement(event.type, event, {
    schoolCode: String(data.schoolCode),
    districtCode: String(data.districtCode),
    level: String(data.level),
    reason: String(data.reason),
    date: String(data.date),
  });
}

/**
 * Reads the earlier movements of the students who return or die in `events`, from the
 * `student_events` facts (projected before the rollups, the batch's own included) and from the
 * batch itself: a handful of students per batch, found by the facts' skip index on `student`.
 */
export async function loadStudentHistory(
  analytics: AnalyticsClient,
  events: readonly RecordedEvent[],
  factsTable = 'student_events',
): Promise<StudentHistory> {
  const students = [
    ...new Set(events.filter((event) => ENDS_A_DROPOUT.has(event.type)).map(studentOf)),
  ];
  if (students.length === 0) return NO_HISTORY;
  const rows = await analytics.query<{
    student: string;
    type: string;
    school_code: string;
    district_code: string;
    level: string;
    reason: string;
    event_date: string;
    transaction_id: string;
    global_position: string;
  }>(
    `SELECT student, type, school_code, district_code, level, reason,
            toString(event_date) AS event_date, transaction_id, global_position
     FROM {db:Identifier}.{facts:Identifier}
     WHERE student IN {students:Array(String)}
     LIMIT 1 BY event_id`,
    { facts: factsTable, students },
  );
  const byStudent = new Map<string, Map<string, Movement>>();
  const remember = (student: string, movement: Movement): void => {
    const known = byStudent.get(student) ?? new Map<string, Movement>();
    known.set(`${movement.transactionId}.${movement.globalPosition}`, movement);
    byStudent.set(student, known);
  };
  for (const row of rows)
    remember(
      row.student,
      movement(
        row.type,
        { transactionId: Number(row.transaction_id), globalPosition: Number(row.global_position) },
        {
          schoolCode: row.school_code,
          districtCode: row.district_code,
          level: row.level,
          reason: row.reason,
          date: row.event_date,
        },
      ),
    );
  const wanted = new Set(students);
  for (const event of events) {
    const student = studentOf(event);
    if (wanted.has(student) && event.type.startsWith('Student'))
      remember(student, movementOf(event));
  }
  return {
    dropoutEndedBy(event) {
      const self = movementOf(event);
      let previous: Movement | undefined;
      for (const movement of byStudent.get(studentOf(event))?.values() ?? []) {
        if (movement.type === 'StudentFlaggedAtRisk' || movement.type === 'StudentRiskCleared')
          continue;
        if (!before(movement, self)) continue;
        if (previous === undefined || before(previous, movement)) previous = movement;
      }
      return previous?.dropout;
    },
  };
}
