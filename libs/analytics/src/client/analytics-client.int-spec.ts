import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestAnalytics } from '@junheng/testing';
import { AnalyticsQueryTimeout } from './analytics-client';
import type { AnalyticsClient } from './analytics-client';

/** Twenty rows, each written as it is made, 0.3 s apart: several rows out before 1 s is up. */
const SLOW_ROWS =
  'SELECT number, sleepEachRow(0.3) AS slept FROM numbers(20) SETTINGS max_block_size = 1';
/** Far more work than any test waits for: only the engine's time limit can end it. */
const ENDLESS_SCAN =
  'SELECT count() AS n FROM numbers(1000000000000) WHERE sipHash64(number) % 7 = 3';

describe('analytics reads bounded in engine time', () => {
  let analytics: AnalyticsClient;
  let bounded: AnalyticsClient;

  beforeAll(async () => {
    analytics = await openTestAnalytics();
    bounded = analytics.withReadLimits({ maxExecutionTimeMs: 1_000 });
  });
  afterAll(async () => {
    await bounded.close();
    await analytics.close();
  });

  it('stops a read over its limit in the engine (max_execution_time), as AnalyticsQueryTimeout', async () => {
    await expect(bounded.query(SLOW_ROWS)).rejects.toBeInstanceOf(AnalyticsQueryTimeout);
    const scan = bounded.query(ENDLESS_SCAN);
    await expect(scan).rejects.toBeInstanceOf(AnalyticsQueryTimeout);
    await expect(scan).rejects.toMatchObject({
      limitMs: 1_000,
      cause: expect.objectContaining({ type: 'TIMEOUT_EXCEEDED' }) as unknown,
    });
  });

  it('answers reads within the limit, and sends the limit with each of them', async () => {
    expect(
      await bounded.query<{ limit: number; mode: string }>(
        "SELECT getSetting('max_execution_time') AS limit, getSetting('timeout_overflow_mode') AS mode",
      ),
    ).toEqual([{ limit: 1, mode: 'throw' }]);
  });

  it('keeps the limit to the bounded reads: other statements of the engine are not bounded', async () => {
    await expect(bounded.query(SLOW_ROWS)).rejects.toBeInstanceOf(AnalyticsQueryTimeout);
    // chDB keeps a statement's settings on its session: without each statement stating its own
    // limit, the projector's inserts would inherit the dashboard's.
    expect(
      await analytics.query<{ limit: number }>("SELECT getSetting('max_execution_time') AS limit"),
    ).toEqual([{ limit: 0 }]);
    // A failure of the unbounded client stays what it was.
    await expect(analytics.query('SELECT throwIf(1) AS x')).rejects.not.toBeInstanceOf(
      AnalyticsQueryTimeout,
    );
  });

  it('never hands the rows of a stopped read to the next one, even one already waiting', async () => {
    const stopped = bounded.query(SLOW_ROWS);
    const waiting = analytics.query<{ answer: number }>('SELECT 42 AS answer');
    const later = analytics.query<{ answer: number }>('SELECT 43 AS answer');
    await expect(stopped).rejects.toBeInstanceOf(AnalyticsQueryTimeout);
    expect(await waiting).toEqual([{ answer: 42 }]);
    expect(await later).toEqual([{ answer: 43 }]);
  });
});

