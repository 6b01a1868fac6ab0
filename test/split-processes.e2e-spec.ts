import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { loadConfig } from '@junheng/platform';
import {
  TEST_IDENTITY_ENV,
  bearer,
  chdbTestPath,
  createTestDatabase,
  describeWith,
  eventually,
  kafkaBrokers,
  uniqueName,
} from '@junheng/testing';
import { registerSchools } from './registered-schools';

/**
 * The server topology's split: an api without the pipeline, and the projector process's module
 * running the relay and the consumer. (Both share one chDB directory here, as they would share
 * a ClickHouse server in production.)
 */
describeWith(['PostgreSQL', 'Kafka'], 'api and projector as separate applications', () => {
  let api: INestApplication<App>;
  let projector: INestApplication<App>;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    dropDatabase = database.drop;
    const config = loadConfig({
      DATABASE_URL: database.url,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC: uniqueName('split.events'),
      KAFKA_TOPIC_PARTITIONS: '2',
      KAFKA_CONSUMER_GROUP: uniqueName('split-projector'),
      CHDB_DATA_DIR: chdbTestPath(),
      CLICKHOUSE_DATABASE: uniqueName('split'),
      JUNHENG_POLL_INTERVAL_MS: '20',
      LOG_LEVEL: 'warn',
      ...TEST_IDENTITY_ENV,
    });
    api = await createApiApplication(config, { withPipeline: false });
    await api.init();
    await registerSchools(api);
    projector = await NestFactory.create(ProjectorModule.forRoot(config), { logger: false });
    await projector.init();
  });

  afterAll(async () => {
    await projector?.close();
    await api?.close();
    await dropDatabase?.();
  });

  it('the api checks only its own dependencies; the projector checks the pipeline', async () => {
    const apiHealth = await request(api.getHttpServer()).get('/health/ready').expect(200);
    expect(Object.keys(apiHealth.body.dependencies as object).sort()).toEqual([
      'analytics',
      'eventStore',
    ]);
    const projectorHealth = await eventually(() =>
      request(projector.getHttpServer()).get('/health/ready').expect(200),
    );
    expect(Object.keys(projectorHealth.body.dependencies as object).sort()).toEqual([
      'analytics',
      'eventStore',
      'kafka',
      'projector',
      'relay',
    ]);
  });

  it('carries a command from the api through the projector process to the indicator', async () => {
    await request(api.getHttpServer())
      .post('/v1/lesson-exchanges')
      .set('Authorization', bearer('district-clerk', '44/4403/440311'))
      .send({
        districtCode: '440311',
        hostSchoolCode: '3144031103',
        visitingSchoolCode: '3144030502',
        kind: 'lecture',
        subject: 'science',
        date: '2024-12-03',
        attendees: 38,
      })
      .expect(201);
    await eventually(async () => {
      const response = await request(api.getHttpServer())
        .get('/v1/indicators/lesson-exchanges')
        .set('Authorization', bearer('dashboard', '44'))
        .query({ district: '440311', month: '2024-12' })
        .expect(200);
      expect(response.body).toMatchObject({ exchanges: 1, attendees: 38 });
    });
  });
});
