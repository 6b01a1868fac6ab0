import type { RecordedEvent } from '@junheng/event-store';
import type { StudentEvent } from '@junheng/domain';
import { loggedColumns } from './fact-row';
import type { Projection } from './projection';
import type { StudentHistory } from './student-history';

/**
 * Dropouts and what ends them (migration 0009), each row at the dropout's school, district,
 * level, reason and day:
 * - `dropout`: +1 on the dropout's day;
 * - `return`: −1 on the return's day, with the days out;
 * - `death`: −1 on the day a student who was out of school died.
 * Out of school on D is the sum of the rows up to D (the facts' rule: the last movement up to D
 * is a dropout); the returns of a period's dropouts are the `return` rows of those dropouts.
 * A return or a death does not name the dropout's school, district or reason: the movement
 * before it does (student-history.ts). A return whose dropout is not in the facts (none should
 * be) keeps its own school, level and district.
 */
export const dropoutChangesProjection: Projection = {
  table: 'dropout_changes',
  readsStudentHistory: true,
  rows: (events: readonly RecordedEvent[], history?: StudentHistory) =>
    events.flatMap((event) => {
      const row = dropoutChangeOf(event, history);
      return row === undefined ? [] : [{ ...loggedColumns(event), ...row }];
    }),
};

function dropoutChangeOf(event: RecordedEvent, history: StudentHistory | undefined) {
  if (!event.type.startsWith('Student')) return undefined;
  const movement = event as unknown as StudentEvent;
  const data = movement.data;
  switch (movement.type) {
    case 'StudentDroppedOut':
      return {
        kind: 'dropout',
        school_code: data.schoolCode,
        district_code: data.districtCode,
        level: data.level,
        reason: movement.data.reason,
        dropped_out_on: data.date,
        changed_on: data.date,
        days_out: -1,
        delta: 1,
      };
    case 'StudentReturned': {
      const dropout = history?.dropoutEndedBy(event);
      return {
        kind: 'return',
        school_code: dropout?.schoolCode ?? data.schoolCode,
        district_code: dropout?.districtCode ?? data.districtCode,
        level: dropout?.level ?? data.level,
        reason: dropout?.reason ?? '',
        dropped_out_on: movement.data.droppedOutOn,
        changed_on: data.date,
        days_out: movement.data.daysOut,
        delta: -1,
      };
    }
    case 'StudentDeceased': {
      const dropout = history?.dropoutEndedBy(event);
      if (dropout === undefined) return undefined;
      return {
        kind: 'death',
        school_code: dropout.schoolCode,
        district_code: dropout.districtCode,
        level: dropout.level,
        reason: dropout.reason,
        dropped_out_on: dropout.date,
        changed_on: data.date,
        days_out: -1,
        delta: -1,
      };
    }
    case 'StudentEnrolled':
    case 'StudentTransferred':
    case 'StudentSuspended':
    case 'StudentResumed':
    case 'StudentRepeatedGrade':
    case 'StudentSkippedGrade':
    case 'StudentGraduated':
    case 'StudentFlaggedAtRisk':
    case 'StudentRiskCleared':
      // No dropout begins or ends: a student on a register stays out of these figures.
      return undefined;
  }
}
