import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { ANALYTICS_CLIENT } from '@junheng/analytics';
import type { AnalyticsClient } from '@junheng/analytics';
import { RELAY_CHECKPOINT } from '@junheng/event-store';
import { loadConfig } from '@junheng/platform';
import {
  TEST_IDENTITY_ENV,
  bearer,
  chdbTestPath,
  createTestDatabase,
  describeWith,
  eventually,
  startDisposableKafka,
  uniqueName,
} from '@junheng/testing';
import type { DisposableKafka } from '@junheng/testing';
import { registerSchools } from './registered-schools';

// A broker of this test's own: stopping the shared one on 9092 would break every other file.
const OUTAGE_BROKER = { instance: 'broker-outage-e2e', port: 19092, controllerPort: 19093 };

// A Guangming (光明区) district clerk reports exchanges between two registered schools.
const clerk = bearer('district-clerk', '44/4403/440311');
const exchange = {
  districtCode: '440311',
  hostSchoolCode: '3144031102',
  visitingSchoolCode: '3144030503',
  kind: 'demonstration',
  subject: 'mathematics',
  date: '2024-10-15',
  attendees: 12,
};

type Phase = 'broker-up' | 'broker-down' | 'broker-returning';

interface Answer {
  readonly phase: Phase;
  readonly status: number;
  readonly eventIds: readonly string[];
}

interface DependencyHealth {
  readonly status: 'up' | 'down';
  readonly error?: string;
}

interface Readiness {
  readonly status: 'ready' | 'not-ready';
  readonly dependencies: Record<string, DependencyHealth>;
}

/**
 * The event store is the source of truth, so a Kafka outage must not reach the command side:
 * every command is accepted while the broker is down, readiness says the relay cannot publish,
 * and once the broker is back the relay and the projector catch up by themselves until
 * ClickHouse holds exactly the events PostgreSQL holds, each once.
 */
