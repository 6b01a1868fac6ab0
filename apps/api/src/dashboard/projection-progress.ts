import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { ProjectionWriter } from '@junheng/analytics';
import type { SourceCheckpoint } from '@junheng/analytics';
import {
  EVENT_STORE,
  RELAY_CHECKPOINT,
  START_OF_LOG,
  compareLogPositions,
} from '@junheng/event-store';
import type { EventStore, LogPosition } from '@junheng/event-store';
import { ConsumerGroupLag, KAFKA, createKafka, kafkaOptionsOf } from '@junheng/messaging';
import { JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { RequestValidationException } from '../problem-details/request-validation.exception';
import { ProjectionBehindException } from './dashboard.exceptions';

/** How complete the projection is: every event up to this position is in the figures. */
export interface Freshness {
  readonly transactionId: number;
  readonly globalPosition: number;
  /** When the event at that position was recorded; null before the first event. */
  readonly recordedAt: string | null;
}

/**
 * The freshness, and a version that changes whenever any source applies anything: figures are
 * a function of what each source has applied, so the version stands for them (ETags, live
 * dashboards) even while a lagging partition holds the gap-free watermark still.
 */
export interface ProjectionState {
  readonly freshness: Freshness;
  readonly version: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function versionOf(checkpoints: readonly SourceCheckpoint[], rebuilds: number): string {
  const applied = checkpoints
    .map(
      (checkpoint) =>
        `${checkpoint.source}@${checkpoint.transactionId}.${checkpoint.globalPosition}`,
    )
    .concat(`rebuilds:${rebuilds}`)
    .join(',');
  return createHash('sha256').update(applied).digest('base64url').slice(0, 22);
}

const earlier = (a: LogPosition, b: LogPosition): LogPosition =>
  compareLogPositions(a, b) <= 0 ? a : b;

/**
 * The projection's gap-free watermark, and read-your-writes on it.
 *
 * The store tail applies the log in commit order, so its checkpoint is gap-free. Through Kafka
 * each partition is applied on its own, and the furthest partition says nothing about the
 * others. An event is surely applied when it lies at or below (a) what the relay has published
 * (read first, so it is on the topic by the time partitions are asked) and (b) the checkpoint of
 * every partition the consumer group still lags on; a partition with nothing left to consume
 * holds nothing unapplied. If Kafka's admin API does not answer, every partition counts as
 * lagging: a lower bound, never an overstatement.
 */
@Injectable()
export class ProjectionProgress implements OnApplicationShutdown {
  private readonly consumerLag: ConsumerGroupLag | null;

  constructor(
    private readonly writer: ProjectionWriter,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(JUNHENG_CONFIG) private readonly config: JunhengConfig,
    @Optional() @Inject(KAFKA) kafka?: Kafka,
  ) {
    // An api running apart from the pipeline has no Kafka client of its own: it makes one for
    // the admin API only, which neither blocks the start nor joins the readiness check (reads
    // and commands do not need Kafka; without it the freshness is only more cautious).
    this.consumerLag =
      config.kafkaBrokers.length > 0
        ? new ConsumerGroupLag(kafka ?? createKafka(kafkaOptionsOf(config)), {
            topic: config.kafkaTopic,
            groupId: config.kafkaConsumerGroup,
          })
        : null;
  }

  async state(): Promise<ProjectionState> {
    if (this.config.kafkaBrokers.length === 0) {
      const { checkpoints, rebuilds } = await this.writer.appliedState();
      // The store tail is the one source, in commit order: its checkpoint is gap-free.
      const furthest = checkpoints.reduce<SourceCheckpoint | null>(
        (best, checkpoint) =>
          best === null || compareLogPositions(checkpoint, best) > 0 ? checkpoint : best,
        null,
      );
      return {
        freshness:
          furthest === null
            ? { transactionId: 0, globalPosition: 0, recordedAt: null }
            : {
                transactionId: furthest.transactionId,
                globalPosition: furthest.globalPosition,
                recordedAt: furthest.recordedAt,
              },
        version: versionOf(checkpoints, rebuilds),
      };
    }
    return this.throughKafka();
  }

  async freshness(): Promise<Freshness> {
    return (await this.state()).freshness;
  }

  /**
   * Answers once the projection has applied the event at `minPosition` and everything
   * committed before it; 503 (ProjectionBehindException) when it has not within the timeout.
   */
  async waitFor(minPosition: number | undefined): Promise<ProjectionState> {
    if (minPosition === undefined) return this.state();
    const target = await this.store.positionOf(minPosition);
    if (target === null) {
      throw new RequestValidationException([
        { field: 'minPosition', reason: `no event was recorded at position ${minPosition}` },
      ]);
    }
    const deadline = Date.now() + this.config.readYourWritesTimeoutMs;
    let pause = 10;
    for (;;) {
      const state = await this.state();
      if (compareLogPositions(state.freshness, target) >= 0) return state;
      if (Date.now() >= deadline) throw new ProjectionBehindException(minPosition, state.freshness);
      await sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
      pause = Math.min(pause * 2, 200);
    }
  }

  private async throughKafka(): Promise<ProjectionState> {
    const published = await this.store.loadCheckpoint(RELAY_CHECKPOINT);
    const lagging = await this.laggingPartitions();
    const { checkpoints, rebuilds } = await this.writer.appliedState();
    const bySource = new Map<string, SourceCheckpoint>(
      checkpoints.map((checkpoint) => [checkpoint.source, checkpoint]),
    );
    let complete: LogPosition = published;
    for (const partition of lagging) {
      const source = `kafka:${this.config.kafkaTopic}:${partition}`;
      complete = earlier(complete, bySource.get(source) ?? START_OF_LOG);
    }
    const version = versionOf(checkpoints, rebuilds);
    if (compareLogPositions(complete, START_OF_LOG) <= 0) {
      return { freshness: { transactionId: 0, globalPosition: 0, recordedAt: null }, version };
    }
    const recorded =
      checkpoints.find((checkpoint) => compareLogPositions(checkpoint, complete) === 0)
        ?.recordedAt ?? (await this.store.positionOf(complete.globalPosition))?.recordedAt;
    return {
      freshness: {
        transactionId: complete.transactionId,
        globalPosition: complete.globalPosition,
        recordedAt: recorded ?? null,
      },
      version,
    };
  }

  /** The partitions the projector still has messages to consume on. */
  private async laggingPartitions(): Promise<number[]> {
    const everyPartition = Array.from(
      { length: this.config.kafkaTopicPartitions },
      (_, partition) => partition,
    );
    if (this.consumerLag === null) return everyPartition;
    try {
      const lags = await this.consumerLag.read();
      return lags.filter((lag) => lag.messages > 0).map((lag) => lag.partition);
    } catch {
      return everyPartition;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumerLag?.close();
  }
}
