import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEBIAN_BINARIES = '/usr/lib/postgresql';
/** pg_ctl's own wait bound; the exec bound sits past it, so pg_ctl reports first and says why. */
const PG_CTL_WAIT_SECONDS = 60;
const EXEC_TIMEOUT_MS = (PG_CTL_WAIT_SECONDS + 30) * 1_000;
/** The OS user that owns the cluster when this process is root (initdb refuses root). */
const CLUSTER_OS_USER = 'postgres';

/** How `pg_ctl stop` ends the server: `fast` (57P01 to every session), `immediate` (no checkpoint). */
export type PostgresStopMode = 'smart' | 'fast' | 'immediate';

/**
 * A PostgreSQL cluster of a test's own, on its own port and data directory: a test that stops,
 * kills or restarts the database must never touch the shared server on 5432, which serves
 * every other test file. fsync stays on, so what was committed survives even `-m immediate`.
 */
export interface DisposablePostgres {
  readonly port: number;
  /** The `postgres` database as the `postgres` superuser (trust on 127.0.0.1). */
  readonly url: string;
  /** Starts the server (keeping its data) and resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops the server and resolves once it is gone. */
  stop(mode: PostgresStopMode): Promise<void>;
  /** Whether the postmaster is running (`pg_ctl status`). */
  running(): Promise<boolean>;
  /** Stops the server if it runs and deletes the cluster. */
  remove(): Promise<void>;
  /** The server's log so far, for a failing test's message. */
  readonly logFile: string;
}

/**
 * The directory holding `initdb` and `pg_ctl`: `JUNHENG_POSTGRES_BIN` if set, else the newest
 * Debian/Ubuntu install under /usr/lib/postgresql; null when there is none.
 */
export function postgresBinaries(): string | null {
  const configured = process.env.JUNHENG_POSTGRES_BIN;
  if (configured !== undefined) return existsSync(join(configured, 'initdb')) ? configured : null;
  if (!existsSync(DEBIAN_BINARIES)) return null;
  const versions = readdirSync(DEBIAN_BINARIES)
    .filter((version) => existsSync(join(DEBIAN_BINARIES, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(DEBIAN_BINARIES, versions[0], 'bin');
}

/** A TCP port nobody listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? done(port) : fail(new Error('no free port'))));
    });
  });
}

/** Creates a fresh cluster (initdb) on a free port, starts it and waits until it answers. */
export async function startDisposablePostgres(
  options: { port?: number } = {},
): Promise<DisposablePostgres> {
  const bin = postgresBinaries();
  if (bin === null) throw new Error('PostgreSQL binaries (initdb, pg_ctl) are not installed');
  const port = options.port ?? (await freePort());
  const asRoot = process.getuid?.() === 0;
  const base = mkdtempSync(join(tmpdir(), 'junheng-pg-'));
  const dataDir = join(base, 'data');
  const logFile = join(base, 'server.log');
  const run = async (program: string, args: readonly string[]): Promise<string> => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', CLUSTER_OS_USER, '--', join(bin, program), ...args]]
      : [join(bin, program), [...args]];
    return new Promise((done, fail) => {
      // Async on purpose: a synchronous child would freeze this process's event loop (and the
      // clients a test keeps running against the app) for the seconds a stop or start takes.
      execFile(
        file,
        argv,
        { cwd: base, timeout: EXEC_TIMEOUT_MS, env: { ...process.env, LC_ALL: 'C' } },
        (error, stdout, stderr) => {
          if (error === null) done(stdout);
          else
            fail(new Error(`${program} ${args.join(' ')}: ${error.message}\n${stdout}${stderr}`));
        },
      );
    });
  };
  const owner = asRoot
    ? { uid: await idOf(['-u', CLUSTER_OS_USER]), gid: await idOf(['-g', CLUSTER_OS_USER]) }
    : undefined;
  if (owner !== undefined) chownSync(base, owner.uid, owner.gid);
  const pgCtl = async (...args: string[]): Promise<void> => {
    try {
      await run('pg_ctl', ['-D', dataDir, ...args]);
    } catch (error) {
      throw new Error(`PostgreSQL on port ${port}: ${(error as Error).message}`);
    }
  };
  const running = async (): Promise<boolean> => {
    try {
      await run('pg_ctl', ['-D', dataDir, 'status']);
      return true;
    } catch {
      return false;
    }
  };
  const cluster: DisposablePostgres = {
    port,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    logFile,
    start: () => pgCtl('start', '-w', '-t', String(PG_CTL_WAIT_SECONDS), '-l', logFile),
    stop: (mode) => pgCtl('stop', '-m', mode, '-w', '-t', String(PG_CTL_WAIT_SECONDS)),
    running,
    remove: async () => {
      if (await running()) await pgCtl('stop', '-m', 'immediate', '-w');
      rmSync(base, { recursive: true, force: true });
    },
  };
  try {
    await run('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--no-instructions',
    ]);
    writeFileSync(
      join(dataDir, 'postgresql.auto.conf'),
      [
        `listen_addresses = '127.0.0.1'`,
        `port = ${port}`,
        // Its own socket directory: nothing shared with the system's cluster.
        `unix_socket_directories = '${base}'`,
        // Committed means on disk, so an immediate stop loses nothing acknowledged.
        'fsync = on',
        'synchronous_commit = on',
        'max_connections = 60',
        'shared_buffers = 32MB',
        '',
      ].join('\n'),
    );
    if (owner !== undefined) {
      chownSync(join(dataDir, 'postgresql.auto.conf'), owner.uid, owner.gid);
    }
    await cluster.start();
  } catch (error) {
    await cluster.remove().catch(() => undefined);
    throw error;
  }
  return cluster;
}

function idOf(args: readonly string[]): Promise<number> {
  return new Promise((done, fail) => {
    execFile('id', [...args], (error, stdout) => {
      if (error !== null) fail(new Error(`id ${args.join(' ')}: ${error.message}`));
      else done(Number(stdout.trim()));
    });
  });
}
