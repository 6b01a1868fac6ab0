import { rawEventsMigration } from './0001-raw-events.migration';
import { lessonExchangesMigration } from './0002-lesson-exchanges.migration';
import { projectionCheckpointsMigration } from './0003-projection-checkpoints.migration';
import { eventActorScopeMigration } from './0004-event-actor-scope.migration';
import { projectionSourcesMigration } from './0005-projection-sources.migration';
import { projectionRebuildsMigration } from './0006-projection-rebuilds.migration';
import { indicatorFactsMigration } from './0007-indicator-facts.migration';
import { studentClassesMigration } from './0008-student-classes.migration';
import { indicatorRollupsMigration } from './0009-indicator-rollups.migration';
import { consolidationRollupsMigration } from './0010-consolidation-rollups.migration';
import { schoolPeriodsMigration } from './0011-school-periods.migration';
import { schoolReportValuesMigration } from './0012-school-report-values.migration';
import type { AnalyticsMigration } from './migration';

export const ANALYTICS_MIGRATIONS: readonly AnalyticsMigration[] = [
  rawEventsMigration,
  lessonExchangesMigration,
  projectionCheckpointsMigration,
  eventActorScopeMigration,
  projectionSourcesMigration,
  projectionRebuildsMigration,
  indicatorFactsMigration,
  studentClassesMigration,
  indicatorRollupsMigration,
  consolidationRollupsMigration,
  schoolPeriodsMigration,
  schoolReportValuesMigration,
];

export type { AnalyticsMigration } from './migration';
export { migrateAnalytics } from './migration-runner';
