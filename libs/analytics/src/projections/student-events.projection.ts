import type { RecordedEvent } from '@junheng/event-store';
import type { StudentEvent } from '@junheng/domain';
import { loggedColumns, payloadOf } from './fact-row';
import type { Projection } from './projection';

/** At-risk flags change no indicator in issue 6; they stay in `events` for drill-down. */
const COUNTED_TYPES = new Set<string>([
  'StudentEnrolled',
  'StudentTransferred',
  'StudentDroppedOut',
  'StudentReturned',
  'StudentSuspended',
  'StudentResumed',
  'StudentRepeatedGrade',
  'StudentSkippedGrade',
  'StudentGraduated',
  'StudentDeceased',
]);

/**
 * One row per student movement, keyed by the student's pseudonym (the 学籍号 never reaches
 * the analytics store). Enrolment on a day, cohorts and dropouts are derived at query time.
 */
export const studentEventsProjection: Projection = {
  table: 'student_events',
  rows: (events: readonly RecordedEvent[]) =>
    events
      .filter((event) => COUNTED_TYPES.has(event.type))
      .map((event) => {
        const movement = { type: event.type, data: payloadOf(event) } as StudentEvent;
        const data = movement.data;
        return {
          ...loggedColumns(event),
          student: data.student,
          type: movement.type,
          school_code: data.schoolCode,
          district_code: data.districtCode,
          grade: data.grade,
          level: data.level,
          final_grade: data.finalGrade,
          cohort: data.cohort,
          entry_cohort: data.entryCohort,
          // The class a repeat, a skip or a return moves the student out of; any other movement stays in it.
          from_cohort:
            movement.type === 'StudentRepeatedGrade' ||
            movement.type === 'StudentSkippedGrade' ||
            movement.type === 'StudentReturned'
              ? movement.data.fromCohort
              : data.cohort,
          event_date: data.date,
          entry: movement.type === 'StudentEnrolled' ? movement.data.entry : '',
          to_school_code: movement.type === 'StudentTransferred' ? movement.data.toSchoolCode : '',
          to_district_code:
            movement.type === 'StudentTransferred' ? movement.data.toDistrictCode : '',
          reason: movement.type === 'StudentDroppedOut' ? movement.data.reason : '',
          means: movement.type === 'StudentReturned' ? movement.data.means : '',
          days_out: movement.type === 'StudentReturned' ? movement.data.daysOut : -1,
        };
      }),
};
