import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresExecutor } from '@junheng/event-store';
import { ApiKeyRepository, issueApiKey, parseOrgScope } from '@junheng/identity';
import {
  TEST_IDENTITY_ENV,
  bearer,
  describeWith,
  eventually,
  freePort,
  startDisposablePostgres,
  uniqueName,
} from '@junheng/testing';
import type { DisposablePostgres, PostgresStopMode } from '@junheng/testing';

/**
 * PostgreSQL going away under load — a fast stop, an immediate stop, backends terminated —
 * must never crash the api. The api runs as a real child process (a crash is an exit we can
 * see), against a cluster of this test's own (the shared one on 5432 serves every other file).
 * While the database is down every answer is 503 with Retry-After and problem details, and
 * readiness is red; once it is back the api recovers by itself, and every command that was
 * ever answered 201 is in the events table. Clients retry a 503 with the same Idempotency-Key,
 * as a real client would: a COMMIT whose answer was lost comes back as a replay, not a double.
 */
const ROOT = join(__dirname, '..');
const DISTRICT = '440311';
const MONTH = '2024-10';
const clerk = bearer('district-clerk', `44/4403/${DISTRICT}`);
const admin = bearer('province-admin', '44');
const exchange = {
  districtCode: DISTRICT,
  hostSchoolCode: '3144031102',
  visitingSchoolCode: '3144030503',
  kind: 'demonstration',
  subject: 'mathematics',
  date: '2024-10-15',
  attendees: 9,
};
const SCHOOLS = [
  { schoolCode: '3144031102', districtCode: '440311' },
  { schoolCode: '3144030503', districtCode: '440305' },
];
const COMMAND_CLIENTS = 8;
/** No answer may take longer than this, whatever the database does. */
const REQUEST_BOUND_MS = 10_000;
/** How long the outage lasts once the database is fully down. */
const OUTAGE_MS = 2_500;
const UNAVAILABLE = 'urn:junheng:problem:service-unavailable';

type Phase = 'up' | 'stopping' | 'down' | 'starting' | 'back';
const COMMANDS = ['command', 'api-key command'] as const;
const READS = ['indicator', 'api-key indicator', 'audit'] as const;
type Call = (typeof COMMANDS)[number] | (typeof READS)[number];

interface Answer {
  readonly call: Call;
  readonly startedIn: Phase;
  readonly endedIn: Phase;
  /** 0: no answer within the bound; -1: no connection (the api is gone). */
  readonly status: number;
  readonly retryAfter: string | null;
  readonly contentType: string | null;
  readonly problemType: string | null;
  readonly ms: number;
}

interface Acknowledged {
  readonly call: Call;
  readonly key: string;
  readonly eventIds: readonly string[];
  readonly replayed: boolean;
}

