import { Inject, Injectable } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { ProjectionWriter } from '@junheng/analytics';
import { EVENT_SOURCE } from '@junheng/messaging';
import type { EventBatch, EventSource } from '@junheng/messaging';
import { HealthRegistry } from '@junheng/platform';

/** Feeds every batch from the source (Kafka or the store tail) into the ClickHouse projections. */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(EVENT_SOURCE) private readonly source: EventSource,
    private readonly writer: ProjectionWriter,
    health: HealthRegistry,
    private readonly logger: PinoLogger,
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
    for (const poison of batch.poison) {
      // Dead-lettering is issue 5's work; until then a poison message is logged and passed.
      this.logger.error(
        { reason: poison.reason, origin: poison.origin },
        `poison event: ${poison.message}`,
      );
    }
    await this.writer.apply(batch);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.source.stop();
  }
}
