import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { PostgresExecutor, RELAY_CHECKPOINT, SqlEventStore } from '@junheng/event-store';
import type { EventStore, RecordedEvent } from '@junheng/event-store';
import { KafkaEventPublisher, createKafka, ensureEventTopic } from '@junheng/messaging';
import type { KafkaOptions } from '@junheng/messaging';
import {
  TEST_IDENTITY_ENV,
  createTestDatabase,
  describeWith,
  eventually,
  kafkaBrokers,
  uniqueName,
} from '@junheng/testing';

/**
 * The projector as a real process, killed with SIGKILL at each point of a batch, then started
 * again: afterwards ClickHouse must hold every event of the store exactly once. The source
 * topic carries deliberate duplicates (a stretch published by hand before the relay publishes
 * everything). A negative control with exactly-once switched off proves the oracle sees doubles.
 */
const ROOT = join(__dirname, '..');
const STREAMS = 40;
const EVENTS_PER_STREAM = 10;
const BATCH_SIZE = 50;

interface Oracle {
  readonly eventRows: number;
  readonly distinctEvents: number;
  readonly lessonRows: number;
  readonly distinctLessons: number;
  readonly attendees: number;
  readonly deadLetters: number;
}

describeWith(['PostgreSQL', 'Kafka'], 'the projector killed mid-batch', () => {
  const children = new Set<ChildProcess>();
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  interface Scenario {
    readonly database: Awaited<ReturnType<typeof createTestDatabase>>;
    readonly store: EventStore;
    readonly kafka: Kafka;
    readonly options: KafkaOptions;
    readonly env: Record<string, string>;
    readonly events: RecordedEvent[];
    readonly chdbDir: string;
    cleanUp(): Promise<void>;
  }

  async function scenario(): Promise<Scenario> {
    const database = await createTestDatabase();
    const store = new SqlEventStore(new PostgresExecutor({ connectionString: database.url }));
    await store.migrate();
    const events: RecordedEvent[] = [];
    for (let stream = 0; stream < STREAMS; stream += 1) {
      const appended = await store.append({
        streamId: `lesson-exchange-${randomUUID()}`,
        streamType: 'lesson-exchange',
        expectedVersion: 0,
        metadata: {
          actor: 'test',
          actorRole: null,
          actorScope: null,
          commandId: null,
          correlationId: null,
        },
        events: Array.from({ length: EVENTS_PER_STREAM }, (_, index) => ({
          eventId: randomUUID(),
          type: 'LessonExchanged',
          schemaVersion: 1,
          occurredAt: '2024-10-15T00:00:00.000Z',
          districtCode: '440311',
          data: {
            exchangeId: `x-${stream}-${index}`,
            districtCode: '440311',
            hostSchoolCode: '3144031101',
            visitingSchoolCode: '3144030501',
            kind: 'demonstration',
            subject: 'mathematics',
            date: '2024-10-15',
            attendees: 1 + ((stream * EVENTS_PER_STREAM + index) % 50),
          },
        })),
      });
      events.push(...appended.events);
    }
    const options: KafkaOptions = {
      brokers: kafkaBrokers(),
      clientId: 'junheng-crash-test',
      topic: uniqueName('crash.events'),
      partitions: 3,
    };
    const kafka = createKafka(options, { warn: () => undefined, error: () => undefined });
    await ensureEventTopic(kafka, options);
    const chdbDir = mkdtempSync(join(tmpdir(), 'junheng-crash-chdb-'));
    const env: Record<string, string> = {
      ...TEST_IDENTITY_ENV,
      DATABASE_URL: database.url,
      KAFKA_BROKERS: options.brokers.join(','),
      KAFKA_TOPIC: options.topic,
      KAFKA_TOPIC_PARTITIONS: '3',
      KAFKA_CONSUMER_GROUP: uniqueName('crash-projector'),
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      CHDB_DATA_DIR: chdbDir,
      CLICKHOUSE_DATABASE: 'crash',
      JUNHENG_PROJECTOR_BATCH_SIZE: String(BATCH_SIZE),
      // Merges would quietly remove doubles: the oracle must see every row ever inserted.
      JUNHENG_ANALYTICS_FREEZE_MERGES: 'true',
      JUNHENG_POLL_INTERVAL_MS: '20',
      PORT: '0',
      LOG_LEVEL: 'error',
    };
    return {
      database,
      store,
      kafka,
      options,
      env,
      events,
      chdbDir,
      cleanUp: async () => {
        await store.close();
        await database.drop();
        rmSync(chdbDir, { recursive: true, force: true });
      },
    };
  }

  /** Publishes events by hand, as a relay that crashed before its checkpoint would again. */
  async function publishDuplicates(s: Scenario, events: readonly RecordedEvent[]): Promise<void> {
    const publisher = new KafkaEventPublisher(s.kafka, s.options.topic);
    try {
      await publisher.publish(events);
    } finally {
      await publisher.close();
    }
  }

  function startProjector(env: Record<string, string>): {
    child: ChildProcess;
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  } {
    const child = spawn(
      process.execPath,
      ['-r', './tools/register-ts.js', 'apps/projector/src/main.ts'],
      { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.add(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => {
        children.delete(child);
        if (code !== null && code !== 0) process.stderr.write(stderr);
        resolve({ code, signal });
      }),
    );
    return { child, exited };
  }

  /** Everything relayed and every partition's offset committed up to its end. */
  async function caughtUp(s: Scenario): Promise<void> {
    const last = s.events.at(-1)!;
    const relayed = await s.store.loadCheckpoint(RELAY_CHECKPOINT);
    expect(relayed.globalPosition).toBe(last.globalPosition);
    const admin = s.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(s.options.topic);
      const [committed] = await admin.fetchOffsets({
        groupId: s.env.KAFKA_CONSUMER_GROUP!,
        topics: [s.options.topic],
      });
      for (const end of ends) {
        const offset = committed!.partitions.find((p) => p.partition === end.partition)?.offset;
        expect(offset).toBe(end.high);
      }
    } finally {
      await admin.disconnect();
    }
  }

  function oracle(s: Scenario): Oracle {
    const result = spawnSync(
      process.execPath,
      ['-r', './tools/register-ts.js', 'tools/projection-oracle.ts'],
      { cwd: ROOT, env: { PATH: process.env.PATH, ...s.env }, encoding: 'utf8', timeout: 60_000 },
    );
    if (result.status !== 0) throw new Error(`oracle failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as Oracle;
  }

  /** Kills at `point`, restarts without the fault, waits until caught up, asks the oracle. */
  async function crashAndRecover(point: string, exactlyOnce: boolean): Promise<Oracle> {
    const s = await scenario();
    try {
      await publishDuplicates(s, s.events.slice(0, 120));
      const env = { ...s.env, JUNHENG_PROJECTOR_EXACTLY_ONCE: String(exactlyOnce) };
      const crashing = startProjector({ ...env, JUNHENG_FAULT_KILL_AT: `${point}:3` });
      const crash = await Promise.race([
        crashing.exited,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`no crash at ${point} within 90 s`)), 90_000),
        ),
      ]);
      expect(crash.signal).toBe('SIGKILL');

      const recovering = startProjector(env);
      await eventually(() => caughtUp(s), { timeoutMs: 90_000, intervalMs: 500 });
      recovering.child.kill('SIGTERM');
      // Nest's shutdown hooks close the app, then re-raise the signal: a clean stop.
      const stopped = await recovering.exited;
      expect(stopped.code ?? stopped.signal).toBe('SIGTERM');
      return oracle(s);
    } finally {
      await s.cleanUp();
    }
  }

  const EVENTS = STREAMS * EVENTS_PER_STREAM;
  const expectedAttendees = Array.from({ length: EVENTS }, (_, index) => 1 + (index % 50)).reduce(
    (sum, attendees) => sum + attendees,
    0,
  );

  it.each(['before-insert', 'between-inserts', 'after-insert'])(
    'killed %s, restarted: every event exactly once, despite duplicate deliveries',
    async (point) => {
      const found = await crashAndRecover(point, true);
      expect(found).toEqual({
        eventRows: EVENTS,
        distinctEvents: EVENTS,
        lessonRows: EVENTS,
        distinctLessons: EVENTS,
        attendees: expectedAttendees,
        deadLetters: 0,
      });
    },
  );

  it('negative control: with exactly-once off, the same crash leaves doubles the oracle sees', async () => {
    const found = await crashAndRecover('after-insert', false);
    expect(found.distinctEvents).toBe(EVENTS);
    expect(found.eventRows).toBeGreaterThan(EVENTS);
    expect(found.lessonRows).toBeGreaterThan(EVENTS);
  });

  it('every event delivered twice: the same tables and figures as once', async () => {
    const s = await scenario();
    try {
      // The relay has nothing to do; the topic carries the whole log twice, interleaved by
      // partition as two publishers would leave it.
      await s.store.saveCheckpoint(RELAY_CHECKPOINT, s.events.at(-1)!);
      await publishDuplicates(s, s.events);
      await publishDuplicates(s, s.events);
      const projector = startProjector(s.env);
      await eventually(() => caughtUp(s), { timeoutMs: 90_000, intervalMs: 500 });
      projector.child.kill('SIGTERM');
      await projector.exited;
      expect(oracle(s)).toEqual({
        eventRows: EVENTS,
        distinctEvents: EVENTS,
        lessonRows: EVENTS,
        distinctLessons: EVENTS,
        attendees: expectedAttendees,
        deadLetters: 0,
      });
    } finally {
      await s.cleanUp();
    }
  });
});
