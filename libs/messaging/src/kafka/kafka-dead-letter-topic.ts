import { Partitioners } from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';
import { ensureEventTopic } from './kafka-connection';
import type { KafkaOptions } from './kafka-connection';

/** Headers a dead letter carries beside the original message's own. */
export const DEAD_LETTER_HEADERS = {
  reason: 'junheng-dead-letter-reason',
  detail: 'junheng-dead-letter-detail',
  origin: 'junheng-dead-letter-origin',
  heldBehind: 'junheng-dead-letter-held-behind',
} as const;

export interface DeadLetterMessage {
  readonly key: string | null;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

export const deadLetterTopicOf = (topic: string): string => `${topic}.dead-letter`;

/**
 * `<event topic>.dead-letter`: what the projector could not apply, kept forever like the log,
 * keyed by stream id, with the reason in headers. Acknowledged by all in-sync replicas before
 * the batch's offsets are committed, so a dead letter is never lost (it may be written twice
 * if a crash repeats the batch; the origin header tells the copies apart).
 */
export class KafkaDeadLetterTopic {
  readonly topic: string;
  private readonly producer: Producer;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaOptions,
  ) {
    this.topic = deadLetterTopicOf(options.topic);
    // The same murmur2 partitioner as the event topic: a stream's letters share a partition.
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async publish(letters: readonly DeadLetterMessage[]): Promise<void> {
    if (letters.length === 0) return;
    this.ready ??= this.connect();
    try {
      await this.ready;
    } catch (error) {
      this.ready = undefined;
      throw error;
    }
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map((letter) => ({
        key: letter.key,
        value: letter.value,
        headers: { ...letter.headers },
      })),
    });
  }

  async close(): Promise<void> {
    if (this.ready === undefined) return;
    this.ready = undefined;
    await this.producer.disconnect();
  }

  private async connect(): Promise<void> {
    await ensureEventTopic(this.kafka, { ...this.options, topic: this.topic });
    await this.producer.connect();
  }
}
