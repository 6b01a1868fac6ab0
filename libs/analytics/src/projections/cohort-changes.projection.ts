import type { RecordedEvent } from '@junheng/event-store';
import { schoolYearOf } from '@junheng/domain';
import type { StudentEvent } from '@junheng/domain';
import { loggedColumns } from './fact-row';
import type { Projection } from './projection';
import { isStudentMovement } from './student-history';

type Measure = 'entrants' | 'transfers_in' | 'transfers_out' | 'deaths' | 'graduates';

/** How repeaters count (the `repeatersCountIn` parameter): in their class, or the one they entered with. */
type Mode = 'class' | 'entry';

interface CohortChange {
  readonly mode: Mode;
  /** The school year the class graduates in (届): the cohort consolidation's `schoolYear`. */
  readonly class_year: number;
  readonly measure: Measure;
  readonly school_code: string;
  readonly level: string;
  readonly delta: 1;
}

/**
 * The cohort consolidation (小学六年巩固率 / 初中三年巩固率) as counts per class (migration 0010):
 * each movement counts once for each class it concerns, in each way repeaters may be counted,
 * keyed by the year the class graduates in. A movement states its grade, the level's final grade
 * and the class, so which class it concerns needs nothing but the event — the facts' rule
 * (cohort-consolidation.indicator.ts `factsSql`), computed once when the event is projected:
 *
 * - by class (`class`): the class graduating in `year + final grade − grade`, if the movement
 *   is dated up to that year; a repeat, a skip or a return into another class also leaves the
 *   class it came from (`transfers_out` there, whatever the year) and joins the new one
 *   (`transfers_in`). Graduations count for their own year only.
 * - by entry (`entry`): the class the student entered the level with, moved by the same span.
 */
export const cohortChangesProjection: Projection = {
  table: 'cohort_changes',
  rows: (events: readonly RecordedEvent[]) =>
    events.flatMap((event) => {
      const changes = cohortChangesOf(event);
      if (changes.length === 0) return [];
      const logged = loggedColumns(event);
      return changes.map((change) => ({ ...logged, ...change }));
    }),
};

function cohortChangesOf(event: RecordedEvent): CohortChange[] {
  if (!isStudentMovement(event)) return [];
  const movement = event as unknown as StudentEvent;
  const data = movement.data;
  /** What the movement counts as for a class it is part of ('in' it, not joining or leaving). */
  const within = (): (readonly [Measure, string])[] => {
    switch (movement.type) {
      case 'StudentEnrolled':
        return movement.data.entry === 'new-entrant'
          ? [['entrants', data.schoolCode]]
          : movement.data.entry === 'transfer-in'
            ? [['transfers_in', data.schoolCode]]
            : [];
      case 'StudentTransferred':
        return [
          ['transfers_in', movement.data.toSchoolCode],
          ['transfers_out', data.schoolCode],
        ];
      case 'StudentDeceased':
        return [['deaths', data.schoolCode]];
      case 'StudentGraduated':
        return [['graduates', data.schoolCode]];
      case 'StudentDroppedOut':
      case 'StudentReturned':
      case 'StudentSuspended':
      case 'StudentResumed':
      case 'StudentRepeatedGrade':
      case 'StudentSkippedGrade':
      case 'StudentFlaggedAtRisk':
      case 'StudentRiskCleared':
        return [];
    }
  };
  const year = schoolYearOf(data.date);
  // The years of the level left, less one: a class graduates in (its cohort + span).
  const span = year + data.finalGrade - data.grade - data.cohort;
  const fromCohort =
    movement.type === 'StudentRepeatedGrade' ||
    movement.type === 'StudentSkippedGrade' ||
    movement.type === 'StudentReturned'
      ? movement.data.fromCohort
      : data.cohort;
  const graduatesIn = data.cohort + span;
  const changesClass = fromCohort !== data.cohort;
  const change = (
    mode: Mode,
    classYear: number,
    measure: Measure,
    school: string,
  ): CohortChange => ({
    mode,
    class_year: classYear,
    measure,
    school_code: school,
    level: data.level,
    delta: 1,
  });
  const changes: CohortChange[] = [];
  if (changesClass) {
    if (year <= graduatesIn)
      changes.push(change('class', graduatesIn, 'transfers_in', data.schoolCode));
    changes.push(change('class', fromCohort + span, 'transfers_out', data.schoolCode));
  } else if (year <= graduatesIn) {
    for (const [measure, school] of within())
      if (measure !== 'graduates' || year === graduatesIn)
        changes.push(change('class', graduatesIn, measure, school));
  }
  const entryClassGraduatesIn = data.entryCohort + span;
  if (year <= entryClassGraduatesIn)
    for (const [measure, school] of within())
      changes.push(change('entry', entryClassGraduatesIn, measure, school));
  return changes;
}
