import type { Consumer, Kafka } from 'kafkajs';
import type { KafkaMessage } from 'kafkajs';
import { eventsOf, toSourceMessage } from '../event-source.port';
import type { BatchHandler, EventSource } from '../event-source.port';

export interface KafkaEventSourceOptions {
  readonly topic: string;
  readonly groupId: string;
  /** Upper bound on events per handler call (kafkajs fetches are split to this size). */
  readonly maxBatchSize?: number;
  readonly sessionTimeoutMs?: number;
}

function headersOf(message: KafkaMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(message.headers ?? {}).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(',') : String(value)]],
    ),
  );
}

/**
 * A consumer group member. Offsets are committed by hand, right after the handler resolved for
 * the messages they cover, so a crash replays at most the batch in progress. A rebalance is
 * only joined once the batch in hand is done (kafkajs finishes `eachBatch` first, and a stale
 * batch is abandoned uncommitted); each join starts a new epoch, which tells the writer that
 * another member may have written these partitions meanwhile.
 */
export class KafkaEventSource implements EventSource {
  readonly kind = 'kafka' as const;
  private readonly consumer: Consumer;
  private crashed = false;
  private running = false;
  private epoch = 0;

  constructor(
    kafka: Kafka,
    private readonly options: KafkaEventSourceOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    this.consumer.on(this.consumer.events.CRASH, () => {
      this.crashed = true;
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.crashed = false;
      this.epoch += 1;
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
          const messages = slice.map((message) =>
            toSourceMessage(`${topic}/${batch.partition}@${message.offset}`, {
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? null,
              headers: headersOf(message),
            }),
          );
          const first = slice[0]!.offset;
          const last = slice.at(-1)!.offset;
          const lastEvent = eventsOf({ messages }).at(-1);
          await handler({
            messages,
            batchId: `kafka:${topic}:${batch.partition}:${first}-${last}`,
            source: `kafka:${topic}:${batch.partition}`,
            epoch: this.epoch,
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
