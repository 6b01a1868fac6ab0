import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, bearer, chdbTestPath, eventually, uniqueName } from '@junheng/testing';

/**
 * A school that moved from Guangming (440311) to Nanshan (440305) on 2025-01-01: its past stays
 * Guangming's, its present is Nanshan's — for attribution and for who may report it.
 */
describe('the effective-dated school hierarchy', () => {
  let app: INestApplication<App>;
  let pgliteDir: string;
  const SCHOOL = '3144031109';
  const admin = bearer('province-admin', '44');
  const guangming = bearer('district-clerk', '44/4403/440311');
  const nanshan = bearer('district-clerk', '44/4403/440305');

  beforeAll(async () => {
    pgliteDir = mkdtempSync(join(tmpdir(), 'junheng-hierarchy-'));
    app = await createApiApplication(
      loadConfig({
        PGLITE_DATA_DIR: pgliteDir,
        CHDB_DATA_DIR: chdbTestPath(),
        CLICKHOUSE_DATABASE: uniqueName('hierarchy'),
        JUNHENG_DEMO_DATA: 'false',
        JUNHENG_POLL_INTERVAL_MS: '20',
        LOG_LEVEL: 'warn',
        ...TEST_IDENTITY_ENV,
      }),
    );
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    rmSync(pgliteDir, { recursive: true, force: true });
  });

  const exchange = (auth: string, date: string, districtCode: string) =>
    request(app.getHttpServer()).post('/v1/lesson-exchanges').set('Authorization', auth).send({
      districtCode,
      hostSchoolCode: SCHOOL,
      visitingSchoolCode: '3144030501',
      kind: 'demonstration',
      subject: 'mathematics',
      date,
      attendees: 20,
    });

  it('registers the school and moves it (REST and GraphQL), refusing clerks outside its scope', async () => {
    await request(app.getHttpServer())
      .post('/v1/schools')
      .set('Authorization', guangming)
      .send({
        schoolCode: SCHOOL,
        name: '光明区凤凰小学',
        districtCode: '440311',
        urbanRuralCode: '220',
        level: 'primary',
        weak: true,
        registeredOn: '2010-09-01',
      })
      .expect(201);
    // A Nanshan clerk may not move a Guangming school, nor a Guangming clerk move it into Nanshan.
    for (const auth of [nanshan, guangming]) {
      await request(app.getHttpServer())
        .post('/v1/schools/district-moves')
        .set('Authorization', auth)
        .send({ schoolCode: SCHOOL, toDistrictCode: '440305', effectiveOn: '2025-01-01' })
        .expect(403);
    }
    const moved = await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', admin)
      .send({
        query:
          'mutation { moveSchoolToDistrict(input: { schoolCode: "3144031109", toDistrictCode: "440305", effectiveOn: "2025-01-01" }) { eventIds } }',
      })
      .expect(200);
    expect(moved.body.errors).toBeUndefined();
    expect(moved.body.data.moveSchoolToDistrict.eventIds).toHaveLength(1);
  });

  it('attributes each fact to the district that held the school on its date', async () => {
    await exchange(guangming, '2024-10-15', '440311').expect(201);
    const wrongDistrict = await exchange(guangming, '2025-02-10', '440311').expect(422);
    expect(wrongDistrict.body).toMatchObject({
      type: 'urn:junheng:problem:rule:organisation.school-not-in-district',
      facts: {
        schoolCode: SCHOOL,
        date: '2025-02-10',
        districtCode: '440305',
        reportedDistrictCode: '440311',
      },
    });
    // After the move the school is Nanshan's: a Guangming clerk is out of scope...
    await exchange(guangming, '2025-02-10', '440305').expect(403);
    await exchange(nanshan, '2025-02-10', '440305').expect(201);
    // ...and before it, a Nanshan clerk is.
    await exchange(nanshan, '2024-10-20', '440311').expect(403);
    const beforeSchool = await exchange(guangming, '2009-10-20', '440311').expect(422);
    expect(beforeSchool.body.rule).toBe('school.not-yet-registered');

    const indicator = (auth: string, district: string, month: string) =>
      request(app.getHttpServer())
        .get('/v1/indicators/lesson-exchanges')
        .set('Authorization', auth)
        .query({ district, month })
        .expect(200);
    await eventually(async () => {
      expect((await indicator(guangming, '440311', '2024-10')).body).toMatchObject({
        exchanges: 1,
        attendees: 20,
      });
      expect((await indicator(nanshan, '440305', '2025-02')).body).toMatchObject({
        exchanges: 1,
        attendees: 20,
      });
      expect((await indicator(admin, '440311', '2025-02')).body).toMatchObject({ exchanges: 0 });
    });
  });

  it('refuses facts at a school after it closed', async () => {
    const code = '3144031108';
    await request(app.getHttpServer())
      .post('/v1/schools')
      .set('Authorization', guangming)
      .send({
        schoolCode: code,
        name: '村小',
        districtCode: '440311',
        urbanRuralCode: '220',
        level: 'primary',
        weak: true,
        registeredOn: '2000-09-01',
      })
      .expect(201);
    await request(app.getHttpServer())
      .post('/v1/schools/merges')
      .set('Authorization', guangming)
      .send({ schoolCode: code, intoSchoolCode: SCHOOL, effectiveOn: '2023-09-01' })
      .expect(201);
    const after = await request(app.getHttpServer())
      .post('/v1/lesson-exchanges')
      .set('Authorization', guangming)
      .send({
        districtCode: '440311',
        hostSchoolCode: code,
        visitingSchoolCode: SCHOOL,
        kind: 'open',
        subject: 'arts',
        date: '2024-03-01',
        attendees: 5,
      })
      .expect(422);
    expect(after.body).toMatchObject({ rule: 'school.closed', facts: { endedOn: '2023-09-01' } });
  });
});
