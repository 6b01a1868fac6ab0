import { Inject, Injectable } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { EVENT_STORE, OutboxRelay } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import { KAFKA, KAFKA_OPTIONS, KafkaEventPublisher } from '@junheng/messaging';
import type { KafkaOptions } from '@junheng/messaging';
import { HealthRegistry, JUNHENG_CONFIG, PollLoop } from '@junheng/platform';
import { PipelineMetrics } from '../pipeline-metrics';
import type { JunhengConfig } from '@junheng/platform';

const RELAY_BATCH_SIZE = 2_000;

/** Publishes committed events to Kafka in commit order, from its checkpoint in the store. */
@Injectable()
export class RelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly publisher: KafkaEventPublisher;
  private readonly relay: OutboxRelay;
  private readonly loop: PollLoop;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(KAFKA_OPTIONS) options: KafkaOptions,
    @Inject(JUNHENG_CONFIG) config: JunhengConfig,
    health: HealthRegistry,
    private readonly logger: PinoLogger,
    metrics: PipelineMetrics,
  ) {
    logger.setContext(RelayService.name);
    this.publisher = new KafkaEventPublisher(kafka, options.topic);
    this.relay = new OutboxRelay(store, this.publisher, RELAY_BATCH_SIZE);
    this.loop = new PollLoop({
      name: 'relay',
      idleDelayMs: config.pollIntervalMs,
      logger,
      // A failed step throws and is retried by the loop; each step starts from the stored
      // checkpoint, so the failed batch is published again. Another relay holding the lease
      // makes this one idle.
      tick: async () => {
        const progress = await this.relay.step();
        metrics.relayBatch(progress.published);
        if (progress.published > 0) {
          this.logger.debug(
            { published: progress.published, position: progress.position },
            'relayed',
          );
        }
        return progress.published === RELAY_BATCH_SIZE ? 'more' : 'idle';
      },
    });
    health.register('relay', () => {
      if (!this.loop.isRunning) throw new Error('relay is not running');
      if (this.loop.failing) throw new Error('relay is failing to publish');
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    await this.publisher.close();
  }
}
