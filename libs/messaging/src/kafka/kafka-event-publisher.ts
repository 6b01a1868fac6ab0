import { CompressionTypes, Partitioners } from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';
import type { RecordedEvent } from '@junheng/event-store';
import { encodeEnvelope } from '../envelope/event-envelope';

/**
 * Publishes events in the order given. One request in flight keeps a partition's order across
 * retries; acks from all in-sync replicas mean an acknowledged batch survives a broker loss.
 * kafkajs's idempotent producer is not used: the consumer side is idempotent instead.
 */
export class KafkaEventPublisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    // The Java client's murmur2 partitioner: other consumers of the topic agree on key → partition.
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async publish(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (!this.connected) {
      await this.producer.connect();
      this.connected = true;
    }
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      compression: CompressionTypes.None,
      messages: events.map(encodeEnvelope),
    });
  }

  async close(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }
}
