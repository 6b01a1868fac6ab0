import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { SQL_EXECUTOR } from '@junheng/event-store';
import type { SqlExecutor } from '@junheng/event-store';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, bearer, describeWith, uniqueName } from '@junheng/testing';
import { createApiApplication } from '../apps/api/src/api.factory';
import { TOPOLOGIES } from './topologies';

interface Entry {
  readonly correlationId: string;
  readonly callerSubject: string;
  readonly status: number;
  readonly action: string;
}

const exchange = {
  hostSchoolCode: '4501020001',
  visitingSchoolCode: '4501020002',
  kind: 'lecture',
  subject: 'science',
  date: '2024-10-11',
  attendees: 30,
};

for (const topology of TOPOLOGIES) {
  describeWith(topology.engines, `the audit trail of anonymous attempts (${topology.name})`, () => {
    let app: INestApplication<App>;
    let cleanUp: () => Promise<void>;
    const http = () => request(app.getHttpServer());
    const sent = {
      area: randomUUID(),
      district: randomUUID(),
      guangxi: randomUUID(),
      graphql: randomUUID(),
      body: randomUUID(),
      untargeted: randomUUID(),
      invalidTarget: randomUUID(),
    };

    beforeAll(async () => {
      const prepared = await topology.environment();
      cleanUp = prepared.cleanUp;
      app = await createApiApplication(
        loadConfig({ ...prepared.env, ...TEST_IDENTITY_ENV, JUNHENG_DEMO_DATA: 'false' }),
      );
      await app.init();
      // Anonymous attempts at units of Guangdong (44) and Guangxi (45), and at none.
      await http().get('/v1/areas/440311/scorecard').set('x-correlation-id', sent.area).expect(401);
      await http()
        .get('/v1/indicators/lesson-exchanges')
        .query({ district: '440305', month: '2024-10' })
        .set('x-correlation-id', sent.district)
        .expect(401);
      await http()
        .get('/v1/indicators/lesson-exchanges')
        .query({ district: '450102', month: '2024-10' })
        .set('x-correlation-id', sent.guangxi)
        .expect(401);
      // A request with a body (and every GraphQL request) is refused before its body is read,
      // so nobody anonymous makes the api hold bodies: what the body named is not known.
      await http()
        .post('/v1/lesson-exchanges')
        .set('x-correlation-id', sent.body)
        .send({ ...exchange, districtCode: '450102' })
        .expect(401);
      const graphql = await http()
        .post('/graphql')
        .set('x-correlation-id', sent.graphql)
        .send({ query: '{ area(code: "4403") { code } }' })
        .expect(401);
      expect(graphql.body.type).toBe('urn:junheng:problem:unauthenticated');
      await http().get('/v1/audit').set('x-correlation-id', sent.untargeted).expect(401);
      // A code that names no unit of its own (440300) is no target.
      await http()
        .get('/v1/indicators/lesson-exchanges')
        .query({ district: '440300', month: '2024-10' })
        .set('x-correlation-id', sent.invalidTarget)
        .expect(401);
    });

    afterAll(async () => {
      await app?.close();
      await cleanUp?.();
    });

    const anonymousEntriesFor = async (province: string): Promise<Entry[]> => {
      const response = await http()
        .get('/v1/audit')
        .set('Authorization', bearer('province-admin', province))
        .query({ caller: 'anonymous', limit: 1000 })
        .expect(200);
      const ours = new Set<string>(Object.values(sent));
      return (response.body as { entries: Entry[] }).entries.filter((entry) =>
        ours.has(entry.correlationId),
      );
    };

    it('shows a province’s administrators the anonymous attempts at its own units only', async () => {
      const guangdong = await anonymousEntriesFor('44');
      expect(guangdong.map((entry) => entry.correlationId).sort()).toEqual(
        [sent.area, sent.district].sort(),
      );
      for (const entry of guangdong) expect(entry).toMatchObject({ callerSubject: 'anonymous' });
      expect(guangdong.find((entry) => entry.correlationId === sent.area)).toMatchObject({
        status: 401,
        action: 'GET /v1/areas/:code/scorecard',
      });
      const guangxi = await anonymousEntriesFor('45');
      expect(guangxi.map((entry) => entry.correlationId)).toEqual([sent.guangxi]);
    });

    it('keeps anonymous attempts that name no unit out of every answer, but in the table', async () => {
      for (const province of ['44', '45', '11'])
        expect(
          (await anonymousEntriesFor(province)).map((entry) => entry.correlationId),
        ).not.toContain(sent.untargeted);
      const rows = await app
        .get<SqlExecutor>(SQL_EXECUTOR)
        .query<{ correlation_id: string; target_scope: string | null; caller_subject: string }>(
          'SELECT correlation_id, target_scope, caller_subject FROM audit_log WHERE correlation_id = ANY($1)',
          [
            [
              sent.untargeted,
              sent.invalidTarget,
              sent.district,
              sent.guangxi,
              sent.body,
              sent.graphql,
            ],
          ],
        );
      const target = Object.fromEntries(rows.map((row) => [row.correlation_id, row.target_scope]));
      expect(target).toEqual({
        [sent.untargeted]: null,
        [sent.invalidTarget]: null,
        [sent.body]: null,
        [sent.graphql]: null,
        [sent.district]: '44/4403/440305',
        [sent.guangxi]: '45/4501/450102',
      });
    });

    it('audits an attempt whose body is nested 100,000 deep', async () => {
      const subject = uniqueName('deep-clerk');
      const correlationId = randomUUID();
      const depth = 100_000;
      const body = `{"districtCode":"440311","x":${'{"x":'.repeat(depth)}1${'}'.repeat(depth)}}`;
      const response = await http()
        .post('/v1/lesson-exchanges')
        .set('Authorization', bearer('district-clerk', '44/4403/440311', subject))
        .set('Content-Type', 'application/json')
        .set('x-correlation-id', correlationId)
        .send(body);
      expect(response.status).toBeGreaterThanOrEqual(400);
      const trail = await http()
        .get('/v1/audit')
        .set('Authorization', bearer('province-admin', '44'))
        .query({ caller: subject })
        .expect(200);
      expect((trail.body as { entries: Entry[] }).entries).toEqual([
        expect.objectContaining({
          correlationId,
          action: 'POST /v1/lesson-exchanges',
          status: response.status,
        }),
      ]);
    });
  });
}
