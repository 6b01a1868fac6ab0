import { Global, Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry, JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { ANALYTICS_CLIENT, AnalyticsClient } from './client/analytics-client';
import { ANALYTICS_MIGRATIONS, migrateAnalytics } from './migrations';
import { PROJECTIONS } from './projections';
import { ProjectionWriter } from './projections/projection-writer';

@Injectable()
class AnalyticsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ANALYTICS_CLIENT) private readonly analytics: AnalyticsClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.analytics.close();
  }
}

/** Provides the ClickHouse client (server or chDB) with its schema migrated, and the writer. */
@Global()
@Module({})
export class AnalyticsModule {
  static forRoot(): DynamicModule {
    return {
      module: AnalyticsModule,
      providers: [
        {
          provide: ANALYTICS_CLIENT,
          inject: [JUNHENG_CONFIG, HealthRegistry],
          useFactory: async (config: JunhengConfig, health: HealthRegistry) => {
            const analytics = await AnalyticsClient.open({
              url: config.clickhouseUrl,
              username: config.clickhouseUser,
              password: config.clickhousePassword,
              database: config.clickhouseDatabase,
              chdbPath: config.chdbDataDir,
            });
            await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
            health.register('analytics', () => analytics.ping());
            return analytics;
          },
        },
        {
          provide: ProjectionWriter,
          inject: [ANALYTICS_CLIENT],
          useFactory: (analytics: AnalyticsClient) => new ProjectionWriter(analytics, PROJECTIONS),
        },
        AnalyticsLifecycle,
      ],
      exports: [ANALYTICS_CLIENT, ProjectionWriter],
    };
  }
}
