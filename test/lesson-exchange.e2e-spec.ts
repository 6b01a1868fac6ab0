import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, bearer, describeWith, eventually, uniqueName } from '@junheng/testing';
import { registerSchools } from './registered-schools';
import { TOPOLOGIES } from './topologies';

// A Guangming (光明区) district clerk reports and reads its own county.
const clerk = bearer('district-clerk', '44/4403/440311');

const exchange = {
  districtCode: '440311',
  hostSchoolCode: '3144031102',
  visitingSchoolCode: '3144030503',
  kind: 'demonstration',
  subject: 'mathematics',
  date: '2024-10-15',
  attendees: 67,
};

for (const topology of TOPOLOGIES) {
  describeWith(topology.engines, `lesson exchanges end to end (${topology.name})`, () => {
    let app: INestApplication<App>;
    let cleanUp: () => Promise<void>;

    beforeAll(async () => {
      const prepared = await topology.environment();
      cleanUp = prepared.cleanUp;
      // The demo province, and what the projector makes of a log written before it started,
      // have a test of their own: demo-data.e2e-spec.ts.
      app = await createApiApplication(loadConfig({ ...prepared.env, ...TEST_IDENTITY_ENV }));
      await app.init();
      await registerSchools(app);
    });

    afterAll(async () => {
      await app?.close();
      await cleanUp?.();
    });

    const indicator = async (month: string) => {
      const response = await request(app.getHttpServer())
        .get('/v1/indicators/lesson-exchanges')
        .set('Authorization', clerk)
        .query({ district: '440311', month })
        .expect(200);
      return response.body as {
        exchanges: number;
        attendees: number;
        freshness: { globalPosition: number; transactionId: number; recordedAt: string | null };
      };
    };

    it('is ready, with every dependency up', async () => {
      const response = await eventually(async () =>
        request(app.getHttpServer()).get('/health/ready').expect(200),
      );
      const expected = topology.engines.includes('Kafka')
        ? ['analytics', 'eventStore', 'kafka', 'projector', 'relay']
        : ['analytics', 'eventStore', 'projector'];
      expect(Object.keys(response.body.dependencies as object).sort()).toEqual(expected);
      await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
    });

    it('records a lesson exchange and shows it in the district indicator', async () => {
      const before = await indicator('2024-10');
      const key = uniqueName('exchange');
      const created = await request(app.getHttpServer())
        .post('/v1/lesson-exchanges')
        .set('Authorization', clerk)
        .set('Idempotency-Key', key)
        .send(exchange)
        .expect(201);
      expect(created.body).toMatchObject({ replayed: false, streamVersion: 1 });
      expect(created.body.eventIds).toHaveLength(1);
      expect(created.body.globalPosition).toEqual(expect.any(Number));

      const after = await eventually(async () => {
        const answer = await indicator('2024-10');
        expect(answer).toMatchObject({
          exchanges: before.exchanges + 1,
          attendees: before.attendees + exchange.attendees,
        });
        // The watermark is read before the figures, so it may lag them, never lead them.
        expect(answer.freshness.globalPosition).toBeGreaterThanOrEqual(
          created.body.globalPosition as number,
        );
        return answer;
      });
      expect(after.freshness.recordedAt).not.toBeNull();

      // The same request again: the original answer, nothing appended, nothing counted twice.
      const retried = await request(app.getHttpServer())
        .post('/v1/lesson-exchanges')
        .set('Authorization', clerk)
        .set('Idempotency-Key', key)
        .send(exchange)
        .expect(201);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect(retried.body).toEqual({ ...created.body, replayed: true });
      await request(app.getHttpServer())
        .post('/v1/lesson-exchanges')
        .set('Authorization', clerk)
        .send({ ...exchange, date: '2024-11-02', attendees: 5 })
        .expect(201);
      await eventually(async () => expect((await indicator('2024-11')).attendees).toBe(5));
      expect(await indicator('2024-10')).toMatchObject({
        exchanges: after.exchanges,
        attendees: after.attendees,
      });
    });

    it('refuses a broken rule and a malformed request with problem details, appending nothing', async () => {
      const before = await indicator('2024-10');
      const sameSchool = await request(app.getHttpServer())
        .post('/v1/lesson-exchanges')
        .set('Authorization', clerk)
        .send({ ...exchange, visitingSchoolCode: exchange.hostSchoolCode })
        .expect(422)
        .expect('content-type', /application\/problem\+json/);
      expect(sameSchool.body).toMatchObject({
        type: 'urn:junheng:problem:rule:lesson-exchange.same-school',
        status: 422,
        rule: 'lesson-exchange.same-school',
        facts: { schoolCode: exchange.hostSchoolCode },
      });

      const invalid = await request(app.getHttpServer())
        .post('/v1/lesson-exchanges')
        .set('Authorization', clerk)
        .send({ ...exchange, districtCode: '4403', attendees: -3 })
        .expect(400);
      expect(invalid.body.type).toBe('urn:junheng:problem:validation');
      const fields = (invalid.body.errors as { field: string }[]).map((error) => error.field);
      expect(fields.sort()).toEqual(['attendees', 'districtCode']);

      const badQuery = await request(app.getHttpServer())
        .get('/v1/indicators/lesson-exchanges')
        .set('Authorization', clerk)
        .query({ district: '440311', month: '2024-13' })
        .expect(400);
      expect(badQuery.body.errors).toEqual([{ field: 'month', reason: 'month must be YYYY-MM' }]);

      // Give the projector a moment's chance to show anything that should not be there.
      await request(app.getHttpServer()).get('/health/ready').expect(200);
      expect(await indicator('2024-10')).toMatchObject({
        exchanges: before.exchanges,
        attendees: before.attendees,
      });
    });
  });
}
