import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalyticsClient } from '@junheng/analytics';
import { mintToken } from '@junheng/identity';
import { ms, timed } from './timing';
import type { Timing } from './timing';

/**
 * The api as `npm start` runs it — its own process, the built dist app, the embedded default —
 * so that its resident memory can be read apart from the bench's (which holds the generated
 * province and its own chDB engine). quality.md, Performance: "api … ≤ 512 MiB RSS".
 */
export interface ApiProcessBenchOptions {
  /** The bench's chDB data directory; the api gets a copy (libchdb binds one per process). */
  readonly chdbPath: string;
  readonly clickhouseUrl?: string;
  /** The bench's client on that directory: merges are held while the directory is copied. */
  readonly analytics: AnalyticsClient;
  /** The ClickHouse database the province was projected into. */
  readonly database: string;
  readonly runs: number;
  readonly schoolYear: number;
  readonly drillDownDistrict: string;
}

/** Run one after another, each in a fresh api process on the same copy of the data. */
const CONFIGURATIONS: readonly {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
}[] = [
  { name: 'the defaults (`npm start`)', env: {} },
  // Every request computes its figures: the engine's memory while it answers is in the sample.
  { name: 'figure cache off', env: { JUNHENG_FIGURE_CACHE_ROWS: '0' } },
];

/** quality.md, Performance: memory. */
const RSS_TARGET_MIB = 512;
const CONCURRENT_CLIENTS = 8;
const READY_TIMEOUT_MS = 180_000;
const REQUEST_TIMEOUT_MS = 60_000;
/** How long the api is left alone after it is ready before its idle memory is read. */
const SETTLE_MS = 3_000;
const IDLE_WINDOW_MS = 2_000;
const SAMPLE_EVERY_MS = 50;

const progress = (message: string): void => {
  process.stderr.write(`indicators (api process): ${message}\n`);
};

const sleep = (millis: number): Promise<void> => new Promise((done) => setTimeout(done, millis));

/** VmRSS and VmHWM (the peak since the process started) of `pid`, in MiB; undefined off Linux. */
function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  const path = `/proc/${pid}/status`;
  if (!existsSync(path)) return undefined;
  const status = readFileSync(path, 'utf8');
  const kib = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Samples a process's RSS every SAMPLE_EVERY_MS until stopped; answers the largest seen. */