describeWith(['PostgreSQL', 'Kafka'], 'a Kafka broker outage during ingestion', () => {
  let kafka: DisposableKafka | undefined;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let app: INestApplication<App> | undefined;
  let logDir: string | undefined;

  beforeAll(async () => {
    kafka = await startDisposableKafka(OUTAGE_BROKER);
    database = await createTestDatabase();
    // The outage makes kafkajs and the relay log an error on every retry: keep them in a file.
    logDir = mkdtempSync(join(tmpdir(), 'junheng-outage-logs-'));
    app = await createApiApplication(
      loadConfig({
        DATABASE_URL: database.url,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPIC: uniqueName('outage.events'),
        KAFKA_TOPIC_PARTITIONS: '3',
        KAFKA_CONSUMER_GROUP: uniqueName('outage-projector'),
        CHDB_DATA_DIR: chdbTestPath(),
        CLICKHOUSE_DATABASE: uniqueName('outage'),
        JUNHENG_POLL_INTERVAL_MS: '20',
        // One caller posts without pause; the default per-caller limit would answer 429.
        RATE_LIMIT_PER_MINUTE: '1000000',
        LOG_LEVEL: 'warn',
        LOG_FILE: join(logDir, 'junheng.log'),
        ...TEST_IDENTITY_ENV,
      }),
    );
    await app.init();
    await registerSchools(app);
  });

  afterAll(async () => {
    // A test that failed mid-outage leaves the broker down; with it back the app closes at
    // once instead of waiting out kafkajs's retries. Starting a running broker is a no-op.
    await kafka?.start().catch(() => undefined);
    await app?.close();
    await database?.drop();
    await kafka?.remove();
    if (logDir !== undefined) rmSync(logDir, { recursive: true, force: true });
  });

  async function readiness(): Promise<{ code: number; body: Readiness }> {
    const response = await request(app!.getHttpServer()).get('/health/ready');
    return { code: response.status, body: response.body as Readiness };
  }

  async function inEventStore<T>(read: (pg: Client) => Promise<T>): Promise<T> {
    const pg = new Client({ connectionString: database!.url });
    await pg.connect();
    try {
      return await read(pg);
    } finally {
      await pg.end();
    }
  }

  const storedExchangeIds = () =>
    inEventStore(async (pg) => {
      const result = await pg.query<{ event_id: string }>(
        "SELECT event_id::text FROM events WHERE type = 'LessonExchanged'",
      );
      return result.rows.map((row) => row.event_id);
    });

  /** Events past the relay's checkpoint, in the relay's own (commit) order. */
  const unrelayedEvents = () =>
    inEventStore(async (pg) => {
      const result = await pg.query<{ unrelayed: string }>(
        `SELECT count(*) AS unrelayed FROM events e
         WHERE NOT EXISTS (
           SELECT 1 FROM checkpoints c
           WHERE c.name = $1
             AND (e.transaction_id, e.global_position) <= (c.transaction_id, c.global_position))`,
        [RELAY_CHECKPOINT],
      );
      return Number(result.rows[0]!.unrelayed);
    });

  async function projectedExchangeIds(): Promise<string[]> {
    const analytics = app!.get<AnalyticsClient>(ANALYTICS_CLIENT);
    const rows = await analytics.query<{ eventId: string }>(
      'SELECT toString(event_id) AS eventId FROM {db:Identifier}.lesson_exchanges FINAL',
    );
    return rows.map((row) => row.eventId);
  }

  it('accepts every command while the broker is down, and ClickHouse catches up with PostgreSQL once it is back', async () => {
    const broker = kafka!;
    const server = app!.getHttpServer();
    const answers: Answer[] = [];
    let phase: Phase = 'broker-up';
    let posting = true;

    // One clerk posting exchanges back to back for the whole test, each with its own key.
    const ingestion = (async () => {
      while (posting) {
        const sentIn = phase;
        try {
          const response = await request(server)
            .post('/v1/lesson-exchanges')
            .set('Authorization', clerk)
            .set('Idempotency-Key', uniqueName('outage-exchange'))
            .send(exchange);
          const body = response.body as { eventIds?: string[] };
          answers.push({ phase: sentIn, status: response.status, eventIds: body.eventIds ?? [] });
        } catch {
          // No HTTP answer at all is a failed command too; status 0 makes the assertion show it.
          answers.push({ phase: sentIn, status: 0, eventIds: [] });
        }
      }
    })();
    const answeredIn = (wanted: Phase) => answers.filter((answer) => answer.phase === wanted);

    try {
      // The pipeline is flowing before the outage: exchanges already reach ClickHouse.
      await eventually(
        async () => expect((await projectedExchangeIds()).length).toBeGreaterThanOrEqual(10),
        { timeoutMs: 30_000, intervalMs: 200 },
      );

      phase = 'broker-down';
      await broker.stop();
      // Readiness tells operators that nothing reaches Kafka. The relay is marked failing only
      // once a publish gave up, after kafkajs's own retries (about 20 s with createKafka's).
      const down = await eventually(
        async () => {
          const answer = await readiness();
          expect(answer.code).toBe(503);
          expect(answer.body.dependencies.relay).toMatchObject({ status: 'down' });
          return answer.body;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(down.dependencies.kafka).toMatchObject({ status: 'down' });
      expect(down.dependencies.eventStore).toEqual({ status: 'up' });
      // And commands kept coming in the whole time; a few more to be sure.
      const answeredWhileDown = answeredIn('broker-down').length;
      await eventually(
        () =>
          expect(answeredIn('broker-down').length).toBeGreaterThanOrEqual(answeredWhileDown + 20),
        { timeoutMs: 30_000 },
      );

      phase = 'broker-returning';
      await broker.start();
      await eventually(
        () => expect(answeredIn('broker-returning').length).toBeGreaterThanOrEqual(20),
        { timeoutMs: 30_000 },
      );
    } finally {
      posting = false;
      await ingestion;
    }

    // Every command was accepted, the ones sent while the broker was down included.
    expect(answeredIn('broker-down').length).toBeGreaterThanOrEqual(20);
    expect(answers.filter((answer) => answer.status !== 201)).toEqual([]);
    const acceptedIds = answers.flatMap((answer) => answer.eventIds);
    expect(acceptedIds).toHaveLength(answers.length);

    // The store holds exactly what was accepted.
    const storedIds = await storedExchangeIds();
    expect(storedIds).toHaveLength(answers.length);
    expect(new Set(storedIds)).toEqual(new Set(acceptedIds));

    // By itself, with no restart: the relay publishes everything past its checkpoint, and
    // ClickHouse ends up with exactly the stored exchanges.
    await eventually(async () => expect(await unrelayedEvents()).toBe(0), {
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    const projectedIds = await eventually(
      async () => {
        const projected = await projectedExchangeIds();
        expect(projected).toHaveLength(storedIds.length);
        return projected;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const projected = new Set(projectedIds);
    const stored = new Set(storedIds);
    expect(projected.size).toBe(projectedIds.length);
    expect(storedIds.filter((id) => !projected.has(id))).toEqual([]);
    expect(projectedIds.filter((id) => !stored.has(id))).toEqual([]);

    // Without FINAL too: one row per event, so no redelivery was applied twice.
    const analytics = app!.get<AnalyticsClient>(ANALYTICS_CLIENT);
    const [raw] = await analytics.query<{ rows: string; events: string }>(
      'SELECT count() AS rows, uniqExact(event_id) AS events FROM {db:Identifier}.lesson_exchanges',
    );
    expect(Number(raw!.events)).toBe(storedIds.length);
    expect(Number(raw!.rows)).toBe(storedIds.length);

    // And readiness recovers with the broker.
    await eventually(async () => expect((await readiness()).code).toBe(200), {
      timeoutMs: 30_000,
      intervalMs: 500,
    });
  }, 180_000);
});
