import { Global, Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry, JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { openSqlExecutor } from './event-store.factory';
import { EVENT_STORE } from './event-store.port';
import type { EventStore } from './event-store.port';
import { SqlEventStore } from './sql/sql-event-store';
import type { SqlExecutor } from './sql/sql-executor';

/** The PostgreSQL (or PGlite) database itself, for the repositories that live beside the events. */
export const SQL_EXECUTOR = Symbol('SQL_EXECUTOR');

@Injectable()
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Provides EVENT_STORE (and its SQL_EXECUTOR): PostgreSQL when DATABASE_URL is set, PGlite otherwise. */
@Global()
@Module({})
export class EventStoreModule {
  static forRoot(): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: SQL_EXECUTOR,
          inject: [JUNHENG_CONFIG],
          useFactory: (config: JunhengConfig) =>
            openSqlExecutor({
              databaseUrl: config.databaseUrl,
              pgliteDataDir: config.pgliteDataDir,
              pgliteSharedBuffersMb: config.pgliteSharedBuffersMb,
            }),
        },
        {
          provide: EVENT_STORE,
          inject: [SQL_EXECUTOR, HealthRegistry],
          useFactory: async (sql: SqlExecutor, health: HealthRegistry) => {
            const store = new SqlEventStore(sql);
            await store.migrate();
            health.register('eventStore', () => store.ping());
            return store;
          },
        },
        EventStoreLifecycle,
      ],
      exports: [EVENT_STORE, SQL_EXECUTOR],
    };
  }
}
