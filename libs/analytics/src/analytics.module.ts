import { Global, Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry, JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { ANALYTICS_CLIENT, AnalyticsClient } from './client/analytics-client';
import type { AnalyticsOptions } from './client/analytics-client';
import { ANALYTICS_MIGRATIONS, migrateAnalytics } from './migrations';
import { PROJECTIONS } from './projections';
import { DeadLetterStore } from './dead-letters/dead-letter-store';
import { ProjectionWriter } from './projections/projection-writer';

/**
 * The crash tests' fault injection (JUNHENG_FAULT_KILL_AT): a real SIGKILL, so nothing gets to
 * clean up — exactly what a crash leaves behind. Absent in every normal configuration.
 */
function faultPointOf(config: JunhengConfig): ((point: string) => void) | undefined {
  const fault = config.faultKillAt;
  if (fault === undefined) return undefined;
  let reached = 0;
  return (point) => {
    if (point !== fault.point) return;
    reached += 1;
    if (reached === fault.occurrence) process.kill(process.pid, 'SIGKILL');
  };
}

@Injectable()
class AnalyticsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ANALYTICS_CLIENT) private readonly analytics: AnalyticsClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.analytics.close();
  }
}

/** Where Junheng's configuration puts ClickHouse: a server, or chDB in a directory. */
export function analyticsOptionsOf(config: JunhengConfig): AnalyticsOptions {
  return {
    url: config.clickhouseUrl,
    username: config.clickhouseUser,
    password: config.clickhousePassword,
    database: config.clickhouseDatabase,
    chdbPath: config.chdbDataDir,
    chdbReadConnections: config.chdbReadConnections,
    chdbCacheMb: config.chdbCacheMb,
  };
}

/**
 * Test-only (JUNHENG_ANALYTICS_FREEZE_MERGES): parts larger than one byte are never merged,
 * so every row ever inserted stays countable and a double cannot be merged out of sight.
 */
export async function freezeProjectionMerges(analytics: AnalyticsClient): Promise<void> {
  for (const { table } of PROJECTIONS) {
    await analytics.command(
      `ALTER TABLE {db:Identifier}.{table:Identifier} MODIFY SETTING
         max_bytes_to_merge_at_max_space_in_pool = 1,
         max_bytes_to_merge_at_min_space_in_pool = 1`,
      { table },
    );
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
            const analytics = await AnalyticsClient.open(analyticsOptionsOf(config));
            await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
            if (config.analyticsFreezeMerges) await freezeProjectionMerges(analytics);
            health.register('analytics', () => analytics.ping());
            return analytics;
          },
        },
        {
          provide: ProjectionWriter,
          inject: [ANALYTICS_CLIENT, JUNHENG_CONFIG],
          useFactory: (analytics: AnalyticsClient, config: JunhengConfig) =>
            new ProjectionWriter(analytics, PROJECTIONS, {
              exactlyOnce: config.projectorExactlyOnce,
              faultPoint: faultPointOf(config),
            }),
        },
        {
          provide: DeadLetterStore,
          inject: [ANALYTICS_CLIENT],
          useFactory: (analytics: AnalyticsClient) => new DeadLetterStore(analytics),
        },
        AnalyticsLifecycle,
      ],
      exports: [ANALYTICS_CLIENT, ProjectionWriter, DeadLetterStore],
    };
  }
}
