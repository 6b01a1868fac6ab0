import { lessonExchangesProjection } from './lesson-exchanges.projection';
import type { Projection } from './projection';
import { rawEventsProjection } from './raw-events.projection';

import { cohortChangesProjection } from './cohort-changes.projection';
import { dropoutChangesProjection } from './dropout-changes.projection';
import { fundFlowsProjection } from './fund-flows.projection';
import { inYearChangesProjection } from './in-year-changes.projection';
import { pairingChangesProjection } from './pairing-changes.projection';
import { registerChangesProjection } from './register-changes.projection';
import { schoolChangesProjection } from './school-changes.projection';
import { schoolPeriodsProjection } from './school-periods.projection';
import { schoolReportValuesProjection } from './school-report-values.projection';
import { schoolReportsProjection } from './school-reports.projection';
import { studentEventsProjection } from './student-events.projection';
import { teacherRotationsProjection } from './teacher-rotations.projection';

export const PROJECTIONS: readonly Projection[] = [
  rawEventsProjection,
  lessonExchangesProjection,
  schoolChangesProjection,
  // The hierarchy dimension reads the school's earlier changes back from `school_changes`.
  schoolPeriodsProjection,
  schoolReportsProjection,
  schoolReportValuesProjection,
  studentEventsProjection,
  teacherRotationsProjection,
  pairingChangesProjection,
  fundFlowsProjection,
  // The rollups come after the facts: they read a returning or dying student's dropout back
  // from `student_events`, the batch's own included (student-history.ts).
  registerChangesProjection,
  dropoutChangesProjection,
  inYearChangesProjection,
  cohortChangesProjection,
];

export type { Projection } from './projection';
export { clickhouseDateTime } from './projection';
export { lessonExchangesProjection } from './lesson-exchanges.projection';
export { rawEventsProjection } from './raw-events.projection';
export type { DropoutFact, StudentHistory, StudentMovement } from './student-history';
export { loadStudentHistory } from './student-history';
export type { SchoolHistory, SchoolPeriod } from './school-periods.projection';
export { loadSchoolHistory, periodsOf } from './school-periods.projection';
export {
  cohortChangesProjection,
  dropoutChangesProjection,
  inYearChangesProjection,
  registerChangesProjection,
  fundFlowsProjection,
  pairingChangesProjection,
  schoolChangesProjection,
  schoolPeriodsProjection,
  schoolReportsProjection,
  schoolReportValuesProjection,
  studentEventsProjection,
  teacherRotationsProjection,
};
