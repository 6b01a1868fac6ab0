import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { Client } from 'pg';
import {
  AnalyticsClient,
  ANALYTICS_MIGRATIONS,
  DeadLetterStore,
  PROJECTIONS,
  ProjectionWriter,
  migrateAnalytics,
} from '@junheng/analytics';
import {
  OutboxRelay,
  PgliteExecutor,
  PostgresExecutor,
  SqlEventStore,
  START_OF_LOG,
} from '@junheng/event-store';
import type { EventStore, RecordedEvent } from '@junheng/event-store';
import { KafkaEventPublisher, createKafka, ensureEventTopic } from '@junheng/messaging';
import type { EventSource } from '@junheng/messaging';
import { rebuildProjection } from '@junheng/pipeline';
import { indicatorQueriesBench } from './indicator-queries.bench';

/**
 * `npm run bench`: speeds of the walking skeleton's parts, each beside a baseline measured in
 * the same run (machines here are noisy; only ratios of side-by-side runs mean much).
 * Needs PostgreSQL on 127.0.0.1:5432 and Kafka on 127.0.0.1:9092 (`bash infra/local/up.sh`);
 * parts whose engine is missing are reported as skipped. Loopback only, bounded counts.
 * `BENCH_ONLY=store,projection,indicators` (any of them) runs only those parts.
 */
