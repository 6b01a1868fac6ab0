import { Client } from 'pg';
import { createTestDatabase, describeWith } from '@junheng/testing';
import { eventStoreContract } from '../event-store.contract';
import type { NewEvent } from '../event-store.port';
import { SqlEventStore } from '../sql/sql-event-store';
import type { SqlExecutor, SqlParameter, SqlQueryable } from '../sql/sql-executor';
import { PostgresExecutor } from './postgres-executor';

/**
 * Runs the store's own append on a dedicated connection and stops right before COMMIT, so a
 * test can let other transactions commit while this one is still in flight.
 */
class CommitGateExecutor implements SqlExecutor {
  private releaseCommit!: () => void;
  private readonly commitAllowed = new Promise<void>((release) => (this.releaseCommit = release));
  private reachedCommit!: () => void;
  readonly atCommit = new Promise<void>((reached) => (this.reachedCommit = reached));

  readonly singleProcess = false;

  constructor(private readonly client: Client) {}

  async query<Row>(sql: string, parameters: readonly SqlParameter[] = []): Promise<Row[]> {
    return (await this.client.query(sql, parameters as unknown[])).rows as Row[];
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    await this.client.query('BEGIN');
    const result = await work(this);
    this.reachedCommit();
    await this.commitAllowed;
    await this.client.query('COMMIT');
    return result;
  }

  commit(): void {
    this.releaseCommit();
  }

  isUnavailable(): boolean {
    return false;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

describeWith(['PostgreSQL'], 'PostgreSQL event store', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  eventStoreContract({
    concurrentTransactions: true,
    open: async () => {
      // The bound a duplicate waits for an in-flight append: short, so the contract's in-flight
      // case is quick, yet far above what ten concurrent appends of one key take here.
      const store = new SqlEventStore(new PostgresExecutor({ connectionString: database.url }), {
        inFlightWaitMs: 1_500,
      });
      await store.migrate();
      return store;
    },
    holdAppendOpen: async (
      streamId: string,
      events: readonly NewEvent[],
      idempotency?: { idempotencyKey: string; requestFingerprint: string },
    ) => {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      const gate = new CommitGateExecutor(client);
      const heldStore = new SqlEventStore(gate);
      const appended = heldStore.append({
        streamId,
        streamType: 'held',
        expectedVersion: 0,
        events,
        ...idempotency,
        metadata: {
          actor: 'test',
          actorRole: null,
          actorScope: null,
          commandId: null,
          correlationId: null,
        },
      });
      await gate.atCommit;
      return {
        commit: async () => {
          gate.commit();
          await appended;
          await heldStore.close();
        },
      };
    },
  });

  it('turns a lost database into a typed "unavailable" error', async () => {
    const store = new SqlEventStore(
      new PostgresExecutor({ connectionString: 'postgresql://postgres@127.0.0.1:1/none' }),
    );
    await expect(store.ping()).rejects.toMatchObject({ code: 'event-store.unavailable' });
    await store.close();
  });
});