describeWith(['PostgreSQL'], 'PostgreSQL going away under load', () => {
  let postgres: DisposablePostgres;
  let chdbDir: string;
  let api: ChildProcess;
  let base: string;
  let apiKey: string;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let output = '';
  let unhandled = 0;
  const traffics = new Set<{ abort(): void }>();
  /** Every lesson exchange acknowledged (201) so far, over all scenarios: the store's oracle. */
  const acknowledgedEvents = new Set<string>();

  beforeAll(async () => {
    postgres = await startDisposablePostgres();
    chdbDir = mkdtempSync(join(tmpdir(), 'junheng-pg-outage-chdb-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawn(process.execPath, ['-r', './tools/register-ts.js', 'apps/api/src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        TZ: 'UTC',
        ...TEST_IDENTITY_ENV,
        DATABASE_URL: postgres.url,
        // No KAFKA_BROKERS: the projector tails the store inside the api.
        CHDB_DATA_DIR: chdbDir,
        CLICKHOUSE_DATABASE: uniqueName('pg_outage'),
        PORT: String(port),
        LOG_LEVEL: 'warn',
        // The clients below send far more than a person would: no 429 in the way.
        RATE_LIMIT_PER_MINUTE: '1000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => {
      const text = chunk.toString();
      if (/unhandled|uncaught/i.test(text)) unhandled += 1;
      // The outage logs every 503; keep the tail for a failure's message.
      output = (output + text).slice(-200_000);
    };
    api.stdout?.on('data', collect);
    api.stderr?.on('data', collect);
    api.on('exit', (code, signal) => (exited = { code, signal }));

    await eventually(
      async () => {
        if (exited !== undefined) throw new Error(`the api exited at start: ${output}`);
        const ready = await fetch(`${base}/health/ready`);
        expect(ready.status).toBe(200);
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    for (const school of SCHOOLS) {
      const registered = await fetch(`${base}/v1/schools`, {
        method: 'POST',
        headers: {
          authorization: admin,
          'content-type': 'application/json',
          'idempotency-key': `outage-school:${school.schoolCode}`,
        },
        body: JSON.stringify({
          ...school,
          name: '测试学校',
          urbanRuralCode: '220',
          level: 'nine-year',
          weak: false,
          registeredOn: '2000-09-01',
        }),
      });
      expect(registered.status).toBe(201);
    }
    // A machine client's key, stored the way `npm run api-key` stores it.
    const sql = new PostgresExecutor({ connectionString: postgres.url, maxConnections: 1 });
    try {
      const issued = issueApiKey();
      await new ApiKeyRepository(sql).create(issued, {
        name: 'outage dashboard',
        role: 'district-clerk',
        scope: parseOrgScope(`44/4403/${DISTRICT}`),
      });
      apiKey = issued.key;
    } finally {
      await sql.close();
    }
  }, 120_000);

  afterAll(async () => {
    for (const traffic of traffics) traffic.abort();
    if (api !== undefined && exited === undefined) {
      const gone = new Promise((done) => api.once('exit', done));
      api.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([gone, new Promise((done) => (timer = setTimeout(done, 10_000)))]);
      clearTimeout(timer);
      if (exited === undefined) api.kill('SIGKILL');
    }
    await postgres?.remove();
    if (chdbDir !== undefined) rmSync(chdbDir, { recursive: true, force: true });
  }, 60_000);

  function expectAlive(): void {
    if (exited !== undefined) {
      throw new Error(
        `the api exited (${JSON.stringify(exited)}); its last output:\n${output.slice(-20_000)}`,
      );
    }
    expect(unhandled).toBe(0);
  }

  /** The clients of one scenario: commands retried with their key until 201, and reads. */
  class Traffic {
    phase: Phase = 'up';
    readonly answers: Answer[] = [];
    readonly acknowledged: Acknowledged[] = [];
    /** Every key sent at least once, acknowledged or not yet. */
    readonly keysSent = new Set<string>();
    private running = true;
    /** Set when the test gives up (the api died, a bound passed): every client stops at once. */
    private aborted = false;
    private readonly clients: Array<Promise<void>>;

    constructor(private readonly label: string) {
      // What an earlier, failed scenario left running stops here.
      for (const earlier of traffics) earlier.abort();
      traffics.add(this);
      this.clients = [
        ...Array.from({ length: COMMAND_CLIENTS }, (_, client) =>
          this.commands(`${label}-c${client}`, 'command'),
        ),
        this.commands(`${label}-k`, 'api-key command'),
        this.reads('indicator'),
        this.reads('api-key indicator'),
        this.reads('audit'),
      ];
    }

    private async call(call: Call, path: string, init: RequestInit = {}): Promise<Response | null> {
      const startedIn = this.phase;
      const started = Date.now();
      let response: Response | null = null;
      let status: number;
      try {
        response = await fetch(`${base}${path}`, {
          ...init,
          signal: AbortSignal.timeout(REQUEST_BOUND_MS),
        });
        status = response.status;
      } catch (error) {
        status = (error as Error).name === 'TimeoutError' ? 0 : -1;
      }
      let problemType: string | null = null;
      let body: unknown = null;
      if (response !== null) {
        const text = await response.text();
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          body = text;
        }
        if (response.status >= 400) problemType = (body as { type?: string } | null)?.type ?? null;
      }
      this.answers.push({
        call,
        startedIn,
        endedIn: this.phase,
        status,
        retryAfter: response?.headers.get('retry-after') ?? null,
        contentType: response?.headers.get('content-type') ?? null,
        problemType,
        ms: Date.now() - started,
      });
      return response === null ? null : Object.assign(response, { parsed: body });
    }

    private async commands(prefix: string, call: Call): Promise<void> {
      const authorization: Record<string, string> =
        call === 'command' ? { authorization: clerk } : { 'x-api-key': apiKey };
      let sequence = 0;
      let key = `${prefix}-${sequence}`;
      let pending = false;
      // Once stopped, a client still finishes the key it has sent: its outcome must be known.
      while (!this.aborted && (this.running || pending)) {
        this.keysSent.add(key);
        pending = true;
        const response = await this.call(call, '/v1/lesson-exchanges', {
          method: 'POST',
          headers: { ...authorization, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(exchange),
        });
        if (response?.status === 201) {
          const body = (
            response as Response & { parsed: { eventIds: string[]; replayed: boolean } }
          ).parsed;
          this.acknowledged.push({ call, key, eventIds: body.eventIds, replayed: body.replayed });
          pending = false;
          sequence += 1;
          key = `${prefix}-${sequence}`;
        } else {
          // A client honouring Retry-After, only much more impatient.
          await sleep(100);
        }
      }
    }

    private async reads(call: Call): Promise<void> {
      const path =
        call === 'audit'
          ? '/v1/audit?limit=5'
          : `/v1/indicators/lesson-exchanges?district=${DISTRICT}&month=${MONTH}`;
      const headers: Record<string, string> =
        call === 'audit'
          ? { authorization: admin }
          : call === 'indicator'
            ? { authorization: clerk }
            : { 'x-api-key': apiKey };
      while (this.running && !this.aborted) {
        await this.call(call, path, { headers });
        await sleep(50);
      }
    }

    /** Stops the clients; each command client first gets its last key acknowledged. */
    async stop(): Promise<void> {
      this.running = false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(this.clients),
        new Promise((_, fail) => {
          timer = setTimeout(
            () => fail(new Error(`${this.label}: clients did not finish within 30 s`)),
            30_000,
          );
        }),
      ]).finally(() => {
        clearTimeout(timer);
        this.abort();
      });
    }

    abort(): void {
      this.running = false;
      this.aborted = true;
      traffics.delete(this);
    }

    acknowledgedSince(count: number, call: Call): number {
      return this.acknowledged.slice(count).filter((ack) => ack.call === call).length;
    }
  }

  function expectServiceUnavailable(answer: Answer): void {
    expect({
      call: answer.call,
      status: answer.status,
      retryAfter: answer.retryAfter !== null && Number(answer.retryAfter) > 0,
      contentType: answer.contentType?.startsWith('application/problem+json') ?? false,
      problemType: answer.problemType,
    }).toEqual({
      call: answer.call,
      status: 503,
      retryAfter: true,
      contentType: true,
      problemType: UNAVAILABLE,
    });
  }

  /** Never a 500, never a hung or refused connection; every 503 a proper one. */
  function expectOnlyAnswersOrUnavailable(answers: readonly Answer[]): void {
    const statuses = [...new Set(answers.map((answer) => answer.status))].sort();
    for (const status of statuses) expect([200, 201, 503]).toContain(status);
    for (const answer of answers.filter((a) => a.status === 503)) expectServiceUnavailable(answer);
    expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(REQUEST_BOUND_MS);
  }

  async function readiness(): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${base}/health/ready`, {
      signal: AbortSignal.timeout(REQUEST_BOUND_MS),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /**
   * Every acknowledged command's events are in the store, and the store holds nothing else:
   * each key sent was acknowledged once (a lost COMMIT answer came back as a replay of the same
   * events), so the lesson exchanges in the store are exactly those acknowledged, each once.
   */
  async function expectEveryAcknowledgedCommandStored(traffic: Traffic): Promise<void> {
    expect(new Set(traffic.acknowledged.map((ack) => ack.key)).size).toBe(traffic.keysSent.size);
    for (const ack of traffic.acknowledged) {
      expect(ack.eventIds).toHaveLength(1);
      acknowledgedEvents.add(ack.eventIds[0]!);
    }
    const client = new Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const stored = await client.query<{ event_id: string }>(
        `SELECT event_id::text AS event_id FROM events WHERE type = 'LessonExchanged'`,
      );
      expect(new Set(stored.rows.map((row) => row.event_id))).toEqual(acknowledgedEvents);
      expect(stored.rows).toHaveLength(acknowledgedEvents.size);
    } finally {
      await client.end();
    }
  }

  async function outage(mode: PostgresStopMode): Promise<void> {
    expectAlive();
    const traffic = new Traffic(uniqueName(mode));
    // Traffic flowing (commands acknowledged, every read answered): the stop meets requests in flight.
    await eventually(
      () => {
        expect(traffic.acknowledged.length).toBeGreaterThanOrEqual(COMMAND_CLIENTS * 3);
        for (const call of READS) {
          expect(traffic.answers.some((a) => a.call === call && a.status === 200)).toBe(true);
        }
      },
      { timeoutMs: 20_000 },
    );

    traffic.phase = 'stopping';
    await postgres.stop(mode);
    traffic.phase = 'down';
    const downSince = Date.now();
    expectAlive();
    const red = await eventually(
      async () => {
        const answer = await readiness();
        expect(answer.status).toBe(503);
        return answer;
      },
      { timeoutMs: 5_000 },
    );
    expect(red.body).toMatchObject({
      status: 'not-ready',
      dependencies: { eventStore: { status: 'down' } },
    });
    // Every kind of call has met the outage, several times.
    await eventually(
      () => {
        const down = traffic.answers.filter((a) => a.startedIn === 'down');
        for (const call of [...COMMANDS, ...READS]) {
          expect(down.filter((a) => a.call === call).length).toBeGreaterThanOrEqual(3);
        }
        expect(Date.now() - downSince).toBeGreaterThanOrEqual(OUTAGE_MS);
      },
      { timeoutMs: 15_000 },
    );
    expectAlive();

    traffic.phase = 'starting';
    await postgres.start();
    traffic.phase = 'back';
    const backSince = Date.now();
    await eventually(async () => expect((await readiness()).status).toBe(200), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    const readyAfterMs = Date.now() - backSince;
    // Commands succeed again, for every client.
    const acknowledgedBefore = traffic.acknowledged.length;
    await eventually(
      () => {
        expect(traffic.acknowledgedSince(acknowledgedBefore, 'command')).toBeGreaterThanOrEqual(
          COMMAND_CLIENTS,
        );
        expect(
          traffic.acknowledgedSince(acknowledgedBefore, 'api-key command'),
        ).toBeGreaterThanOrEqual(1);
      },
      { timeoutMs: 20_000 },
    );
    await traffic.stop();
    expectAlive();

    // While the database was down, every answer of every kind was a proper 503.
    const down = traffic.answers.filter((a) => a.startedIn === 'down' && a.endedIn === 'down');
    expect(down.length).toBeGreaterThan(0);
    for (const answer of down) expectServiceUnavailable(answer);
    expectOnlyAnswersOrUnavailable(traffic.answers);
    await expectEveryAcknowledgedCommandStored(traffic);
    const replays = traffic.acknowledged.filter((ack) => ack.replayed).length;
    const inFlight = traffic.answers.filter(
      (a) => (a.startedIn === 'up' || a.startedIn === 'stopping') && a.endedIn !== a.startedIn,
    );
    process.stdout.write(
      `postgres ${mode} stop: ${traffic.answers.length} answers, ${down.length} while down ` +
        `(slowest ${Math.max(...down.map((a) => a.ms))} ms), ${inFlight.length} in flight at ` +
        `the stop (${inFlight.filter((a) => a.status === 503).length} of them 503), ready ` +
        `${readyAfterMs} ms after the restart, ` +
        `${traffic.acknowledged.length} commands acknowledged, ${replays} of them replays\n`,
    );
  }

  it('a fast stop (57P01 to every session): 503s, readiness red, recovery, nothing lost', async () => {
    await outage('fast');
  }, 90_000);

  it('an immediate stop (no checkpoint, crash recovery): the same', async () => {
    await outage('immediate');
  }, 90_000);

  it("pg_terminate_backend of the api's connections while commands are in flight", async () => {
    expectAlive();
    const traffic = new Traffic(uniqueName('terminate'));
    await eventually(
      () => expect(traffic.acknowledged.length).toBeGreaterThanOrEqual(COMMAND_CLIENTS),
      { timeoutMs: 20_000 },
    );
    const killer = new Client({ connectionString: postgres.url });
    await killer.connect();
    let terminated = 0;
    try {
      for (let round = 0; round < 15; round += 1) {
        // OFFSET 0 keeps the filter apart: the planner may not test pg_terminate_backend first.
        const [row] = (
          await killer.query<{ terminated: number }>(
            `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS terminated
             FROM (SELECT pid FROM pg_stat_activity
                   WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
                   OFFSET 0) AS api`,
          )
        ).rows;
        terminated += row?.terminated ?? 0;
        await sleep(150);
      }
    } finally {
      await killer.end();
    }
    expect(terminated).toBeGreaterThan(0);
    const acknowledgedBefore = traffic.acknowledged.length;
    await eventually(
      () =>
        expect(traffic.acknowledgedSince(acknowledgedBefore, 'command')).toBeGreaterThanOrEqual(
          COMMAND_CLIENTS,
        ),
      { timeoutMs: 20_000 },
    );
    await traffic.stop();
    expectAlive();
    expectOnlyAnswersOrUnavailable(traffic.answers);
    expect((await readiness()).status).toBe(200);
    await expectEveryAcknowledgedCommandStored(traffic);
    const unavailable = traffic.answers.filter((a) => a.status === 503).length;
    process.stdout.write(
      `pg_terminate_backend: ${terminated} backends terminated, ${traffic.answers.length} answers, ` +
        `${unavailable} of them 503, ${traffic.acknowledged.length} commands acknowledged\n`,
    );
  }, 60_000);
});

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
