import { Kafka, logLevel } from 'kafkajs';
import type { Admin, ITopicConfig, LogEntry } from 'kafkajs';

export interface KafkaOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor?: number;
}

export interface KafkaLogSink {
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export function createKafka(options: KafkaOptions, logSink?: KafkaLogSink): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      logSink === undefined
        ? undefined
        : () =>
            ({ level, log }: LogEntry) => {
              const { message, ...details } = log;
              if (level <= logLevel.ERROR) logSink.error({ kafka: details }, String(message));
              else logSink.warn({ kafka: details }, String(message));
            },
  });
}

/**
 * The event topic: partitioned by stream id, kept forever (the log is replayed to rebuild
 * projections), so retention is infinite by time and by size.
 */
export function eventTopicConfig(options: KafkaOptions): ITopicConfig {
  return {
    topic: options.topic,
    numPartitions: options.partitions,
    replicationFactor: options.replicationFactor ?? 1,
    configEntries: [
      { name: 'retention.ms', value: '-1' },
      { name: 'retention.bytes', value: '-1' },
      { name: 'cleanup.policy', value: 'delete' },
    ],
  };
}

/** Creates the event topic if it does not exist; returns whether it created it. */
export async function ensureEventTopic(kafka: Kafka, options: KafkaOptions): Promise<boolean> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (existing.includes(options.topic)) return false;
    return await admin.createTopics({ topics: [eventTopicConfig(options)], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}
