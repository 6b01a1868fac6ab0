import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

  /**
   * `dataDir` undefined keeps the database in memory (tests). A new data directory is
   * initialised in a child process first (`initialiseInAnotherProcess`).
   */
  static async open(
    dataDir?: string,
    options: PgliteExecutorOptions = {},
  ): Promise<PgliteExecutor> {
    if (dataDir === undefined) {
      const db = new PGlite();
      await db.waitReady;
      return new PgliteExecutor(db, undefined);
    }
    mkdirSync(dataDir, { recursive: true });
    const lockFile = reserved.delete(dataDir) ? lockFileOf(dataDir) : claimDataDirectory(dataDir);
    try {
      if (!isInitialised(dataDir)) await initialiseInAnotherProcess(dataDir);
      const db = new PGlite(dataDir, {
        startParams: [
          ...PGlite.defaultStartParams,
          '-c',
          `shared_buffers=${options.sharedBuffersMb ?? DEFAULT_SHARED_BUFFERS_MB}MB`,
        ],
      });
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

export interface PgliteExecutorOptions {
  /**
   * PostgreSQL's `shared_buffers`, in MiB. They live in this process's WebAssembly heap, which
   * never gives memory back: what they hold stays resident for good.
   */
  readonly sharedBuffersMb?: number;
}

/** PGlite's own is PostgreSQL's 128 MB, sized for a server with the machine to itself. */
const DEFAULT_SHARED_BUFFERS_MB = 32;

/** PGlite's test for an initialised cluster, the one its `waitReady` makes before initdb. */
const isInitialised = (dataDir: string): boolean => existsSync(join(dataDir, 'PG_VERSION'));

/**
 * Runs initdb on `dataDir` in a short-lived child process. PGlite runs initdb inside the
 * process that opens a new directory, and the WebAssembly memory it grows to (hundreds of MiB)
 * is never returned: the api would carry it for its whole life. The child opens the directory,
 * which initialises it, and closes it; the caller then opens a directory that only resumes.
 */
async function initialiseInAnotherProcess(dataDir: string): Promise<void> {
  const script =
    `const { PGlite } = require(${JSON.stringify(require.resolve('@electric-sql/pglite'))});` +
    `const db = new PGlite(${JSON.stringify(dataDir)});` +
    `db.waitReady.then(() => db.close()).then(` +
    `  () => process.exit(0),` +
    `  (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const code = await new Promise<number | null>((exited, failed) => {
    child.once('error', failed);
    child.once('exit', exited);
  });
  if (code !== 0 || !isInitialised(dataDir)) {
    throw new Error(`Initialising the embedded database ${dataDir} failed (${code}): ${stderr}`);
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
