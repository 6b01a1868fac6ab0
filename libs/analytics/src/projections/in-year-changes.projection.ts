import type { RecordedEvent } from '@junheng/event-store';
import { schoolYearOf } from '@junheng/domain';
import { loggedColumns } from './fact-row';
import type { Projection } from './projection';
import { isStudentMovement, studentMovementOf } from './student-history';
import type { StudentHistory, StudentMovement } from './student-history';

/** The movements after which a student is on a register (在籍), as sql-fragments.ts ON_REGISTER. */
const ON_REGISTER = new Set([
  'StudentEnrolled',
  'StudentTransferred',
  'StudentReturned',
  'StudentSuspended',
  'StudentResumed',
  'StudentRepeatedGrade',
  'StudentSkippedGrade',
]);

/** Where a movement leaves a student at the end of a school year. */
interface Fate {
  /** On a register or graduated (kept, if at a school of the same unit), died, or gone. */
  readonly kind: 'stayed' | 'died' | 'left';
  readonly schoolCode: string;
}

const fateAfter = (movement: StudentMovement): Fate => {
  if (ON_REGISTER.has(movement.type) || movement.type === 'StudentGraduated')
    return {
      kind: 'stayed',
      schoolCode:
        movement.type === 'StudentTransferred' ? movement.toSchoolCode : movement.schoolCode,
    };
  if (movement.type === 'StudentDeceased') return { kind: 'died', schoolCode: '' };
  return { kind: 'left', schoolCode: '' };
};

const sameFate = (a: Fate, b: Fate): boolean => a.kind === b.kind && a.schoolCode === b.schoolCode;

/**
 * The in-year consolidation (年巩固率) of each school year as signed changes (migration 0010).
 * The opening register (在籍 at the end of 1 September) is `register_changes` on that day; each
 * of its students is taken to end the year where they began it (`stayed` at their school) until
 * a movement later in the year says otherwise. Such a movement moves the student's count from
 * the fate they had (−1) to the one it gives (+1), both keyed by where they began the year:
 * `fate_school_code` is the school they are on the register of (or graduated from) after it,
 * `died` and `left` (dropped out) have none. So the opening register plus the sum of the rows of
 * a year is each opening student once, at their fate on 31 August — the facts' rule
 * (in-year-consolidation.indicator.ts `factsSql`), because a student's movements are recorded
 * in the order they happened (the decider refuses an older one), each row as of its event.
 *
 * Graduations are counted here too (`graduated`, +1 at the school and level, by school year):
 * every graduation of the year at the unit, arrivals included, shown beside the rate.
 */
export const inYearChangesProjection: Projection = {
  table: 'in_year_changes',
  readsStudentHistory: true,
  rows: (events: readonly RecordedEvent[], history?: StudentHistory) =>
    events.filter(isStudentMovement).flatMap((event) => {
      const logged = loggedColumns(event);
      return inYearChangesOf(event, history).map((change) => ({ ...logged, ...change }));
    }),
};

interface InYearChange {
  readonly school_year: number;
  readonly kind: 'stayed' | 'died' | 'left' | 'graduated';
  readonly school_code: string;
  readonly level: string;
  readonly fate_school_code: string;
  readonly delta: 1 | -1;
}

function inYearChangesOf(
  event: RecordedEvent,
  history: StudentHistory | undefined,
): InYearChange[] {
  const movement = studentMovementOf(event);
  const year = schoolYearOf(movement.date);
  const opening = `${year}-09-01`;
  // A movement on the opening day is part of the opening register, not of the year's fates
  // (nor of its graduates: the facts count those after the opening day).
  if (movement.date <= opening) return [];
  const changes: InYearChange[] = [];
  if (movement.type === 'StudentGraduated')
    changes.push({
      school_year: year,
      kind: 'graduated',
      school_code: movement.schoolCode,
      level: movement.level,
      fate_school_code: '',
      delta: 1,
    });
  const earlier = history?.movementsBefore(event) ?? [];
  const atOpening = earlier.filter((before) => before.date <= opening).at(-1);
  if (atOpening === undefined || !ON_REGISTER.has(atOpening.type)) return changes;
  const start = fateAfter(atOpening);
  const previous = earlier.at(-1);
  const was = previous !== undefined && previous.date > opening ? fateAfter(previous) : start;
  const now = fateAfter(movement);
  if (sameFate(was, now)) return changes;
  const keyed = (fate: Fate, delta: 1 | -1): InYearChange => ({
    school_year: year,
    kind: fate.kind,
    school_code: start.schoolCode,
    level: atOpening.level,
    fate_school_code: fate.schoolCode,
    delta,
  });
  changes.push(keyed(was, -1), keyed(now, 1));
  return changes;
}
