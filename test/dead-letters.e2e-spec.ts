import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Kafka, KafkaMessage } from 'kafkajs';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { ANALYTICS_CLIENT } from '@junheng/analytics';
import type { AnalyticsClient } from '@junheng/analytics';
import { EVENT_STORE, START_OF_LOG } from '@junheng/event-store';
import type { EventStore, RecordedEvent } from '@junheng/event-store';
import {
  DEAD_LETTER_HEADERS,
  ENVELOPE_HEADERS,
  createKafka,
  deadLetterTopicOf,
} from '@junheng/messaging';
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
import { parseExposition, valueOf } from './prometheus-exposition';
import { registerSchools } from './registered-schools';

const clerk = bearer('district-clerk', '44/4403/440311');
const exchange = (date: string) => ({
  districtCode: '440311',
  hostSchoolCode: '3144031102',
  visitingSchoolCode: '3144030503',
  kind: 'demonstration',
  subject: 'mathematics',
  date,
  attendees: 30,
});

/**
 * Messages no reader of this version can apply, put on the live topic: each lands in the
 * dead-letter topic with its reason, a later event of a poisoned stream is held back behind it,
 * the metric counts them, and the projector keeps applying everything else.
 */
describeWith(['PostgreSQL', 'Kafka'], 'poison events and the dead-letter topic', () => {
  let app: INestApplication<App>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let kafka: Kafka;
  const topic = uniqueName('poison.events');

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await createApiApplication(
      loadConfig({
        ...TEST_IDENTITY_ENV,
        DATABASE_URL: database.url,
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_TOPIC: topic,
        KAFKA_TOPIC_PARTITIONS: '1',
        KAFKA_CONSUMER_GROUP: uniqueName('poison-projector'),
        CHDB_DATA_DIR: chdbTestPath(),
        CLICKHOUSE_DATABASE: uniqueName('poison'),
        JUNHENG_POLL_INTERVAL_MS: '20',
        JUNHENG_DEMO_DATA: 'false',
        LOG_LEVEL: 'fatal',
      }),
    );
    await app.init();
    await registerSchools(app);
    kafka = createKafka(
      { brokers: kafkaBrokers(), clientId: 'poisoner', topic, partitions: 1 },
      { warn: () => undefined, error: () => undefined },
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const analytics = () => app.get<AnalyticsClient>(ANALYTICS_CLIENT);
  const projected = async (eventId: string) =>
    (
      await analytics().query<{ n: string }>(
        'SELECT count() AS n FROM {db:Identifier}.events WHERE event_id = {id:UUID}',
        { id: eventId },
      )
    )[0]!.n === '1';

  async function lastEvent(): Promise<RecordedEvent> {
    const events = await app
      .get<EventStore>(EVENT_STORE)
      .readAll({ after: START_OF_LOG, limit: 1_000 });
    return events.at(-1)!;
  }

  async function readDeadLetterTopic(count: number): Promise<KafkaMessage[]> {
    const consumer = kafka.consumer({ groupId: uniqueName('dead-letter-reader') });
    const messages: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [deadLetterTopicOf(topic)], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    try {
      await eventually(() => expect(messages).toHaveLength(count), { timeoutMs: 30_000 });
    } finally {
      await consumer.disconnect();
    }
    return messages;
  }

  it('dead-letters poison with its reason, holds its stream back, counts it, and goes on', async () => {
    const server = app.getHttpServer();
    await request(server)
      .post('/v1/lesson-exchanges')
      .set('Authorization', clerk)
      .send(exchange('2024-10-10'))
      .expect(201);
    const recorded = await lastEvent();
    await eventually(async () => expect(await projected(recorded.eventId)).toBe(true));

    // A reader from the future wrote to the recorded stream; then a well-formed later event of
    // the same stream follows it. Two more poison messages belong to no stream we know.
    const future = { ...recorded, eventId: randomUUID(), schemaVersion: 99, streamVersion: 2 };
    const later = {
      ...recorded,
      eventId: randomUUID(),
      streamVersion: 3,
      transactionId: recorded.transactionId + 1_000_000,
      globalPosition: recorded.globalPosition + 1_000_000,
    };
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'lesson-exchange-garbled', value: '{"eventId": "cut off', headers: {} },
        {
          key: 'lesson-exchange-unknown',
          value: JSON.stringify({ ...recorded, eventId: randomUUID(), type: 'LessonTeleported' }),
          headers: { [ENVELOPE_HEADERS.type]: 'LessonTeleported' },
        },
        {
          key: recorded.streamId,
          value: JSON.stringify(future),
          headers: {
            [ENVELOPE_HEADERS.eventId]: future.eventId,
            [ENVELOPE_HEADERS.type]: future.type,
          },
        },
        { key: recorded.streamId, value: JSON.stringify(later), headers: {} },
      ],
    });
    await producer.disconnect();

    // The table first: it is written with the topic, which exists from the first dead letter.
    await eventually(
      async () => {
        const rows = await analytics().query<{ reason: string; stream_id: string }>(
          'SELECT reason, stream_id FROM {db:Identifier}.dead_letters FINAL ORDER BY reason',
        );
        expect(rows).toEqual([
          { reason: 'future-schema-version', stream_id: recorded.streamId },
          { reason: 'held-back', stream_id: recorded.streamId },
          { reason: 'malformed', stream_id: 'lesson-exchange-garbled' },
          { reason: 'unknown-type', stream_id: 'lesson-exchange-unknown' },
        ]);
      },
      { timeoutMs: 30_000 },
    );

    const letters = await readDeadLetterTopic(4);
    const byReason = Object.fromEntries(
      letters.map((message) => [
        String(message.headers?.[DEAD_LETTER_HEADERS.reason]),
        {
          key: message.key?.toString(),
          origin: message.headers?.[DEAD_LETTER_HEADERS.origin]?.toString(),
          heldBehind: message.headers?.[DEAD_LETTER_HEADERS.heldBehind]?.toString(),
          value: message.value?.toString(),
        },
      ]),
    );
    expect(Object.keys(byReason).sort()).toEqual([
      'future-schema-version',
      'held-back',
      'malformed',
      'unknown-type',
    ]);
    expect(byReason.malformed).toMatchObject({
      key: 'lesson-exchange-garbled',
      value: '{"eventId": "cut off',
    });
    expect(byReason['future-schema-version']).toMatchObject({
      key: recorded.streamId,
      heldBehind: '',
    });
    expect(byReason['held-back']).toMatchObject({
      key: recorded.streamId,
      heldBehind: byReason['future-schema-version']!.origin,
    });
    expect(byReason['future-schema-version']!.origin).toMatch(new RegExp(`^${topic}/0@\\d+$`));
    expect(await projected(later.eventId)).toBe(false);

    const metrics = parseExposition((await request(server).get('/metrics').expect(200)).text);
    for (const reason of ['malformed', 'unknown-type', 'future-schema-version', 'held-back']) {
      expect(valueOf(metrics, 'junheng_projector_dead_lettered_events_total', { reason })).toBe(1);
    }

    // The projector goes on: a new fact of another stream is applied.
    await request(server)
      .post('/v1/lesson-exchanges')
      .set('Authorization', clerk)
      .send(exchange('2024-10-11'))
      .expect(201);
    const next = await lastEvent();
    await eventually(async () => expect(await projected(next.eventId)).toBe(true));
  });
});
