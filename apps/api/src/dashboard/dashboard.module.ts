import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { indicatorThresholds } from '@junheng/analytics';
import { KafkaModule } from '@junheng/messaging';
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
import { LiveScorecards } from './live-scorecards';
import { ProjectionProgress } from './projection-progress';

/**
 * Provincial dashboards: GraphQL and REST reads of every indicator, scoped by the caller,
 * labelled with the projection's freshness, with read-your-writes and live updates. With
 * Kafka configured it needs the broker's admin API for the gap-free watermark.
 */
@Module({})
export class DashboardModule {
  static forRoot(config: JunhengConfig): DynamicModule {
    return {
      module: DashboardModule,
      imports: config.kafkaBrokers.length > 0 ? [KafkaModule.forRoot()] : [],
      controllers: [DashboardController],
      providers: [
        {
          provide: INDICATOR_SETTINGS,
          inject: [JUNHENG_CONFIG],
          // Unknown or malformed thresholds stop the start-up, not a dashboard at 3 a.m.
          useFactory: (junheng: JunhengConfig): IndicatorSettings => ({
            thresholds: indicatorThresholds(junheng.indicatorThresholdsJson),
            formulas: junheng.formulas,
          }),
        },
        ProjectionProgress,
        DashboardScope,
        DashboardService,
        LiveScorecards,
        DashboardResolver,
        AreaNodeResolver,
        SchoolNodeResolver,
        FigureResolver,
      ],
    };
  }
}
