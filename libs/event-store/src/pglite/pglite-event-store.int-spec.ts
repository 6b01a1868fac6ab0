import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '../event-store.contract';
import { SqlEventStore } from '../sql/sql-event-store';
import { PgliteExecutor } from './pglite-executor';

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

describe('PGlite data directory', () => {
  it('is held by one process at a time and released on close', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'junheng-pglite-lock-')), 'pglite');
    // Another live process holds the directory.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(`${dir}.lock`, String(holder.pid));
      await expect(PgliteExecutor.open(dir)).rejects.toThrow(`in use by process ${holder.pid}`);
    } finally {
      holder.kill();
    }
    // A lock left by a process that is gone is taken over; closing releases it.
    await new Promise((done) => holder.once('exit', done));
    const executor = await PgliteExecutor.open(dir);
    await expect(PgliteExecutor.open(dir)).rejects.toThrow(`in use by process ${process.pid}`);
    await executor.close();
    const reopened = await PgliteExecutor.open(dir);
    await reopened.close();
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });
});
