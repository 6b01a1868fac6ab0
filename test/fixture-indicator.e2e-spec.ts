import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { buildGraphqlSchema } from '../apps/api/src/graphql/graphql-schema';
import { buildOpenApiDocument } from '../apps/api/src/openapi/openapi-document';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, bearer, eventually } from '@junheng/testing';
import { registerSchools } from './registered-schools';
import { TOPOLOGIES } from './topologies';

/**
 * "Adding an indicator is one file and one catalogue line" (issue 15): this file's catalogue is
 * the product's with one line more, the fixture indicator of ./fixture-indicator (one file).
 * Nothing else is edited, and the indicator must appear over REST, GraphQL, OpenAPI and the
 * GraphQL schema, with its figures computed and judged.
 */
jest.mock('../libs/analytics/src/indicators/catalogue', () => {
  const product = jest.requireActual<typeof import('../libs/analytics/src/indicators/catalogue')>(
    '../libs/analytics/src/indicators/catalogue',
  );
  const { exchangeAttendanceIndicator } = jest.requireActual<
    typeof import('./fixture-indicator/exchange-attendance.indicator')
  >('./fixture-indicator/exchange-attendance.indicator');
  const INDICATORS = {
    ...product.INDICATORS,
    'exchange-attendance': exchangeAttendanceIndicator, // the one catalogue line
  };
  return { ...product, INDICATORS, INDICATOR_NAMES: Object.keys(INDICATORS) };
});

const clerk = bearer('district-clerk', '44/4403/440311');
const exchange = (attendees: number, date: string) => ({
  districtCode: '440311',
  hostSchoolCode: '3144031102',
  visitingSchoolCode: '3144030503',
  kind: 'demonstration',
  subject: 'mathematics',
  date,
  attendees,
});

const embedded = TOPOLOGIES.find((topology) => !topology.viaKafka)!;

describe('an indicator added to the catalogue as a fixture', () => {
  let app: INestApplication<App>;
  let cleanUp: () => Promise<void>;

  beforeAll(async () => {
    const prepared = await embedded.environment();
    cleanUp = prepared.cleanUp;
    app = await createApiApplication(
      loadConfig({ ...prepared.env, ...TEST_IDENTITY_ENV, JUNHENG_DEMO_DATA: 'false' }),
    );
    await app.init();
    await registerSchools(app);
    for (const [attendees, date] of [
      [12, '2024-10-15'],
      [4, '2024-10-20'],
      [30, '2024-11-02'],
    ] as const)
      await request(app.getHttpServer())
        .post('/v1/lesson-exchanges')
        .set('Authorization', clerk)
        .send(exchange(attendees, date))
        .expect(201);
  });

  afterAll(async () => {
    await app?.close();
    await cleanUp?.();
  });

  it('is described by the catalogue over REST and GraphQL', async () => {
    const rest = await request(app.getHttpServer())
      .get('/v1/indicators')
      .set('Authorization', clerk)
      .expect(200);
    expect(rest.body).toContainEqual(
      expect.objectContaining({
        name: 'exchange-attendance',
        title: '交流课平均听课人次',
        family: 'pairing',
        grains: ['district', 'city', 'province'],
      }),
    );
    const graphql = await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', clerk)
      .send({ query: '{ indicatorCatalogue { name title } }' })
      .expect(200);
    expect(graphql.body.data.indicatorCatalogue).toContainEqual({
      name: 'EXCHANGE_ATTENDANCE',
      title: '交流课平均听课人次',
    });
  });

  it('answers its figures over REST, judged by its own verdict', async () => {
    const october = await eventually(async () => {
      const response = await request(app.getHttpServer())
        .get('/v1/indicators/exchange-attendance/figures')
        .set('Authorization', clerk)
        .query({ area: '440311', schoolYear: 2024, month: 10 })
        .expect(200);
      const body = response.body as { figures: unknown[] };
      expect(body.figures).toHaveLength(1);
      return body;
    });
    expect(october).toMatchObject({ indicator: 'exchange-attendance', grain: 'district' });
    expect(october.figures[0]).toMatchObject({
      unit: '440311',
      value: 8,
      valueUnit: 'ratio',
      measures: { exchanges: 2, attendees: 16, average: 8 },
      breaches: true,
      rules: ['few-attendees'],
    });
    const year = await request(app.getHttpServer())
      .get('/v1/indicators/exchange-attendance/figures')
      .set('Authorization', clerk)
      .query({ area: '440311', schoolYear: 2024 })
      .set('Accept', 'text/csv')
      .expect(200);
    expect(year.text.split('\n')[1]).toContain('440311');
    expect(year.text).toContain('exchange-attendance');
  });

  it('answers over GraphQL and takes its place in the scorecard', async () => {
    const response = await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', clerk)
      .send({
        query: `{ area(code: "440311") {
          indicator(indicator: EXCHANGE_ATTENDANCE, schoolYear: 2024) { figures { unit value breaches } }
          scorecard(schoolYear: 2024) { indicators { indicator figures { value } } }
        } }`,
      })
      .expect(200);
    expect(response.body.errors).toBeUndefined();
    const area = response.body.data.area;
    expect(area.indicator.figures).toEqual([
      { unit: '440311', value: (12 + 4 + 30) / 3, breaches: false },
    ]);
    const card = (area.scorecard.indicators as { indicator: string; figures: unknown[] }[]).find(
      (result) => result.indicator === 'EXCHANGE_ATTENDANCE',
    );
    expect(card?.figures).toEqual([{ value: (12 + 4 + 30) / 3 }]);
  });

  it('is named in the OpenAPI document and the GraphQL schema', async () => {
    const document = buildOpenApiDocument(app);
    const figures = document.paths['/v1/indicators/{indicator}/figures']?.get;
    const parameter = figures?.parameters?.find(
      (candidate) => 'name' in candidate && candidate.name === 'indicator',
    );
    expect(JSON.stringify(parameter)).toContain('exchange-attendance');
    const schema = await buildGraphqlSchema();
    expect(schema).toMatch(/enum IndicatorName \{[^}]*EXCHANGE_ATTENDANCE/);
  });
});
