import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { EVENT_STORE, START_OF_LOG } from '@junheng/event-store';
import type { EventStore, RecordedEvent } from '@junheng/event-store';
import { loadConfig } from '@junheng/platform';
import {
  TEST_IDENTITY_ENV,
  bearer,
  chdbTestPath,
  createTestDatabase,
  describeWith,
  eventually,
  kafkaBrokers,
  uniqueName,
} from '@junheng/testing';
import { registerSchools } from './registered-schools';
import { parseExposition, samplesOf, valueOf } from './prometheus-exposition';
import type { Exposition } from './prometheus-exposition';

async function scrape(app: INestApplication<App>): Promise<Exposition> {
  const response = await request(app.getHttpServer()).get('/metrics').expect(200);
  expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(response.text);
}

async function lastEvent(app: INestApplication<App>): Promise<RecordedEvent> {
  const store = app.get<EventStore>(EVENT_STORE);
  const events = await store.readAll({ after: START_OF_LOG, limit: 10_000 });
  return events.at(-1)!;
}

const clerk = bearer('district-clerk', '44/4403/440311');

const recordExchange = async (app: INestApplication<App>, attendees: number) => {
  const created = await request(app.getHttpServer())
    .post('/v1/lesson-exchanges')
    .set('Authorization', clerk)
    .send({
      districtCode: '440311',
      hostSchoolCode: '3144031101',
      visitingSchoolCode: '3144030501',
      kind: 'demonstration',
      subject: 'mathematics',
      date: '2024-10-15',
      attendees,
    })
    .expect(201);
  return created.body as { globalPosition: number };
};

/** The watermark gauges agree with the last event in the store. */
function expectWatermarkAt(exposition: Exposition, event: RecordedEvent): void {
  expect({
    globalPosition: valueOf(exposition, 'junheng_projection_watermark_global_position'),
    transactionId: valueOf(exposition, 'junheng_projection_watermark_transaction_id'),
    recordedAt: valueOf(exposition, 'junheng_projection_watermark_recorded_at_seconds'),
  }).toEqual({
    globalPosition: event.globalPosition,
    transactionId: event.transactionId,
    recordedAt: Date.parse(event.recordedAt) / 1_000,
  });
}

