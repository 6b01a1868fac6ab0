import type { Consumer, Kafka } from 'kafkajs';
import type { EventEnvelope } from '../envelope/event-envelope';
import { PoisonEventError, decodeEnvelope } from '../envelope/envelope-decoder';
import type { BatchHandler, EventSource, PoisonMessage } from '../event-source.port';

export interface KafkaEventSourceOptions {
  readonly topic: string;
  readonly groupId: string;
  /** Upper bound on events per handler call (kafkajs fetches are split to this size). */
  readonly maxBatchSize?: number;
}

/**
 * A consumer group member. Offsets are committed by hand, right after the handler resolved for
 * the messages they cover, so a crash replays at most the batch in progress.
 */
export class KafkaEventSource implements EventSource {
  readonly kind = 'kafka' as const;
  private readonly consumer: Consumer;
  private crashed = false;
  private running = false;

  constructor(
    kafka: Kafka,
    private readonly options: KafkaEventSourceOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    this.consumer.on(this.consumer.events.CRASH, () => {
      this.crashed = true;
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.crashed = false;
    });
  }

  async start(handler: BatchHandler): Promise<void> {
    const { topic } = this.options;
    const maxBatchSize = this.options.maxBatchSize ?? 5_000;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topic], fromBeginning: true });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        for (let start = 0; start < batch.messages.length; start += maxBatchSize) {
          if (!payload.isRunning() || payload.isStale()) return;
          const slice = batch.messages.slice(start, start + maxBatchSize);
          const events: EventEnvelope[] = [];
          const poison: PoisonMessage[] = [];
          for (const message of slice) {
            try {
              events.push(decodeEnvelope(message.value));
            } catch (error) {
              if (!(error instanceof PoisonEventError)) throw error;
              poison.push({
                reason: error.reason,
                message: error.message,
                origin: `${topic}/${batch.partition}@${message.offset}`,
              });
            }
          }
          const first = slice[0]!.offset;
          const last = slice.at(-1)!.offset;
          const lastEvent = events.at(-1);
          await handler({
            events,
            poison,
            batchId: `kafka:${topic}:${batch.partition}:${first}-${last}`,
            source: `kafka:${topic}:${batch.partition}`,
            position:
              lastEvent === undefined
                ? null
                : {
                    transactionId: lastEvent.transactionId,
                    globalPosition: lastEvent.globalPosition,
                  },
          });
          payload.resolveOffset(last);
          await payload.commitOffsetsIfNecessary({
            topics: [
              {
                topic,
                partitions: [{ partition: batch.partition, offset: String(BigInt(last) + 1n) }],
              },
            ],
          });
          await payload.heartbeat();
        }
      },
    });
  }

  isHealthy(): boolean {
    return this.running && !this.crashed;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
  }
}
