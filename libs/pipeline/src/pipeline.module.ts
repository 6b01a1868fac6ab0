import { Module } from '@nestjs/common';
import type { DynamicModule, Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { ProjectionWriter } from '@junheng/analytics';
import { EVENT_STORE } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import {
  EVENT_SOURCE,
  KAFKA,
  KafkaEventSource,
  KafkaModule,
  StoreTailEventSource,
} from '@junheng/messaging';
import type { JunhengConfig } from '@junheng/platform';
import { JUNHENG_CONFIG } from '@junheng/platform';
import { ProjectorService } from './projector/projector.service';
import { RelayService } from './relay/relay.service';

const STORE_TAIL_BATCH_SIZE = 2_000;

const kafkaSource: Provider = {
  provide: EVENT_SOURCE,
  inject: [KAFKA, JUNHENG_CONFIG],
  useFactory: (kafka: Kafka, config: JunhengConfig) =>
    new KafkaEventSource(kafka, { topic: config.kafkaTopic, groupId: config.kafkaConsumerGroup }),
};

const storeTailSource: Provider = {
  provide: EVENT_SOURCE,
  inject: [EVENT_STORE, ProjectionWriter, JUNHENG_CONFIG, PinoLogger],
  useFactory: (
    store: EventStore,
    writer: ProjectionWriter,
    config: JunhengConfig,
    logger: PinoLogger,
  ) => {
    logger.setContext(StoreTailEventSource.name);
    return new StoreTailEventSource(
      store,
      { load: (source) => writer.checkpoint(source) },
      { batchSize: STORE_TAIL_BATCH_SIZE, idleDelayMs: config.pollIntervalMs, logger },
    );
  },
};

/**
 * The pipeline from the event store to ClickHouse. With Kafka: the relay publishes the store
 * to the topic and the projector consumes it. Without: the projector tails the store.
 */
@Module({})
export class PipelineModule {
  static forRoot(
    config: JunhengConfig,
    parts: { relay: boolean; projector: boolean } = { relay: true, projector: true },
  ): DynamicModule {
    const viaKafka = config.kafkaBrokers.length > 0;
    const providers: Provider[] = [];
    if (viaKafka && parts.relay) providers.push(RelayService);
    if (parts.projector) providers.push(viaKafka ? kafkaSource : storeTailSource, ProjectorService);
    return {
      module: PipelineModule,
      imports: viaKafka ? [KafkaModule.forRoot()] : [],
      providers,
    };
  }
}
