import { lessonExchangesProjection } from './lesson-exchanges.projection';
import type { Projection } from './projection';
import { rawEventsProjection } from './raw-events.projection';

import { fundFlowsProjection } from './fund-flows.projection';
import { pairingChangesProjection } from './pairing-changes.projection';
import { schoolChangesProjection } from './school-changes.projection';
import { schoolReportsProjection } from './school-reports.projection';
import { studentEventsProjection } from './student-events.projection';
import { teacherRotationsProjection } from './teacher-rotations.projection';

export const PROJECTIONS: readonly Projection[] = [
  rawEventsProjection,
  lessonExchangesProjection,
  schoolChangesProjection,
  schoolReportsProjection,
  studentEventsProjection,
  teacherRotationsProjection,
  pairingChangesProjection,
  fundFlowsProjection,
];

export type { Projection } from './projection';
export { clickhouseDateTime } from './projection';
export { lessonExchangesProjection } from './lesson-exchanges.projection';
export { rawEventsProjection } from './raw-events.projection';
export {
  fundFlowsProjection,
  pairingChangesProjection,
  schoolChangesProjection,
  schoolReportsProjection,
  studentEventsProjection,
  teacherRotationsProjection,
};