function sampleRss(pid: number): { stop: () => number } {
  let largest = memoryOf(pid)?.rss ?? NaN;
  const timer = setInterval(() => {
    const memory = memoryOf(pid);
    if (memory !== undefined) largest = Math.max(largest, memory.rss);
  }, SAMPLE_EVERY_MS);
  return {
    stop: () => {
      clearInterval(timer);
      const memory = memoryOf(pid);
      return memory === undefined ? largest : Math.max(largest, memory.rss);
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  await new Promise((closed) => server.close(closed));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * A copy of the bench's chDB directory, merges held so no part is renamed under the copy. The
 * directory's links (metadata → store) are relative and are copied as they are.
 */
async function copyChdbDirectory(options: ApiProcessBenchOptions, target: string): Promise<void> {
  await options.analytics.command('SYSTEM STOP MERGES');
  try {
    cpSync(options.chdbPath, target, { recursive: true, verbatimSymlinks: true });
  } finally {
    await options.analytics.command('SYSTEM START MERGES');
  }
}

const mib = (value: number): string => (Number.isFinite(value) ? `${Math.round(value)}` : '?');

/** Runs the separate-process part; answers its subsection of the indicator report. */
export async function apiProcessBench(options: ApiProcessBenchOptions): Promise<string[]> {
  const root = join(__dirname, '..', '..');
  const main = join(root, 'dist', 'apps', 'api', 'src', 'main.js');
  const lines = [
    '#### The api in its own process: resident memory',
    '',
    `The built api (\`node -r ./tools/register-paths.js dist/apps/api/src/main.js\`, what \`npm start\` runs) started as a separate process${options.clickhouseUrl === undefined ? ' on a copy of the chDB data directory projected above' : ' on the same ClickHouse database'}, a new PGlite data directory, demo data off, LOG_LEVEL=warn, otherwise the defaults; one process per row, one after another. RSS is the process's VmRSS (/proc/<pid>/status), in MiB: idle is the largest of ${IDLE_WINDOW_MS / 1000} s of samples taken ${SETTLE_MS / 1000} s after \`/health/ready\` first answered 200; serving is the largest sample (every ${SAMPLE_EVERY_MS} ms) while it answered ${options.runs} GraphQL province scorecards, ${options.runs} drill-downs into ${options.drillDownDistrict}, ${options.runs} REST province scorecards and ${options.runs} × ${CONCURRENT_CLIENTS} province scorecards at once (each after one warm-up); peak is VmHWM when it was stopped, start-up included. quality.md: the api ≤ ${RSS_TARGET_MIB} MiB RSS.`,
    '',
    '| configuration | started in s | RSS idle | RSS serving (max) | peak (VmHWM) | province scorecard p50 / p95 ms | drill-down p50 / p95 ms | target ≤ 512 MiB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const work = mkdtempSync(join(tmpdir(), 'junheng-bench-api-process-'));
  try {
    const chdbCopy = join(work, 'chdb');
    if (options.clickhouseUrl === undefined) {
      await copyChdbDirectory(options, chdbCopy);
      progress(`copied ${options.chdbPath} to ${chdbCopy}`);
    }
    for (const configuration of CONFIGURATIONS) {
      progress(configuration.name);
      const result = await measureProcess(options, {
        main,
        root,
        chdbPath: chdbCopy,
        pgliteDataDir: join(work, `pglite-${CONFIGURATIONS.indexOf(configuration)}`),
        env: configuration.env,
      });
      const within = Math.max(result.idle, result.serving) <= RSS_TARGET_MIB;
      lines.push(
        `| ${configuration.name} | ${ms(result.startedMs / 1000)} | ${mib(result.idle)} | ${mib(result.serving)} | ${mib(result.peak)} | ${ms(result.province.p50)} / ${ms(result.province.p95)} | ${ms(result.drillDown.p50)} / ${ms(result.drillDown.p95)} | ${within ? 'met' : `not met: ${mib(Math.max(result.idle, result.serving))} MiB`} |`,
      );
    }
    lines.push('');
    return lines;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface ProcessResult {
  readonly startedMs: number;
  readonly idle: number;
  readonly serving: number;
  readonly peak: number;
  readonly province: Timing;
  readonly drillDown: Timing;
}

async function measureProcess(
  options: ApiProcessBenchOptions,
  run: {
    readonly main: string;
    readonly root: string;
    readonly chdbPath: string;
    readonly pgliteDataDir: string;
    readonly env: Readonly<Record<string, string>>;
  },
): Promise<ProcessResult> {
  const port = await freePort();
  // Generated per run and never written anywhere: the bench mints its own token with it.
  const jwtSecret = randomBytes(32).toString('base64url');
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    CHDB_DATA_DIR: run.chdbPath,
    CLICKHOUSE_URL: options.clickhouseUrl,
    CLICKHOUSE_DATABASE: options.database,
    PGLITE_DATA_DIR: run.pgliteDataDir,
    JUNHENG_DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    JWT_SECRET: jwtSecret,
    PSEUDONYM_KEY: randomBytes(32).toString('base64'),
    ...run.env,
  };
  if (options.clickhouseUrl === undefined) delete env.CLICKHOUSE_URL;
  const startBegin = performance.now();
  const api = spawn(process.execPath, ['-r', './tools/register-paths.js', run.main], {
    cwd: run.root,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  api.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<number | null>((done) => api.once('exit', (code) => done(code)));
  try {
    const pid = api.pid;
    if (pid === undefined) throw new Error('the api process did not start');
    const base = `http://127.0.0.1:${port}`;
    await waitUntilReady(base, api, () => stderr);
    const startedMs = performance.now() - startBegin;
    progress(`ready in ${ms(startedMs / 1000)} s`);

    await sleep(SETTLE_MS);
    const idleSampler = sampleRss(pid);
    await sleep(IDLE_WINDOW_MS);
    const idle = idleSampler.stop();
    progress(`idle RSS ${mib(idle)} MiB`);

    const authorization = `Bearer ${mintToken(Buffer.from(jwtSecret, 'utf8'), {
      subject: 'bench@44',
      role: 'province-admin',
      scope: '44',
      ttlSeconds: 3_600,
    })}`;
    const graphql = async (query: string): Promise<number> => {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (!response.ok || text.includes('"errors"'))
        throw new Error(`POST /graphql: ${response.status} ${text.slice(0, 500)}`);
      return text.length;
    };
    const { schoolYear, drillDownDistrict } = options;
    const provinceQuery = `{ area(code: "44") { districts { code scorecard(schoolYear: ${schoolYear}) { indicators { indicator figures { unit level value breaches } } } } } }`;
    const drillDownQuery = `{ area(code: "${drillDownDistrict}") { schools { schoolCode scorecard(schoolYear: ${schoolYear}) { indicators { indicator figures { value } } } } } }`;
    const rest = async (): Promise<number> => {
      const response = await fetch(`${base}/v1/areas/44/scorecard?schoolYear=${schoolYear}`, {
        headers: { authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status !== 200)
        throw new Error(`GET /v1/areas/44/scorecard: ${response.status} ${text.slice(0, 500)}`);
      return text.length;
    };

    const servingSampler = sampleRss(pid);
    const province = await timed(options.runs, () => graphql(provinceQuery));
    const drillDown = await timed(options.runs, () => graphql(drillDownQuery));
    await timed(options.runs, rest);
    await timed(options.runs, async () =>
      (
        await Promise.all(Array.from({ length: CONCURRENT_CLIENTS }, () => graphql(provinceQuery)))
      ).reduce((sum, length) => sum + length, 0),
    );
    const serving = servingSampler.stop();
    const peak = memoryOf(pid)?.peak ?? NaN;
    progress(`serving RSS max ${mib(serving)} MiB, peak ${mib(peak)} MiB`);
    return { startedMs, idle, serving, peak, province, drillDown };
  } finally {
    await stop(api, exited);
  }
}

async function waitUntilReady(
  base: string,
  api: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (api.exitCode !== null)
      throw new Error(`the api process exited with ${api.exitCode}: ${stderr()}`);
    const status = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(5_000) })
      .then((response) => response.status)
      .catch(() => 0);
    if (status === 200) return;
    await sleep(250);
  }
  throw new Error(`the api process was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}

async function stop(api: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (api.exitCode !== null || api.signalCode !== null) return;
  api.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
  if (!stopped) {
    api.kill('SIGKILL');
    await exited;
  }
}
