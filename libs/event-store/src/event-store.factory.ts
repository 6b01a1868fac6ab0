import type { EventStore } from './event-store.port';
import { PgliteExecutor } from './pglite/pglite-executor';
import { PostgresExecutor } from './postgres/postgres-executor';
import { SqlEventStore } from './sql/sql-event-store';
import type { SqlExecutor } from './sql/sql-executor';

export interface EventStoreOptions {
  /** PostgreSQL connection string; absent → PGlite. */
  readonly databaseUrl?: string;
  /** PGlite data directory; absent → in memory. */
  readonly pgliteDataDir?: string;
  /** PGlite in a directory: PostgreSQL's `shared_buffers`, in MiB. */
  readonly pgliteSharedBuffersMb?: number;
}

/** The database the event store lives in; the audit trail and API keys share it. */
export async function openSqlExecutor(options: EventStoreOptions): Promise<SqlExecutor> {
  return options.databaseUrl !== undefined
    ? new PostgresExecutor({ connectionString: options.databaseUrl })
    : PgliteExecutor.open(options.pgliteDataDir, {
        sharedBuffersMb: options.pgliteSharedBuffersMb,
      });
}

/** Opens the configured event store and makes sure its schema exists. */
export async function openEventStore(options: EventStoreOptions): Promise<EventStore> {
  const store = new SqlEventStore(await openSqlExecutor(options));
  await store.migrate();
  return store;
}
