import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes } from 'kafkajs';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { OutboxRelay, SqlEventStore, PostgresExecutor } from '@junheng/event-store';
import type { EventStore, RecordedEvent } from '@junheng/event-store';
import {
  createTestDatabase,
  describeWith,
  eventually,
  kafkaBrokers,
  uniqueName,
} from '@junheng/testing';
import { ENVELOPE_HEADERS } from '../envelope/event-envelope';
import { decodeEnvelope } from '../envelope/envelope-decoder';
import type { EventBatch } from '../event-source.port';
import { eventsOf } from '../event-source.port';
import { createKafka, ensureEventTopic } from './kafka-connection';
import type { KafkaOptions } from './kafka-connection';
import { KafkaEventPublisher } from './kafka-event-publisher';
import { KafkaEventSource } from './kafka-event-source';

describeWith(['PostgreSQL', 'Kafka'], 'Kafka messaging and the outbox relay', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: EventStore;
  let kafka: Kafka;
  let options: KafkaOptions;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new SqlEventStore(new PostgresExecutor({ connectionString: database.url }));
    await store.migrate();
    options = {
      brokers: kafkaBrokers(),
      clientId: 'junheng-test',
      topic: uniqueName('test.events'),
      partitions: 3,
    };
    // The source's failing handler makes kafkajs log an error on purpose: keep the output quiet.
    kafka = createKafka(options, { warn: () => undefined, error: () => undefined });
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  async function appendExchanges(
    streams: number,
    eventsPerStream: number,
  ): Promise<RecordedEvent[]> {
    const appended: RecordedEvent[] = [];
    for (let stream = 0; stream < streams; stream += 1) {
      const result = await store.append({
        streamId: `lesson-exchange-${randomUUID()}`,
        streamType: 'lesson-exchange',
        expectedVersion: 0,
        metadata: {
          actor: 'test',
          actorRole: null,
          actorScope: null,
          commandId: null,
          correlationId: `corr-${stream}`,
        },
        events: Array.from({ length: eventsPerStream }, (_, index) => ({
          eventId: randomUUID(),
          type: 'LessonExchanged',
          schemaVersion: 1,
          occurredAt: '2024-10-15T00:00:00.000Z',
          districtCode: '440311',
          data: { index },
        })),
      });
      appended.push(...result.events);
    }
    return appended;
  }

  async function consumeAll(topic: string, count: number): Promise<KafkaMessage[]> {
    const consumer = kafka.consumer({ groupId: uniqueName('reader') });
    const messages: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    try {
      await eventually(() => expect(messages.length).toBeGreaterThanOrEqual(count), {
        timeoutMs: 30_000,
      });
    } finally {
      await consumer.disconnect();
    }
    return messages;
  }

  it('creates the event topic once, partitioned and kept forever', async () => {
    expect(await ensureEventTopic(kafka, options)).toBe(true);
    expect(await ensureEventTopic(kafka, options)).toBe(false);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [options.topic] })).topics;
      expect(metadata!.partitions).toHaveLength(3);
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: options.topic,
            configNames: ['retention.ms', 'retention.bytes'],
          },
        ],
      });
      const entries = Object.fromEntries(
        described.resources[0]!.configEntries.map((entry) => [entry.configName, entry.configValue]),
      );
      expect(entries).toEqual({ 'retention.ms': '-1', 'retention.bytes': '-1' });
    } finally {
      await admin.disconnect();
    }
  });

  it('relays committed events in order with key = stream id and the envelope headers, and resumes from its checkpoint', async () => {
    const appended = await appendExchanges(6, 3);
    const publisher = new KafkaEventPublisher(kafka, options.topic);
    const checkpoint = uniqueName('relay');
    const relay = new OutboxRelay(store, publisher, 5, checkpoint);
    // Two steps, then a "crash": a new relay resumes from the stored checkpoint.
    expect((await relay.step()).published).toBe(5);
    expect((await relay.step()).published).toBe(5);
    const resumed = new OutboxRelay(store, publisher, 5, checkpoint);
    let published = 0;
    for (let step = await resumed.step(); step.published > 0; step = await resumed.step()) {
      published += step.published;
    }
    expect(published).toBe(appended.length - 10);
    await publisher.close();

    const messages = await consumeAll(options.topic, appended.length);
    expect(messages).toHaveLength(appended.length);
    const byStream = new Map<string, RecordedEvent[]>();
    for (const message of messages) {
      const envelope = decodeEnvelope(message.value);
      expect(message.key?.toString()).toBe(envelope.streamId);
      expect(message.headers?.[ENVELOPE_HEADERS.eventId]?.toString()).toBe(envelope.eventId);
      expect(message.headers?.[ENVELOPE_HEADERS.type]?.toString()).toBe('LessonExchanged');
      expect(message.headers?.[ENVELOPE_HEADERS.schemaVersion]?.toString()).toBe('1');
      expect(message.headers?.[ENVELOPE_HEADERS.correlationId]?.toString()).toBe(
        envelope.correlationId,
      );
      byStream.set(envelope.streamId, [...(byStream.get(envelope.streamId) ?? []), envelope]);
    }
    // Each stream's events stay in order (one stream → one partition).
    for (const events of byStream.values()) {
      expect(events.map((event) => event.streamVersion)).toEqual([1, 2, 3]);
    }
    expect(new Set(messages.map((message) => decodeEnvelope(message.value).eventId))).toEqual(
      new Set(appended.map((event) => event.eventId)),
    );
  });

  it('feeds a consumer-group source that commits offsets only after the handler succeeded', async () => {
    const groupId = uniqueName('projector');
    const seen: string[] = [];
    let failOnce = true;
    const first = new KafkaEventSource(kafka, { topic: options.topic, groupId });
    await first.start(async (batch: EventBatch) => {
      if (failOnce) {
        failOnce = false;
        throw new Error('ClickHouse is down');
      }
      seen.push(...eventsOf(batch).map((event) => event.eventId));
    });
    await eventually(() => expect(new Set(seen).size).toBe(18), { timeoutMs: 30_000 });
    await first.stop();

    // A restarted member of the same group starts after the committed offsets: nothing again.
    const appended = await appendExchanges(1, 3);
    const publisher = new KafkaEventPublisher(kafka, options.topic);
    const relay = new OutboxRelay(store, publisher, 100, uniqueName('relay'));
    // A fresh relay checkpoint republishes everything: the earlier 18 again plus the new 3.
    await relay.step();
    await publisher.close();
    const again: string[] = [];
    const second = new KafkaEventSource(kafka, { topic: options.topic, groupId });
    await second.start(
      async (batch) => void again.push(...eventsOf(batch).map((event) => event.eventId)),
    );
    // Wait until the group has committed up to the end of every partition, then count.
    const admin = kafka.admin();
    await admin.connect();
    try {
      await eventually(
        async () => {
          const ends = await admin.fetchTopicOffsets(options.topic);
          const [committed] = await admin.fetchOffsets({ groupId, topics: [options.topic] });
          // A partition that received nothing has nothing to commit.
          for (const end of ends.filter((partition) => partition.high !== '0')) {
            const partition = committed!.partitions.find(
              (entry) => entry.partition === end.partition,
            );
            expect(partition?.offset).toBe(end.high);
          }
        },
        { timeoutMs: 30_000 },
      );
    } finally {
      await admin.disconnect();
    }
    await second.stop();
    // Had it started from the beginning it would see 18 + 18 + 3; it sees only what came after
    // the committed offsets: the 18 republished and the 3 new, each once.
    expect(again).toHaveLength(21);
    expect(new Set(again).size).toBe(21);
    for (const event of appended) expect(again).toContain(event.eventId);
    for (const eventId of new Set(seen))
      expect(again.filter((id) => id === eventId)).toHaveLength(1);
  });

  it('lets two relays on one database take turns, so the topic holds each event once', async () => {
    await appendExchanges(5, 4);
    const total = await store.countAfter({ transactionId: 0, globalPosition: 0 });
    const topic = uniqueName('test.two-relays');
    await ensureEventTopic(kafka, { ...options, topic });
    const checkpoint = uniqueName('shared-relay');
    const otherStore = new SqlEventStore(new PostgresExecutor({ connectionString: database.url }));
    const relays = [store, otherStore].map((on) => {
      const publisher = new KafkaEventPublisher(kafka, topic);
      return { on, publisher, relay: new OutboxRelay(on, publisher, 4, checkpoint) };
    });
    const led = [0, 0];
    try {
      await Promise.all(
        relays.map(async ({ on, relay }, index) => {
          while ((await on.countAfter(await on.loadCheckpoint(checkpoint))) > 0) {
            const progress = await relay.step();
            if (progress.leading && progress.published > 0) led[index]! += 1;
          }
        }),
      );
    } finally {
      for (const { publisher } of relays) await publisher.close();
      await otherStore.close();
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      const published = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
      expect(published).toBe(total);
    } finally {
      await admin.disconnect();
    }
    expect(led[0]! + led[1]!).toBeGreaterThanOrEqual(Math.ceil(total / 4));
  });
});
