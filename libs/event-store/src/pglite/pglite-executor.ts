import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SqlExecutor, SqlParameter, SqlQueryable } from '../sql/sql-executor';

/**
 * PGlite is PostgreSQL compiled to WebAssembly, in-process, with a single connection: its
 * transactions run one at a time, which the contract suite states as a property of this adapter.
 */
export class PgliteExecutor implements SqlExecutor {
  private constructor(
    private readonly db: PGlite,
    private readonly lockFile: string | undefined,
  ) {}

  /** `dataDir` undefined keeps the database in memory (tests). */
  static async open(dataDir?: string): Promise<PgliteExecutor> {
    if (dataDir === undefined) {
      const db = new PGlite();
      await db.waitReady;
      return new PgliteExecutor(db, undefined);
    }
    mkdirSync(dataDir, { recursive: true });
    const lockFile = claimDataDirectory(dataDir);
    try {
      const db = new PGlite(dataDir);
      await db.waitReady;
      return new PgliteExecutor(db, lockFile);
    } catch (error) {
      rmSync(lockFile, { force: true });
      throw error;
    }
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

  readonly singleProcess = true;

  isUnavailable(): boolean {
    return false;
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
    if (this.lockFile !== undefined) rmSync(this.lockFile, { force: true });
  }
}

/**
 * PGlite has no server: two processes opening one data directory would corrupt it. The first
 * claims it with a lock file naming its pid; a later one is refused while that process lives.
 */
function claimDataDirectory(dataDir: string): string {
  const lockFile = `${dataDir}.lock`;
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
    return lockFile;
  } catch {
    const holder = Number(readFileSync(lockFile, 'utf8'));
    if (Number.isInteger(holder) && isAlive(holder)) {
      throw new Error(
        `The embedded database ${dataDir} is in use by process ${holder}; stop it first`,
      );
    }
    writeFileSync(lockFile, String(process.pid));
    return lockFile;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