const POSTGRES_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const KAFKA_BROKERS = (process.env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const APPENDS = Number(process.env.BENCH_APPENDS ?? 4_000);
const CONCURRENCY = 32;
const PROJECTED_EVENTS = Number(process.env.BENCH_PROJECTED_EVENTS ?? 200_000);
// libchdb binds one data directory per process: every chDB part of the bench shares it.
const CHDB_PATH = process.env.BENCH_CHDB_PATH ?? `/tmp/junheng-bench-chdb-${process.pid}`;
const PARTS = ['store', 'projection', 'indicators'] as const;
type Part = (typeof PARTS)[number];
const ONLY = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((part) => part.trim())
  .filter((part) => part !== '');
const unknownPart = ONLY.find((part) => !(PARTS as readonly string[]).includes(part));
if (unknownPart !== undefined)
  throw new Error(`BENCH_ONLY: unknown part "${unknownPart}" (parts: ${PARTS.join(', ')})`);
const runs = (part: Part): boolean => ONLY.length === 0 || ONLY.includes(part);

interface Row {
  readonly measure: string;
  readonly result: string;
  readonly baseline: string;
}
const rows: Row[] = [];

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function lessonEvent(index: number) {
  const month = String((index % 10) + 1).padStart(2, '0');
  return {
    eventId: randomUUID(),
    type: 'LessonExchanged',
    schemaVersion: 1,
    occurredAt: `2024-${month}-15T00:00:00.000Z`,
    districtCode: `4403${String(11 + (index % 40)).padStart(2, '0')}`,
    data: {
      exchangeId: `bench-${index}`,
      districtCode: `4403${String(11 + (index % 40)).padStart(2, '0')}`,
      hostSchoolCode: String(3144031100 + (index % 500)),
      visitingSchoolCode: String(3144030500 + (index % 300)),
      kind: 'demonstration',
      subject: 'mathematics',
      date: `2024-${month}-15`,
      attendees: 10 + (index % 60),
    },
  };
}

async function appendBench(name: string, store: EventStore): Promise<void> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < APPENDS) {
        const index = next++;
        const begin = performance.now();
        await store.append({
          streamId: `lesson-exchange-${randomUUID()}`,
          streamType: 'lesson-exchange',
          expectedVersion: 0,
          idempotencyKey: randomUUID(),
          metadata: {
            actor: 'bench',
            actorRole: null,
            actorScope: null,
            commandId: null,
            correlationId: null,
          },
          events: [lessonEvent(index)],
        });
        latencies.push(performance.now() - begin);
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  rows.push({
    measure: `${name}: ${APPENDS} single-event appends, ${CONCURRENCY} concurrent callers`,
    result: `${rate(APPENDS, elapsed)}, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    baseline: '—',
  });
  const readStart = performance.now();
  let read = 0;
  for (let cursor = START_OF_LOG; ;) {
    const page = await store.readAll({ after: cursor, limit: 2_000 });
    if (page.length === 0) break;
    read += page.length;
    const last = page.at(-1)!;
    cursor = { transactionId: last.transactionId, globalPosition: last.globalPosition };
  }
  rows.push({
    measure: `${name}: readAll in commit order, pages of 2,000`,
    result: rate(read, performance.now() - readStart),
    baseline: '—',
  });
}

async function postgresBench(): Promise<EventStore | null> {
  const admin = new Client({ connectionString: POSTGRES_URL });
  try {
    await admin.connect();
  } catch {
    rows.push({
      measure: 'PostgreSQL event store',
      result: 'skipped: PostgreSQL not reachable',
      baseline: '—',
    });
    return null;
  }
  const database = `junheng_bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  const store = new SqlEventStore(
    new PostgresExecutor({ connectionString: url.toString(), maxConnections: CONCURRENCY }),
  );
  await store.migrate();
  await appendBench('PostgreSQL', store);
  return store;
}

async function relayBench(store: EventStore): Promise<void> {
  const kafka = createKafka(
    { brokers: KAFKA_BROKERS, clientId: 'junheng-bench', topic: '', partitions: 1 },
    {
      warn: () => undefined,
      error: () => undefined,
    },
  );
  const topic = `bench.events.${Date.now()}`;
  try {
    await ensureEventTopic(kafka, {
      brokers: KAFKA_BROKERS,
      clientId: 'junheng-bench',
      topic,
      partitions: 12,
    });
  } catch {
    rows.push({ measure: 'relay to Kafka', result: 'skipped: Kafka not reachable', baseline: '—' });
    return;
  }
  const publisher = new KafkaEventPublisher(kafka, topic);
  const relay = new OutboxRelay(store, publisher, 2_000, `bench-${Date.now()}`);
  const started = performance.now();
  let published = 0;
  for (let step = await relay.step(); step.published > 0; step = await relay.step())
    published += step.published;
  rows.push({
    measure: `relay: ${published} events store → Kafka (acks=all), batches of 2,000`,
    result: rate(published, performance.now() - started),
    baseline: '—',
  });
  await publisher.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
}

function recorded(index: number): RecordedEvent {
  const event = lessonEvent(index);
  return {
    ...event,
    streamId: `lesson-exchange-${index}`,
    streamType: 'lesson-exchange',
    streamVersion: 1,
    globalPosition: index + 1,
    transactionId: 1_000 + index,
    recordedAt: '2024-11-01T08:00:00.000Z',
    actor: 'bench',
    actorRole: null,
    actorScope: null,
    commandId: null,
    correlationId: null,
  };
}

async function projectionBench(): Promise<void> {
  const analytics = await AnalyticsClient.open({
    database: `bench_${Date.now()}`,
    chdbPath: CHDB_PATH,
    url: process.env.BENCH_CLICKHOUSE_URL,
  });
  await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
  const writer = new ProjectionWriter(analytics, PROJECTIONS);
  const events = Array.from({ length: PROJECTED_EVENTS }, (_, index) => recorded(index));
  const batchSize = 5_000;

  const started = performance.now();
  for (let offset = 0; offset < events.length; offset += batchSize) {
    const batch = events.slice(offset, offset + batchSize);
    const last = batch.at(-1)!;
    await writer.apply({
      events: batch,
      batchId: `bench:${offset}`,
      source: 'bench',
      position: { transactionId: last.transactionId, globalPosition: last.globalPosition },
    });
  }
  const projected = performance.now() - started;

  // Baseline: the same lesson rows inserted raw into a plain MergeTree, no envelope table,
  // no deduplication, no checkpoint.
  await analytics.command(
    `CREATE TABLE {db:Identifier}.raw_baseline (
       event_id UUID, district_code LowCardinality(String), month Date, exchange_date Date,
       host_school_code String, visiting_school_code String, kind LowCardinality(String),
       subject LowCardinality(String), attendees UInt32, global_position UInt64,
       recorded_at DateTime64(3, 'UTC')
     ) ENGINE = MergeTree ORDER BY (district_code, month)`,
  );
  const lessonRows = PROJECTIONS.find(
    (projection) => projection.table === 'lesson_exchanges',
  )!.rows(events);
  const rawStart = performance.now();
  for (let offset = 0; offset < lessonRows.length; offset += batchSize) {
    await analytics.insert('raw_baseline', lessonRows.slice(offset, offset + batchSize));
  }
  const raw = performance.now() - rawStart;
  rows.push({
    measure: `projection: ${PROJECTED_EVENTS.toLocaleString('en-US')} events into events + lesson_exchanges (${analytics.engine}), batches of 5,000`,
    result: rate(PROJECTED_EVENTS, projected),
    baseline: `raw insert of the lesson rows only: ${rate(PROJECTED_EVENTS, raw)} (ours ÷ raw = ${(raw / projected).toFixed(2)})`,
  });

  // Rebuild from the log: the same events fed again from the start, into `lesson_exchanges_v2`,
  // swapped in. The log is served from memory so this measures the rebuild, not PostgreSQL
  // (whose readAll is measured above).
  let delivering: Promise<void> = Promise.resolve();
  let stopped = false;
  const replay: EventSource = {
    kind: 'store-tail',
    start: (handler) => {
      delivering = (async () => {
        for (let offset = 0; offset < events.length && !stopped; offset += batchSize) {
          const batch = events.slice(offset, offset + batchSize);
          const last = batch.at(-1)!;
          await handler({
            messages: batch.map((event) => ({ kind: 'event', origin: 'bench', event })),
            batchId: `bench-rebuild:${offset}`,
            source: 'bench',
            epoch: 0,
            position: { transactionId: last.transactionId, globalPosition: last.globalPosition },
          });
        }
      })();
      return Promise.resolve();
    },
    stop: async () => {
      stopped = true;
      await delivering;
    },
    isHealthy: () => true,
  };
  const rebuildStart = performance.now();
  await rebuildProjection({
    analytics,
    projection: PROJECTIONS.find((projection) => projection.table === 'lesson_exchanges')!,
    source: replay,
    sourcePrefix: 'bench',
    deadLetters: new DeadLetterStore(analytics),
    pollIntervalMs: 20,
    settleMs: 100,
  });
  const rebuilt = performance.now() - rebuildStart;
  rows.push({
    measure: `rebuild of lesson_exchanges from ${PROJECTED_EVENTS.toLocaleString('en-US')} events (blue-green, swap included)`,
    result: rate(PROJECTED_EVENTS, rebuilt),
    baseline: `raw insert of the same rows: ${rate(PROJECTED_EVENTS, raw)} (ours ÷ raw = ${(raw / rebuilt).toFixed(2)})`,
  });

  const queryTimes: number[] = [];
  for (let run = 0; run < 50; run += 1) {
    const begin = performance.now();
    await analytics.query(
      `SELECT count(), sum(attendees) FROM {db:Identifier}.lesson_exchanges FINAL WHERE district_code = {district:String} AND month = {month:Date}`,
      { district: '440311', month: '2024-10-01' },
    );
    queryTimes.push(performance.now() - begin);
  }
  queryTimes.sort((a, b) => a - b);
  rows.push({
    measure: 'lesson-exchange indicator query (one district, one month), 50 runs',
    result: `p50 ${percentile(queryTimes, 50).toFixed(1)} ms, p95 ${percentile(queryTimes, 95).toFixed(1)} ms`,
    baseline: '—',
  });
  await analytics.command('DROP DATABASE {db:Identifier}');
  await analytics.close();
}

async function main(): Promise<void> {
  if (runs('store')) {
    const pglite = new SqlEventStore(await PgliteExecutor.open());
    await pglite.migrate();
    await appendBench('PGlite (in memory)', pglite);
    await pglite.close();

    const postgres = await postgresBench();
    if (postgres !== null) {
      await relayBench(postgres);
      await postgres.close();
    }
  }
  if (runs('projection')) await projectionBench();
  const indicators = runs('indicators')
    ? await indicatorQueriesBench({
        chdbPath: CHDB_PATH,
        clickhouseUrl: process.env.BENCH_CLICKHOUSE_URL,
      })
    : '';

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    [
      `Junheng bench — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
      '',
      '| measure | result | baseline (same run) |',
      '| --- | --- | --- |',
      ...rows.map((row) => `| ${row.measure} | ${row.result} | ${row.baseline} |`),
      '',
      indicators,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
