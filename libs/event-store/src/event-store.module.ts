import { Global, Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry, JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { openEventStore } from './event-store.factory';
import { EVENT_STORE } from './event-store.port';
import type { EventStore } from './event-store.port';

@Injectable()
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Provides EVENT_STORE: PostgreSQL when DATABASE_URL is set, PGlite otherwise. */
@Global()
@Module({})
export class EventStoreModule {
  static forRoot(): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: EVENT_STORE,
          inject: [JUNHENG_CONFIG, HealthRegistry],
          useFactory: async (config: JunhengConfig, health: HealthRegistry) => {
            const store = await openEventStore({
              databaseUrl: config.databaseUrl,
              pgliteDataDir: config.pgliteDataDir,
            });
            health.register('eventStore', () => store.ping());
            return store;
          },
        },
        EventStoreLifecycle,
      ],
      exports: [EVENT_STORE],
    };
  }
}
