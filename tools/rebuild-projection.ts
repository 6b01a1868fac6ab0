import 'reflect-metadata';
import {
  ANALYTICS_MIGRATIONS,
  AnalyticsClient,
  analyticsOptionsOf,
  DeadLetterStore,
  PROJECTIONS,
  migrateAnalytics,
} from '@junheng/analytics';
import { START_OF_LOG, openEventStore } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import {
  KafkaEventSource,
  STORE_TAIL_SOURCE,
  StoreTailEventSource,
  createKafka,
} from '@junheng/messaging';
import type { EventSource } from '@junheng/messaging';
import { loadConfig } from '@junheng/platform';
import { rebuildProjection } from '@junheng/pipeline';

/**
 * `npm run projections:rebuild -- <table>`: rebuilds one projection table blue-green from the
 * start of the log while the projector keeps running (libs/pipeline/src/rebuild). Reads the
 * same configuration as the projector. With Kafka it reads the topic from the beginning under
 * a consumer group of its own; without, the event store from the start — in embedded mode stop
 * `npm start` first, since PGlite and chDB each belong to one process.
 */
async function main(): Promise<void> {
  const table = process.argv[2];
  const projection = PROJECTIONS.find((candidate) => candidate.table === table);
  if (projection === undefined) {
    throw new Error(
      `Name a projection table: ${PROJECTIONS.map((candidate) => candidate.table).join(', ')}`,
    );
  }
  const config = loadConfig();
  const analytics = await AnalyticsClient.open(analyticsOptionsOf(config));
  await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
  const viaKafka = config.kafkaBrokers.length > 0;
  let store: EventStore | undefined;
  let source: EventSource;
  if (viaKafka) {
    const kafka = createKafka({
      brokers: config.kafkaBrokers,
      clientId: `${config.kafkaClientId}-rebuild`,
      topic: config.kafkaTopic,
      partitions: config.kafkaTopicPartitions,
    });
    source = new KafkaEventSource(kafka, {
      topic: config.kafkaTopic,
      groupId: `${config.kafkaConsumerGroup}-rebuild-${table}-${Date.now()}`,
      maxBatchSize: config.projectorBatchSize,
    });
  } else {
    store = await openEventStore({
      databaseUrl: config.databaseUrl,
      pgliteDataDir: config.pgliteDataDir,
    });
    source = new StoreTailEventSource(
      store,
      { load: () => Promise.resolve(START_OF_LOG) },
      {
        batchSize: config.projectorBatchSize,
        idleDelayMs: config.pollIntervalMs,
        logger: { error: (details, message) => process.stderr.write(`${message}\n`) },
      },
    );
  }
  try {
    const report = await rebuildProjection({
      analytics,
      projection,
      source,
      sourcePrefix: viaKafka ? `kafka:${config.kafkaTopic}:` : STORE_TAIL_SOURCE,
      deadLetters: new DeadLetterStore(analytics),
      progress: (message, details) =>
        process.stdout.write(`${message} ${JSON.stringify(details)}\n`),
    });
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await store?.close();
    await analytics.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
