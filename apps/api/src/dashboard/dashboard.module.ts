import { Module } from '@nestjs/common';
import { indicatorThresholds } from '@junheng/analytics';
import { JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { DashboardController } from './dashboard.controller';
import {
  AreaNodeResolver,
  DashboardResolver,
  FigureResolver,
  SchoolNodeResolver,
} from './dashboard.resolver';
import { DashboardScope } from './dashboard-scope';
import { DashboardService, INDICATOR_SETTINGS } from './dashboard.service';
import type { IndicatorSettings } from './dashboard.service';
import { FigureCache } from './figure-cache';
import { LiveScorecards } from './live-scorecards';
import { ProjectionProgress } from './projection-progress';

/**
 * Provincial dashboards: GraphQL and REST reads of every indicator, scoped by the caller,
 * labelled with the projection's freshness, with read-your-writes and live updates. With
 * Kafka configured it asks the broker's admin API for the gap-free watermark.
 */
@Module({
  controllers: [DashboardController],
  providers: [
    {
      provide: INDICATOR_SETTINGS,
      inject: [JUNHENG_CONFIG],
      // Unknown or malformed thresholds stop the start-up, not a dashboard at 3 a.m.
      useFactory: (junheng: JunhengConfig): IndicatorSettings => ({
        thresholds: indicatorThresholds(junheng.indicatorThresholdsJson),
        formulas: junheng.formulas,
        queryTimeoutMs: junheng.indicatorQueryTimeoutMs,
      }),
    },
    ProjectionProgress,
    DashboardScope,
    FigureCache,
    DashboardService,
    LiveScorecards,
    DashboardResolver,
    AreaNodeResolver,
    SchoolNodeResolver,
    FigureResolver,
  ],
  // The demo loader waits on it: readiness holds until the demo province is projected.
  exports: [ProjectionProgress],
})
export class DashboardModule {}
