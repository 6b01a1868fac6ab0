import type { RecordedEvent } from '@junheng/event-store';
import { schoolYearOf } from '@junheng/domain';
import type { StudentEvent } from '@junheng/domain';
import { loggedColumns } from './fact-row';
import type { Projection } from './projection';
import type { StudentHistory } from './student-history';

interface Placement {
  readonly schoolCode: string;
  readonly level: string;
  readonly finalGrade: number;
  readonly grade: number;
}

/**
 * The register (在籍: enrolled or suspended) as signed changes (migration 0009): +1 where an
 * event puts a student on a school's register, −1 where it takes them off, in the grade of its
 * day. `grade_base` is that grade less the school year, so the grade on any later day D is
 * least(final grade, grade_base + school year of D): the yearly promotion (升级) needs no row.
 * A student held in the final grade leaves at a base their joining row did not have; both read
 * as the final grade on every day after, so the sums agree with the facts.
 *
 * The sum of a student's changes up to D is 1 at the school and grade their last movement up
 * to D leaves them registered at, 0 otherwise — the facts' rule (sql-fragments.ts `registerOn`),
 * because a student's movements are recorded in the order they happened (the decider refuses
 * an older one). A death takes a student off only if they were on a register, not out of school:
 * the movement before it decides (student-history.ts).
 */
export const registerChangesProjection: Projection = {
  table: 'register_changes',
  readsStudentHistory: true,
  rows: (events: readonly RecordedEvent[], history?: StudentHistory) =>
    events.flatMap((event) => {
      const changes = registerChangesOf(event, history);
      if (changes.length === 0) return [];
      const logged = loggedColumns(event);
      const data = (event as unknown as StudentEvent).data;
      const year = schoolYearOf(data.date);
      return changes.map(([placement, delta]) => ({
        ...logged,
        school_code: placement.schoolCode,
        level: placement.level,
        final_grade: placement.finalGrade,
        grade_base: placement.grade - year,
        change_year: year,
        changed_on: data.date,
        delta,
      }));
    }),
};

function registerChangesOf(
  event: RecordedEvent,
  history: StudentHistory | undefined,
): (readonly [Placement, 1 | -1])[] {
  if (!event.type.startsWith('Student')) return [];
  const movement = event as unknown as StudentEvent;
  const data = movement.data;
  const here: Placement = {
    schoolCode: data.schoolCode,
    level: data.level,
    finalGrade: data.finalGrade,
    grade: data.grade,
  };
  switch (movement.type) {
    case 'StudentEnrolled':
    case 'StudentReturned':
      return [[here, 1]];
    case 'StudentTransferred':
      return [
        [here, -1],
        [{ ...here, schoolCode: movement.data.toSchoolCode }, 1],
      ];
    case 'StudentDroppedOut':
    case 'StudentGraduated':
      return [[here, -1]];
    case 'StudentRepeatedGrade':
    case 'StudentSkippedGrade':
      return [
        [{ ...here, grade: movement.data.fromGrade }, -1],
        [here, 1],
      ];
    case 'StudentDeceased':
      return history?.dropoutEndedBy(event) === undefined ? [[here, -1]] : [];
    case 'StudentSuspended':
    case 'StudentResumed':
    case 'StudentFlaggedAtRisk':
    case 'StudentRiskCleared':
      // Suspension and resumption keep a student on the register; risk flags are no movement.
      return [];
  }
}
