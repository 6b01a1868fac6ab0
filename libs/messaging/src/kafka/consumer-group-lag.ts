import type { Admin, Kafka } from 'kafkajs';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** Messages on the partition the group has not committed yet. */
  readonly messages: number;
}

export interface PartitionOffsets {
  readonly partition: number;
  /** The log-end offset: where the next message will be written. */
  readonly high: string;
  /** The log-start offset: the oldest message still kept. */
  readonly low: string;
}

export interface CommittedOffset {
  readonly partition: number;
  /** `-1` when the group has committed nothing on the partition yet. */
  readonly offset: string;
}

/**
 * Log-end minus committed offset per partition. A partition the group has not committed on yet
 * counts from its log start, because Junheng's consumer reads from the beginning.
 */
export function partitionLags(
  topic: string,
  logOffsets: readonly PartitionOffsets[],
  committed: readonly CommittedOffset[],
): PartitionLag[] {
  const committedByPartition = new Map(
    committed.map((entry) => [entry.partition, BigInt(entry.offset)]),
  );
  return logOffsets
    .map(({ partition, high, low }) => {
      const done = committedByPartition.get(partition) ?? -1n;
      const from = done < 0n ? BigInt(low) : done;
      const behind = BigInt(high) - from;
      return { topic, partition, messages: Number(behind > 0n ? behind : 0n) };
    })
    .sort((a, b) => a.partition - b.partition);
}

/**
 * Reads a consumer group's lag on one topic through the admin API, as Kafka sees it: it does
 * not ask the group's members, so it still answers when the consumer has crashed.
 */
export class ConsumerGroupLag {
  private admin: Admin | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: { readonly topic: string; readonly groupId: string },
  ) {}

  async read(): Promise<PartitionLag[]> {
    const { topic, groupId } = this.options;
    // No retries of its own: a scrape is retried by the next scrape, not inside this one.
    this.admin ??= this.kafka.admin({ retry: { retries: 0 } });
    await this.admin.connect();
    const [logOffsets, groupOffsets] = await Promise.all([
      this.admin.fetchTopicOffsets(topic),
      this.admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const committed = groupOffsets.find((entry) => entry.topic === topic)?.partitions ?? [];
    return partitionLags(topic, logOffsets, committed);
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
  }
}