describe('metrics (embedded: PGlite + store tail + chDB)', () => {
  let app: INestApplication<App>;
  let pgliteDir: string;

  beforeAll(async () => {
    pgliteDir = mkdtempSync(join(tmpdir(), 'junheng-metrics-'));
    app = await createApiApplication(
      loadConfig({
        PGLITE_DATA_DIR: pgliteDir,
        CHDB_DATA_DIR: chdbTestPath(),
        CLICKHOUSE_DATABASE: uniqueName('metrics'),
        JUNHENG_DEMO_DATA: 'false',
        JUNHENG_POLL_INTERVAL_MS: '20',
        LOG_LEVEL: 'warn',
        ...TEST_IDENTITY_ENV,
      }),
    );
    await app.init();
    await registerSchools(app);
  });

  afterAll(async () => {
    await app?.close();
    rmSync(pgliteDir, { recursive: true, force: true });
  });

  it('answers anonymously in the Prometheus text format, with the process metrics', async () => {
    const startedBefore = Date.now() / 1_000;
    const exposition = await scrape(app);
    for (const sample of exposition.samples) expect(sample.name).toMatch(/^junheng_/);
    expect(exposition.types.get('junheng_process_cpu_user_seconds_total')).toBe('counter');
    expect(valueOf(exposition, 'junheng_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(valueOf(exposition, 'junheng_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(valueOf(exposition, 'junheng_process_start_time_seconds')).toBeLessThanOrEqual(
      startedBefore,
    );
    expect(samplesOf(exposition, 'junheng_nodejs_version_info')[0]?.labels.version).toBe(
      process.version,
    );
  });

  it('exposes the projector instruments, and no relay or Kafka lag where there is neither', async () => {
    const exposition = await scrape(app);
    expect(exposition.types.get('junheng_projector_insert_duration_seconds')).toBe('histogram');
    expect(exposition.types.get('junheng_projector_batch_size_events')).toBe('histogram');
    expect(
      valueOf(exposition, 'junheng_projector_dead_lettered_events_total', { reason: 'malformed' }),
    ).toBe(0);
    expect(valueOf(exposition, 'junheng_relay_published_events_total')).toBe(0);
    expect(exposition.types.has('junheng_relay_lag_events')).toBe(false);
    expect(exposition.types.has('junheng_consumer_lag_messages')).toBe(false);
    expect(
      valueOf(exposition, 'junheng_metrics_probe_failures_total', {
        probe: 'projection_watermark',
      }),
    ).toBe(0);
  });

  it('reports the projection watermark at the last event once it is projected', async () => {
    const created = await recordExchange(app, 31);
    const last = await lastEvent(app);
    expect(last.globalPosition).toBe(created.globalPosition);
    const exposition = await eventually(async () => {
      const scraped = await scrape(app);
      expectWatermarkAt(scraped, last);
      return scraped;
    });
    expect(exposition.types.get('junheng_projection_watermark_recorded_at_seconds')).toBe('gauge');
  });

  it('is not audited, and ignores credentials it does not need', async () => {
    const server = app.getHttpServer();
    await request(server).get('/metrics').set('Authorization', 'Bearer not.a.token').expect(200);
    const trail = await request(server)
      .get('/v1/audit')
      .set('Authorization', bearer('province-admin', '44'))
      .query({ caller: 'anonymous' })
      .expect(200);
    const paths = (trail.body as { entries: Array<{ path: string }> }).entries.map(
      (entry) => entry.path,
    );
    expect(paths).not.toContain('/metrics');
  });
});

describeWith(['PostgreSQL', 'Kafka'], 'metrics (servers: PostgreSQL + Kafka + chDB)', () => {
  let app: INestApplication<App>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const topic = uniqueName('metrics.events');
  const partitions = ['0', '1', '2'];

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await createApiApplication(
      loadConfig({
        DATABASE_URL: database.url,
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_TOPIC: topic,
        KAFKA_TOPIC_PARTITIONS: String(partitions.length),
        KAFKA_CONSUMER_GROUP: uniqueName('metrics-projector'),
        CHDB_DATA_DIR: chdbTestPath(),
        CLICKHOUSE_DATABASE: uniqueName('metrics'),
        JUNHENG_DEMO_DATA: 'false',
        JUNHENG_POLL_INTERVAL_MS: '20',
        LOG_LEVEL: 'warn',
        ...TEST_IDENTITY_ENV,
      }),
    );
    await app.init();
    await registerSchools(app);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  /** Waits until the relay, every partition and the projections have caught up. */
  const caughtUp = (last: RecordedEvent) =>
    eventually(async () => {
      const exposition = await scrape(app);
      expect(valueOf(exposition, 'junheng_relay_lag_events')).toBe(0);
      expect(
        samplesOf(exposition, 'junheng_consumer_lag_messages').map(({ labels, value }) => ({
          labels,
          value,
        })),
      ).toEqual(partitions.map((partition) => ({ labels: { topic, partition }, value: 0 })));
      expectWatermarkAt(exposition, last);
      return exposition;
    });

  it('reports zero lag on the relay and on every partition once the projector caught up', async () => {
    await recordExchange(app, 12);
    const exposition = await caughtUp(await lastEvent(app));
    expect(exposition.types.get('junheng_consumer_lag_messages')).toBe('gauge');
    expect(exposition.types.get('junheng_relay_lag_events')).toBe('gauge');
    for (const probe of ['relay_lag', 'consumer_lag', 'projection_watermark']) {
      expect(valueOf(exposition, 'junheng_metrics_probe_failures_total', { probe })).toBe(0);
    }
  });

  it('counts the events an open transaction holds back as relay lag, until it ends', async () => {
    await caughtUp(await lastEvent(app));
    // A write transaction left open: readers of the log may not pass it (architecture.md),
    // so the next command commits behind it and waits.
    const idle = new Client({ connectionString: database.url });
    await idle.connect();
    let created: { globalPosition: number };
    try {
      await idle.query('BEGIN');
      await idle.query('SELECT pg_current_xact_id()');
      const before = valueOf(await scrape(app), 'junheng_projection_watermark_global_position');
      created = await recordExchange(app, 14);

      const stalled = await eventually(async () => {
        const exposition = await scrape(app);
        expect(valueOf(exposition, 'junheng_relay_lag_events')).toBe(1);
        return exposition;
      });
      expect(valueOf(stalled, 'junheng_projection_watermark_global_position')).toBe(before);
      expect(before).toBeLessThan(created.globalPosition);

      await idle.query('COMMIT');
    } finally {
      await idle.end();
    }
    const last = await lastEvent(app);
    expect(last.globalPosition).toBe(created.globalPosition);
    await caughtUp(last);
  });
});
