import type { EventStore } from './event-store.port';
import { PgliteExecutor } from './pglite/pglite-executor';
import { PostgresExecutor } from './postgres/postgres-executor';
import { SqlEventStore } from './sql/sql-event-store';

export interface EventStoreOptions {
  /** PostgreSQL connection string; absent → PGlite. */
  readonly databaseUrl?: string;
  /** PGlite data directory; absent → in memory. */
  readonly pgliteDataDir?: string;
}

/** Opens the configured event store and makes sure its schema exists. */
export async function openEventStore(options: EventStoreOptions): Promise<EventStore> {
  const executor =
    options.databaseUrl !== undefined
      ? new PostgresExecutor({ connectionString: options.databaseUrl })
      : await PgliteExecutor.open(options.pgliteDataDir);
  const store = new SqlEventStore(executor);
  await store.migrate();
  return store;
}
