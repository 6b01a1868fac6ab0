import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { AnalyticsModule } from '@junheng/analytics';
import { ConfigModule, HealthModule, MetricsModule, loggingModule } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';

/**
 * The reporter process: scheduled indicator reports read ClickHouse. The schedules themselves
 * (monthly bulletin, semester, annual scorecard) are their own issue; this module is the
 * process they will live in, with its health and metrics endpoints and analytics connection.
 */
@Module({})
export class ReporterModule {
  static forRoot(config: JunhengConfig): DynamicModule {
    return {
      module: ReporterModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config),
        HealthModule,
        MetricsModule,
        AnalyticsModule.forRoot(),
      ],
    };
  }
}
