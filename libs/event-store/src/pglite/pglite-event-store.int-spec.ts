import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '../event-store.contract';
import { START_OF_LOG } from '../event-store.port';
import { SqlEventStore } from '../sql/sql-event-store';
import { DataDirectoryInUseError, PgliteExecutor } from './pglite-executor';

describe('PGlite event store', () => {
  eventStoreContract({
    concurrentTransactions: false,
    transactionIdsGainADigitWithin: 2_000,
    open: async () => {
      const store = new SqlEventStore(await PgliteExecutor.open());
      await store.migrate();
      return store;
    },
  });
});

/** A second process that opens a PGlite store on `dir` and holds it until killed. */
async function holdInAnotherProcess(dir: string): Promise<ChildProcess> {
  const root = join(__dirname, '..', '..', '..', '..');
  const holder = spawn(
    process.execPath,
    [
      '-r',
      join(root, 'tools', 'register-ts.js'),
      '-e',
      `require(${JSON.stringify(join(__dirname, 'pglite-executor.ts'))}).PgliteExecutor.open(${JSON.stringify(dir)})` +
        `.then(() => { process.stdout.write('open\\n'); setInterval(() => {}, 1000); })`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((opened, failed) => {
    holder.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('open')) opened();
    });
    holder.once('exit', (code) => failed(new Error(`the holder exited with ${code}`)));
  });
  return holder;
}

describe('PGlite data directory', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'junheng-pglite-lock-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is held by one process at a time and released on close', async () => {
    const dir = join(root, 'pglite');
    // Another live process holds the directory.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(`${dir}.lock`, String(holder.pid));
      await expect(PgliteExecutor.open(dir)).rejects.toThrow(
        `in use by another Junheng process (pid ${holder.pid})`,
      );
    } finally {
      holder.kill();
    }
    // A lock left by a process that is gone is taken over; closing releases it.
    await new Promise((done) => holder.once('exit', done));
    const executor = await PgliteExecutor.open(dir);
    await expect(PgliteExecutor.open(dir)).rejects.toThrow('is already open in this process');
    await executor.close();
    const reopened = await PgliteExecutor.open(dir);
    await reopened.close();
  });

  it('refuses a second store opened on a directory another process holds, in one line that says what to do', async () => {
    const dir = join(root, 'pglite');
    const holder = await holdInAnotherProcess(dir);
    try {
      const refusal = await PgliteExecutor.open(dir).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(DataDirectoryInUseError);
      expect(refusal).toMatchObject({ dataDir: dir, holderPid: holder.pid });
      const message = (refusal as Error).message;
      expect(message).toBe(
        `The embedded database ${dir} is in use by another Junheng process (pid ${holder.pid}): ` +
          'stop that process first, or set PGLITE_DATA_DIR to another directory',
      );
      expect(message).not.toContain('\n');
      // main.ts reserves the directory before the application starts: the same refusal, at once.
      expect(() => PgliteExecutor.reserve(dir)).toThrow(DataDirectoryInUseError);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((done) => holder.once('exit', done));
    }
    // The holder died without releasing its lock: the directory is taken over.
    PgliteExecutor.reserve(dir);
    const executor = await PgliteExecutor.open(dir);
    expect(await executor.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await executor.close();
  });

  it('initialises a new directory, then reopens it with its events and the shared buffers asked for', async () => {
    const dir = join(root, 'pglite');
    const store = new SqlEventStore(await PgliteExecutor.open(dir));
    // initdb ran (in a child process) before this process opened the directory.
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    await store.migrate();
    await store.append({
      streamId: 'lesson-exchange-1',
      streamType: 'lesson-exchange',
      expectedVersion: 0,
      idempotencyKey: 'initialised-then-reopened',
      metadata: {
        actor: 'test',
        actorRole: null,
        actorScope: null,
        commandId: null,
        correlationId: null,
      },
      events: [
        {
          eventId: '00000000-0000-4000-8000-000000000001',
          type: 'LessonExchanged',
          schemaVersion: 1,
          occurredAt: '2024-10-15T00:00:00.000Z',
          districtCode: '440103',
          data: { exchangeId: 'e-1' },
        },
      ],
    });
    await store.close();

    const executor = await PgliteExecutor.open(dir, { sharedBuffersMb: 16 });
    try {
      expect(await executor.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '16MB' }]);
      const reopened = new SqlEventStore(executor);
      await reopened.migrate();
      const events = await reopened.readAll({ after: START_OF_LOG, limit: 10 });
      expect(events.map((event) => [event.streamId, event.type, event.data])).toEqual([
        ['lesson-exchange-1', 'LessonExchanged', { exchangeId: 'e-1' }],
      ]);
    } finally {
      await executor.close();
    }
    // Without the option: 32 MB, not PGlite's 128 MB.
    const defaults = await PgliteExecutor.open(dir);
    expect(await defaults.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '32MB' }]);
    await defaults.close();
  });

  it('takes over a lock naming its own pid that it does not hold (a restart that got the same pid)', async () => {
    const dir = join(root, 'pglite');
    writeFileSync(`${dir}.lock`, String(process.pid));
    const executor = await PgliteExecutor.open(dir);
    await executor.close();
  });
});