describe('reads on chDB side by side', () => {
  it('answers a parameter as the value it is, whatever it holds', async () => {
    const analytics = await openTestAnalytics({ chdbReadConnections: 2 });
    try {
      const tricky = "x' OR 1=1 -- \\' } {s:String} 学籍";
      expect(
        await analytics.query<{ s: string; d: string; n: number; a: string[] }>(
          'SELECT {s:String} AS s, {d:Date} AS d, {n:UInt16} AS n, {a:Array(String)} AS a',
          { s: tricky, d: '2024-09-01', n: 2024, a: [tricky, ''] },
        ),
      ).toEqual([{ s: tricky, d: '2024-09-01', n: 2024, a: [tricky, ''] }]);
    } finally {
      await analytics.close();
    }
  });

  /** Whether a read sees `marker` running in the engine's own list of statements. */
  async function seenRunning(analytics: AnalyticsClient, marker: string): Promise<boolean> {
    const rows = await analytics.query<{ n: number }>(
      `SELECT toUInt32(count()) AS n FROM system.processes
       WHERE query LIKE {pattern:String} AND query NOT LIKE '%system.processes%'`,
      { pattern: `%${marker}%` },
    );
    return (rows[0]?.n ?? 0) > 0;
  }

  /** Starts a two-second read, and asks until it ends whether another read sees it running. */
  async function readBesideASlowOne(analytics: AnalyticsClient): Promise<boolean> {
    const marker = `slow_${Math.random().toString(36).slice(2)}`;
    let done = false;
    const slow = analytics.query(`SELECT sleep(2) AS ${marker}`).finally(() => {
      done = true;
    });
    let seen = false;
    while (!done && !seen) seen = await seenRunning(analytics, marker);
    await slow;
    return seen;
  }

  it('runs a read while another runs, on connections of their own', async () => {
    const analytics = await openTestAnalytics({ chdbReadConnections: 2 });
    try {
      // A server runs every request on its own; chDB needs the second connection.
      expect(await readBesideASlowOne(analytics)).toBe(true);
    } finally {
      await analytics.close();
    }
  });

  it('queues the reads of one connection one behind the other', async () => {
    if (process.env.TEST_CLICKHOUSE_URL !== undefined) return;
    const analytics = await openTestAnalytics({ chdbReadConnections: 1 });
    try {
      expect(await readBesideASlowOne(analytics)).toBe(false);
    } finally {
      await analytics.close();
    }
  });
});

/**
 * The engine's server settings as a client opened with `options` in a process of its own sees
 * them: libchdb starts one engine per process, so the test cannot share the jest worker's.
 */
async function serverSettingsInAnotherProcess(
  options: Record<string, unknown>,
): Promise<Record<string, string>> {
  const root = join(__dirname, '..', '..', '..', '..');
  const script =
    `const { AnalyticsClient } = require(${JSON.stringify(join(__dirname, 'analytics-client.ts'))});` +
    `AnalyticsClient.open(${JSON.stringify(options)}).then(async (client) => {` +
    // Each of the client's connections is asked: they all share the one engine.
    `  const answers = await Promise.all([0, 1, 2].map(() => client.query(` +
    `    "SELECT name, value FROM system.server_settings WHERE name IN ('mark_cache_size', 'primary_index_cache_size', 'index_mark_cache_size', 'query_condition_cache_size', 'compiled_expression_cache_size') ORDER BY name")));` +
    `  await client.close();` +
    `  process.stdout.write(JSON.stringify(answers));` +
    `});`;
  const child = spawn(
    process.execPath,
    ['-r', join(root, 'tools', 'register-ts.js'), '-e', script],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  expect(code).toBe(0);
  const answers = JSON.parse(output) as { name: string; value: string }[][];
  const [first] = answers;
  for (const answer of answers) expect(answer).toEqual(first);
  return Object.fromEntries((first ?? []).map(({ name, value }) => [name, value]));
}

describe('chDB caches, capped for an engine inside the api', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'junheng-chdb-caches-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts the engine with each cache at chdbCacheMb, seen on every connection', async () => {
    const capped = await serverSettingsInAnotherProcess({
      database: 'junheng',
      chdbPath: dir,
      chdbCacheMb: 64,
      chdbReadConnections: 3,
    });
    const bytes = String(64 * 1024 * 1024);
    expect(capped).toEqual({
      compiled_expression_cache_size: bytes,
      index_mark_cache_size: bytes,
      mark_cache_size: bytes,
      primary_index_cache_size: bytes,
      query_condition_cache_size: bytes,
    });
    // Without the option the engine keeps its server sizes: the cap above is the option's doing.
    const uncapped = await serverSettingsInAnotherProcess({ database: 'junheng', chdbPath: dir });
    expect(Number(uncapped.mark_cache_size)).toBeGreaterThan(1024 * 1024 * 1024);
  });
});
