import { randomUUID } from 'node:crypto';
import {
  ANALYTICS_MIGRATIONS,
  PROJECTIONS,
  ProjectionWriter,
  freezeProjectionMerges,
  migrateAnalytics,
} from '@junheng/analytics';
import type { AnalyticsClient } from '@junheng/analytics';
import type { RecordedEvent } from '@junheng/event-store';
import {
  KafkaEventPublisher,
  KafkaEventSource,
  createKafka,
  ensureEventTopic,
  eventsOf,
} from '@junheng/messaging';
import type { EventBatch, KafkaOptions } from '@junheng/messaging';
import {
  describeWith,
  eventually,
  kafkaBrokers,
  openTestAnalytics,
  uniqueName,
} from '@junheng/testing';

const EVENTS = 2_000;
const BATCH = 25;

function lessonExchanged(index: number): RecordedEvent {
  return {
    eventId: randomUUID(),
    type: 'LessonExchanged',
    schemaVersion: 1,
    streamId: `lesson-exchange-${index % 60}`,
    streamType: 'lesson-exchange',
    streamVersion: Math.floor(index / 60) + 1,
    globalPosition: index + 1,
    transactionId: 5_000 + index,
    occurredAt: '2024-10-15T00:00:00.000Z',
    recordedAt: '2024-10-15T08:00:00.000Z',
    districtCode: '440311',
    actor: 'test',
    actorRole: null,
    actorScope: null,
    commandId: null,
    correlationId: null,
    data: {
      exchangeId: `x${index}`,
      districtCode: '440311',
      hostSchoolCode: '3144031101',
      visitingSchoolCode: '3144030501',
      kind: 'open',
      subject: 'arts',
      date: '2024-10-15',
      attendees: 1,
    },
  };
}

/**
 * Two projector members of one consumer group over one ClickHouse database, each with its own
 * writer (as two processes would have): a member joins while the first is mid-batch, then the
 * first leaves mid-batch. The tables must end with every event exactly once.
 */
describeWith(['Kafka'], 'a consumer added and removed mid-batch', () => {
  let analytics: AnalyticsClient;
  let options: KafkaOptions;

  beforeAll(async () => {
    analytics = await openTestAnalytics();
    await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
    await freezeProjectionMerges(analytics);
    options = {
      brokers: kafkaBrokers(),
      clientId: 'junheng-rebalance-test',
      topic: uniqueName('rebalance.events'),
      partitions: 4,
    };
  });
  afterAll(async () => {
    await analytics.close();
  });

  it('loses nothing and applies nothing twice', async () => {
    const kafka = createKafka(options, { warn: () => undefined, error: () => undefined });
    await ensureEventTopic(kafka, options);
    const events = Array.from({ length: EVENTS }, (_, index) => lessonExchanged(index));
    const publisher = new KafkaEventPublisher(kafka, options.topic);
    await publisher.publish(events);
    await publisher.close();

    const groupId = uniqueName('rebalance-projector');
    const applied = { first: 0, second: 0 };
    const member = (name: keyof typeof applied) => {
      const writer = new ProjectionWriter(analytics, PROJECTIONS);
      const source = new KafkaEventSource(kafka, {
        topic: options.topic,
        groupId,
        maxBatchSize: BATCH,
        sessionTimeoutMs: 6_000,
      });
      const handler = async (batch: EventBatch) => {
        // Slow enough that joins and leaves land while a batch is in hand.
        await new Promise((resolve) => setTimeout(resolve, 100));
        await writer.apply({ ...batch, events: eventsOf(batch) });
        applied[name] += eventsOf(batch).length;
      };
      return { source, start: () => source.start(handler) };
    };

    const first = member('first');
    const second = member('second');
    await first.start();
    await eventually(() => expect(applied.first).toBeGreaterThan(0), { timeoutMs: 30_000 });
    const rows = async () =>
      (
        await analytics.query<{ rows: string; distinct: string; lessons: string }>(
          `SELECT
             (SELECT count() FROM {db:Identifier}.events WHERE source LIKE {topic:String}) AS rows,
             (SELECT uniqExact(event_id) FROM {db:Identifier}.events WHERE source LIKE {topic:String}) AS distinct,
             (SELECT count() FROM {db:Identifier}.lesson_exchanges WHERE source LIKE {topic:String}) AS lessons`,
          { topic: `kafka:${options.topic}:%` },
        )
      )[0]!;
    try {
      await second.start();
      await eventually(() => expect(applied.second).toBeGreaterThan(0), { timeoutMs: 60_000 });
      // The first leaves while it has a batch in hand (its handler is mid-way most of the time).
      await first.source.stop();
      await eventually(async () => expect(Number((await rows()).distinct)).toBe(EVENTS), {
        timeoutMs: 90_000,
        intervalMs: 500,
      });
    } finally {
      await first.source.stop();
      await second.source.stop();
    }
    expect(await rows()).toEqual({
      rows: String(EVENTS),
      distinct: String(EVENTS),
      lessons: String(EVENTS),
    });
    // Both members really worked; together they were handed every event at least once.
    expect(applied.first).toBeGreaterThan(0);
    expect(applied.second).toBeGreaterThan(0);
    expect(applied.first + applied.second).toBeGreaterThanOrEqual(EVENTS);
  });
});
