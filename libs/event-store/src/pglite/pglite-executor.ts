import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SqlExecutor, SqlParameter, SqlQueryable } from '../sql/sql-executor';

/**
 * PGlite is PostgreSQL compiled to WebAssembly, in-process, with a single connection: its
 * transactions run one at a time, which the contract suite states as a property of this adapter.
 */
export class PgliteExecutor implements SqlExecutor {
  private constructor(private readonly db: PGlite) {}

  /** `dataDir` undefined keeps the database in memory (tests). */
  static async open(dataDir?: string): Promise<PgliteExecutor> {
    if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
    const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
    await db.waitReady;
    return new PgliteExecutor(db);
  }

  async query<Row>(sql: string, parameters: readonly SqlParameter[] = []): Promise<Row[]> {
    const result = await this.db.query<Row>(sql, parameters as unknown[]);
    return result.rows;
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        async query<Row>(sql: string, parameters: readonly SqlParameter[] = []): Promise<Row[]> {
          const result = await tx.query<Row>(sql, parameters as unknown[]);
          return result.rows;
        },
      }),
    );
  }

  isUnavailable(): boolean {
    return false;
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
