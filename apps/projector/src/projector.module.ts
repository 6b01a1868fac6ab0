import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { AnalyticsModule } from '@junheng/analytics';
import { EventStoreModule } from '@junheng/event-store';
import { PipelineModule } from '@junheng/pipeline';
import { ConfigModule, HealthModule, MetricsModule, loggingModule } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';

/**
 * The projector process of the server topology: the relay (store → Kafka) and the consumer
 * (Kafka → ClickHouse). It needs a ClickHouse server: chDB cannot be shared between processes.
 */
@Module({})
export class ProjectorModule {
  static forRoot(config: JunhengConfig): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config),
        HealthModule,
        MetricsModule,
        EventStoreModule.forRoot(),
        AnalyticsModule.forRoot(),
        PipelineModule.forRoot(config),
      ],
    };
  }
}
