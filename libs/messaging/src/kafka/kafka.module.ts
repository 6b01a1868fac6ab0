import { Global, Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { HealthRegistry, JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { createKafka, ensureEventTopic } from './kafka-connection';
import type { KafkaOptions } from './kafka-connection';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');

@Injectable()
class KafkaHealth implements OnApplicationShutdown {
  private admin: Admin | undefined;

  constructor(@Inject(KAFKA) kafka: Kafka, health: HealthRegistry) {
    health.register('kafka', async () => {
      this.admin ??= kafka.admin();
      await this.admin.connect();
      await this.admin.describeCluster();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect();
  }
}

export function kafkaOptionsOf(config: JunhengConfig): KafkaOptions {
  return {
    brokers: config.kafkaBrokers,
    clientId: config.kafkaClientId,
    topic: config.kafkaTopic,
    partitions: config.kafkaTopicPartitions,
  };
}

/** Provides the Kafka client, with the event topic created if it was missing. */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        {
          provide: KAFKA_OPTIONS,
          inject: [JUNHENG_CONFIG],
          useFactory: kafkaOptionsOf,
        },
        {
          provide: KAFKA,
          inject: [KAFKA_OPTIONS, PinoLogger],
          useFactory: async (options: KafkaOptions, logger: PinoLogger) => {
            logger.setContext('Kafka');
            const kafka = createKafka(options, logger);
            await ensureEventTopic(kafka, options);
            return kafka;
          },
        },
        KafkaHealth,
      ],
      exports: [KAFKA, KAFKA_OPTIONS],
    };
  }
}
