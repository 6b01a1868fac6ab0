import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PinoLogger } from 'nestjs-pino';
import { EVENT_STORE, START_OF_LOG } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import { JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { RecordLessonExchangeCommand } from '../lesson-exchanges/record-lesson-exchange.command';
import { DEMO_LESSON_EXCHANGES } from './demo-data';

/**
 * Fills an empty event store with the demo dataset, through the same commands a clerk sends.
 * Idempotency keys make a half-finished load safe to repeat.
 */
@Injectable()
export class DemoDataLoader implements OnApplicationBootstrap {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(JUNHENG_CONFIG) private readonly config: JunhengConfig,
    private readonly commandBus: CommandBus,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(DemoDataLoader.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoData) return;
    const existing = await this.store.readAll({ after: START_OF_LOG, limit: 1 });
    if (existing.length > 0) return;
    for (const { key, ...exchange } of DEMO_LESSON_EXCHANGES) {
      await this.commandBus.execute(
        new RecordLessonExchangeCommand(exchange, {
          idempotencyKey: key,
          correlationId: 'demo-data',
          caller: null,
          systemActor: 'demo-data',
        }),
      );
    }
    this.logger.info({ lessonExchanges: DEMO_LESSON_EXCHANGES.length }, 'demo data loaded');
  }
}
