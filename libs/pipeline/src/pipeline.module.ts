import { Module } from '@nestjs/common';
import type { DynamicModule, Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { ProjectionWriter } from '@junheng/analytics';
import { EVENT_STORE, RELAY_CHECKPOINT } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import {
  ConsumerGroupLag,
  EVENT_SOURCE,
  KAFKA,
  KAFKA_OPTIONS,
  KafkaDeadLetterTopic,
  KafkaEventSource,
  KafkaModule,
  StoreTailEventSource,
} from '@junheng/messaging';
import type { KafkaOptions } from '@junheng/messaging';
import type { JunhengConfig } from '@junheng/platform';
import { JUNHENG_CONFIG, MetricsModule } from '@junheng/platform';
import { PIPELINE_PROBES, PipelineMetrics } from './pipeline-metrics';
import type { PipelineProbes } from './pipeline-metrics';
import { ProjectorService } from './projector/projector.service';
import { RelayService } from './relay/relay.service';

const kafkaSource: Provider = {
  provide: EVENT_SOURCE,
  inject: [KAFKA, JUNHENG_CONFIG],
  useFactory: (kafka: Kafka, config: JunhengConfig) =>
    new KafkaEventSource(kafka, {
      topic: config.kafkaTopic,
      groupId: config.kafkaConsumerGroup,
      maxBatchSize: config.projectorBatchSize,
      sessionTimeoutMs: config.kafkaSessionTimeoutMs,
    }),
};

const deadLetterTopic: Provider = {
  provide: KafkaDeadLetterTopic,
  inject: [KAFKA, KAFKA_OPTIONS],
  useFactory: (kafka: Kafka, options: KafkaOptions) => new KafkaDeadLetterTopic(kafka, options),
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
      { batchSize: config.projectorBatchSize, idleDelayMs: config.pollIntervalMs, logger },
    );
  },
};

/** Scrape-time readings of exactly the parts that run in this process. */
function pipelineProbes(parts: {
  relay: boolean;
  consumer: boolean;
  projector: boolean;
}): Provider {
  return {
    provide: PIPELINE_PROBES,
    inject: [EVENT_STORE, ProjectionWriter, JUNHENG_CONFIG, { token: KAFKA, optional: true }],
    useFactory: (
      store: EventStore,
      writer: ProjectionWriter,
      config: JunhengConfig,
      kafka: Kafka | undefined,
    ): PipelineProbes => {
      const consumerLag =
        parts.consumer && kafka !== undefined
          ? new ConsumerGroupLag(kafka, {
              topic: config.kafkaTopic,
              groupId: config.kafkaConsumerGroup,
            })
          : null;
      return {
        relayLag: parts.relay
          ? async () => store.countAfter(await store.loadCheckpoint(RELAY_CHECKPOINT))
          : null,
        consumerLag: consumerLag === null ? null : () => consumerLag.read(),
        watermark: parts.projector ? () => writer.watermark() : null,
        close: async () => consumerLag?.close(),
      };
    },
  };
}

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
    const providers: Provider[] = [
      pipelineProbes({
        relay: viaKafka && parts.relay,
        consumer: viaKafka && parts.projector,
        projector: parts.projector,
      }),
      PipelineMetrics,
    ];
    if (viaKafka && parts.relay) providers.push(RelayService);
    if (parts.projector)
      providers.push(
        ...(viaKafka ? [kafkaSource, deadLetterTopic] : [storeTailSource]),
        ProjectorService,
      );
    return {
      module: PipelineModule,
      imports: [MetricsModule, ...(viaKafka ? [KafkaModule.forRoot()] : [])],
      providers,
      exports: [PipelineMetrics],
    };
  }
}
