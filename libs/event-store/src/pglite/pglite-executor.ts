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
    const lockFile = reserved.delete(dataDir) ? lockFileOf(dataDir) : claimDataDirectory(dataDir);
    try {
      const db = new PGlite(dataDir);
      await db.waitReady;
      return new PgliteExecutor(db, lockFile);
    } catch (error) {
      release(lockFile);
      throw error;
    }
  }

  /**
   * Claims `dataDir` for this process before anything opens it, so a process that starts while
   * another holds the directory stops at once with `DataDirectoryInUseError` (main.ts prints its
   * one line) rather than deep inside the application's start; the next `open` of the directory
   * in this process takes the claim over.
   */
  static reserve(dataDir: string): void {
    if (reserved.has(dataDir)) return;
    mkdirSync(dataDir, { recursive: true });
    claimDataDirectory(dataDir);
    reserved.add(dataDir);
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
    if (this.lockFile !== undefined) release(this.lockFile);
  }
}

/** Another process (or this one) holds the embedded database's data directory. */
export class DataDirectoryInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      holderPid === process.pid
        ? `The embedded database ${dataDir} is already open in this process`
        : `The embedded database ${dataDir} is in use by another Junheng process (pid ${holderPid}): ` +
            'stop that process first, or set PGLITE_DATA_DIR to another directory',
    );
    this.name = 'DataDirectoryInUseError';
  }
}

/** Lock files this process holds, and directories it has reserved but not opened yet. */
const held = new Set<string>();
const reserved = new Set<string>();

const lockFileOf = (dataDir: string): string => `${dataDir}.lock`;

function release(lockFile: string): void {
  held.delete(lockFile);
  rmSync(lockFile, { force: true });
}

/**
 * PGlite has no server: two processes opening one data directory would corrupt it. The first
 * claims it with a lock file naming its pid; a later one is refused while that process lives.
 * A lock naming this very process that this process does not hold is a previous life's (a
 * container restarted with the same pid) and is taken over like any stale lock.
 */
function claimDataDirectory(dataDir: string): string {
  const lockFile = lockFileOf(dataDir);
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(lockFile, 'utf8'));
    const holds =
      Number.isInteger(holder) &&
      holder > 0 &&
      (holder === process.pid ? held.has(lockFile) : isAlive(holder));
    if (holds) {
      throw new DataDirectoryInUseError(dataDir, holder);
    }
    writeFileSync(lockFile, String(process.pid));
  }
  held.add(lockFile);
  return lockFile;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
