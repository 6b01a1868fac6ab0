import { Pool } from 'pg';
import type { PoolClient } from 'pg';
import { sqlState } from '../sql/sql-executor';
import type { SqlExecutor, SqlParameter, SqlQueryable } from '../sql/sql-executor';

// Connection failures, admin shutdown and "cannot connect now": the database will be back.
const UNAVAILABLE_SQLSTATES = new Set([
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
]);

export interface PostgresExecutorOptions {
  readonly connectionString: string;
  readonly maxConnections?: number;
}

export class PostgresExecutor implements SqlExecutor {
  private readonly pool: Pool;

  constructor(options: PostgresExecutorOptions) {
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 20,
      connectionTimeoutMillis: 5_000,
    });
    // An idle client losing its connection must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  async query<Row>(sql: string, parameters: readonly SqlParameter[] = []): Promise<Row[]> {
    const result = await this.pool.query(sql, parameters as unknown[]);
    return result.rows as Row[];
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(clientQueryable(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  readonly singleProcess = false;

  isUnavailable(error: unknown): boolean {
    const state = sqlState(error);
    if (
      state !== undefined &&
      (UNAVAILABLE_SQLSTATES.has(state) || UNAVAILABLE_NODE_CODES.has(state))
    ) {
      return true;
    }
    const message = error instanceof Error ? error.message : '';
    return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/i.test(
      message,
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function clientQueryable(client: PoolClient): SqlQueryable {
  return {
    async query<Row>(sql: string, parameters: readonly SqlParameter[] = []): Promise<Row[]> {
      const result = await client.query(sql, parameters as unknown[]);
      return result.rows as Row[];
    },
  };
}
