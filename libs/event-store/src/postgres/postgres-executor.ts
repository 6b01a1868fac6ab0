import { Pool } from 'pg';
import type { PoolClient } from 'pg';
import { EventStoreErrorCode, EventStoreException } from '../event-store.exception';
import { sqlState } from '../sql/sql-executor';
import type { SqlExecutor, SqlParameter, SqlQueryable } from '../sql/sql-executor';

// Connection failures, admin shutdown, "cannot connect now" and "too many connections" (53300:
// the server's own limit, reached under load or by another client): the database will be back.
const UNAVAILABLE_SQLSTATES = new Set([
  '53300',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// pg's own words for a lost or never-made connection; the last one is a client that already
// lost its connection (its 'error' came between two statements) being asked for another.
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|is not queryable/i;

export interface PostgresExecutorOptions {
  readonly connectionString: string;
  readonly maxConnections?: number;
}

/**
 * Runs SQL on a `pg` pool. Every way PostgreSQL can go away — a fast or immediate stop, a
 * terminated backend, a refused connection — comes out of `query` and `transaction` as
 * `EventStoreException(Unavailable)`, whoever called (the event store, the audit trail, API
 * keys), so the api answers 503; and no lost connection ever surfaces as an `'error'` event
 * nobody listens to, which would end the process.
 */
export class PostgresExecutor implements SqlExecutor {
  private readonly pool: Pool;

  constructor(options: PostgresExecutorOptions) {
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 20,
      connectionTimeoutMillis: 5_000,
      // A peer that vanished without closing (a cut network) is noticed, not waited on forever.
      keepAlive: true,
    });
    // An idle client losing its connection must not crash the process; the next query reports
    // it. (`pool.query` listens on the client it checks out by itself.)
    this.pool.on('error', () => undefined);
  }

  async query<Row>(sql: string, parameters: readonly SqlParameter[] = []): Promise<Row[]> {
    try {
      const result = await this.pool.query(sql, parameters as unknown[]);
      return result.rows as Row[];
    } catch (error) {
      throw this.translate(error);
    }
  }

  async transaction<T>(
    work: (tx: SqlQueryable) => Promise<T>,
    options: { readonly lockTimeoutMs?: number } = {},
  ): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.translate(error);
    }
    // A checked-out client has no listener of the pool's: a connection lost between two
    // statements (57P01 while `work` awaits something else) would be an unhandled 'error'
    // event. This one keeps it, and marks the client broken.
    let lost: unknown;
    const onError = (error: unknown): void => {
      lost ??= error;
    };
    client.on('error', onError);
    const run = async (sql: string, parameters?: readonly SqlParameter[]): Promise<unknown[]> => {
      try {
        return (await client.query(sql, parameters as unknown[] | undefined)).rows as unknown[];
      } catch (error) {
        throw lost !== undefined ? this.unavailable(error) : this.translate(error);
      }
    };
    let broken = false;
    try {
      // One round trip: a simple-protocol query may hold both statements.
      await run(
        options.lockTimeoutMs === undefined
          ? 'BEGIN'
          : `BEGIN; SET LOCAL lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs))}`,
      );
      const result = await work({
        query: async <Row>(sql: string, parameters: readonly SqlParameter[] = []) =>
          (await run(sql, parameters)) as Row[],
      });
      await run('COMMIT');
      return result;
    } catch (error) {
      broken = lost !== undefined || this.isUnavailable(error);
      if (!broken) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
      }
      throw error;
    } finally {
      // A broken client leaves the pool (release(true) ends it) instead of serving the next one.
      client.release(broken || lost !== undefined);
      // The pool's own listener is back on the client from release on.
      client.removeListener('error', onError);
    }
  }

  readonly singleProcess = false;

  isUnavailable(error: unknown): boolean {
    if (error instanceof EventStoreException) {
      return error.code === EventStoreErrorCode.Unavailable;
    }
    const state = sqlState(error);
    if (
      state !== undefined &&
      (UNAVAILABLE_SQLSTATES.has(state) || UNAVAILABLE_NODE_CODES.has(state))
    ) {
      return true;
    }
    const message = error instanceof Error ? error.message : '';
    return UNAVAILABLE_MESSAGES.test(message);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Unavailability as the event store's exception; any other error as it is. */
  private translate(error: unknown): unknown {
    if (error instanceof EventStoreException || !this.isUnavailable(error)) return error;
    return this.unavailable(error);
  }

  private unavailable(cause: unknown): EventStoreException {
    if (cause instanceof EventStoreException) return cause;
    return new EventStoreException(
      EventStoreErrorCode.Unavailable,
      'The event store database is unavailable',
      { sqlState: sqlState(cause) ?? null },
      { cause },
    );
  }
}
