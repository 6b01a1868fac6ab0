import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const REGISTER_TS = join(ROOT, 'tools', 'register-ts.js');

/** A process that opens the embedded store on `dir` and holds it until killed. */
async function holdStore(dir: string): Promise<ChildProcess> {
  const executor = join(ROOT, 'libs', 'event-store', 'src', 'pglite', 'pglite-executor.ts');
  const holder = spawn(
    process.execPath,
    [
      '-r',
      REGISTER_TS,
      '-e',
      `require(${JSON.stringify(executor)}).PgliteExecutor.open(${JSON.stringify(dir)})` +
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

describe('the api on an embedded database another process holds', () => {
  let root: string;
  let holder: ChildProcess | undefined;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'junheng-e2e-in-use-'));
  });

  afterAll(async () => {
    if (holder !== undefined && holder.exitCode === null) {
      const exited = new Promise((done) => holder!.once('exit', done));
      holder.kill('SIGKILL');
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('stops with one line naming the directory and what to do, and a non-zero exit code', async () => {
    const dir = join(root, 'pglite');
    holder = await holdStore(dir);
    const api = spawn(process.execPath, ['-r', REGISTER_TS, join(ROOT, 'apps/api/src/main.ts')], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        PGLITE_DATA_DIR: dir,
        CHDB_DATA_DIR: join(root, 'chdb'),
        JUNHENG_DEMO_DATA: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    api.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    api.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => api.once('exit', done));
    expect(code).toBe(1);
    expect(stderr).toBe(
      `The embedded database ${dir} is in use by another Junheng process (pid ${holder.pid}): ` +
        'stop that process first, or set PGLITE_DATA_DIR to another directory\n',
    );
    // Nothing started: no Nest start-up lines, no stack trace.
    expect(stdout).toBe('');
  });
});
