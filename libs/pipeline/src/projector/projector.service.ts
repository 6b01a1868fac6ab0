import { Inject, Injectable, Optional } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { DeadLetterStore, ProjectionWriter } from '@junheng/analytics';
import { DEAD_LETTER_HEADERS, EVENT_SOURCE, KafkaDeadLetterTopic } from '@junheng/messaging';
import type { EventBatch, EventSource } from '@junheng/messaging';
import { HealthRegistry } from '@junheng/platform';
import { routeBatch } from '../dead-letters/dead-letter-routing';
import type { DeadLetter } from '../dead-letters/dead-letter-routing';
import { PipelineMetrics } from '../pipeline-metrics';

/**
 * Feeds every batch from the source (Kafka or the store tail) into the ClickHouse projections.
 * What cannot be applied goes to the dead letters first — the topic (with Kafka) and the
 * `dead_letters` table — then the rest is written; only then does the source acknowledge the
 * batch. A crash anywhere repeats the batch, which the writer and the dead letters absorb.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Streams stopped behind a poison message, with its origin; loaded once per epoch. */
  private held: { epoch: number; streams: Map<string, string> } | undefined;

  constructor(
    @Inject(EVENT_SOURCE) private readonly source: EventSource,
    private readonly writer: ProjectionWriter,
    private readonly deadLetters: DeadLetterStore,
    private readonly metrics: PipelineMetrics,
    health: HealthRegistry,
    private readonly logger: PinoLogger,
    @Optional() private readonly deadLetterTopic?: KafkaDeadLetterTopic,
  ) {
    logger.setContext(ProjectorService.name);
    health.register('projector', () => {
      if (!this.source.isHealthy()) throw new Error(`${this.source.kind} source is not consuming`);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.source.start((batch) => this.apply(batch));
    this.logger.info({ source: this.source.kind }, 'projector started');
  }

  private async apply(batch: EventBatch): Promise<void> {
    if (this.held === undefined || this.held.epoch !== batch.epoch) {
      this.held = { epoch: batch.epoch, streams: await this.deadLetters.heldStreams() };
    }
    // Routing updates the held streams in place; a failed batch must not leave them changed.
    const streams = new Map(this.held.streams);
    const routed = routeBatch(batch.source, batch.messages, streams);
    try {
      if (routed.deadLetters.length > 0) await this.sendToDeadLetters(routed.deadLetters);
      this.metrics.projectorBatch(routed.apply.length);
      await this.writer.apply(
        {
          events: routed.apply,
          batchId: batch.batchId,
          source: batch.source,
          epoch: batch.epoch,
          position: batch.position,
        },
        {
          insertStarted: (table) => this.metrics.timeInsert(table),
          duplicatesSkipped: (count) => this.metrics.duplicatesSkipped(count),
        },
      );
    } catch (error) {
      this.held = undefined;
      throw error;
    }
    this.held.streams = streams;
  }

  private async sendToDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    await this.deadLetterTopic?.publish(
      letters.map((letter) => ({
        key: letter.streamId === '' ? null : letter.streamId,
        value: letter.value,
        headers: {
          ...letter.headers,
          [DEAD_LETTER_HEADERS.reason]: letter.reason,
          [DEAD_LETTER_HEADERS.detail]: letter.detail,
          [DEAD_LETTER_HEADERS.origin]: letter.origin,
          [DEAD_LETTER_HEADERS.heldBehind]: letter.heldBehind,
        },
      })),
    );
    await this.deadLetters.record(letters, new Date());
    for (const letter of letters) {
      this.metrics.deadLettered(letter.reason);
      // The reason and where, never the payload: it may hold pseudonyms of people.
      this.logger.warn(
        { reason: letter.reason, origin: letter.origin, heldBehind: letter.heldBehind || null },
        `dead-lettered: ${letter.detail}`,
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.source.stop();
    await this.deadLetterTopic?.close();
  }
}
