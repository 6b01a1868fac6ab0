import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, bearer, chdbTestPath, eventually, uniqueName } from '@junheng/testing';
import { registerSchools } from './registered-schools';

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
    await registerSchools(app);
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

  it('refuses facts about a school never registered, and merges into one that is not open', async () => {
    const unknown = await request(app.getHttpServer())
      .post('/v1/lesson-exchanges')
      .set('Authorization', guangming)
      .send({
        districtCode: '440311',
        hostSchoolCode: '3144031177',
        visitingSchoolCode: SCHOOL,
        kind: 'open',
        subject: 'arts',
        date: '2024-03-01',
        attendees: 5,
      })
      .expect(422);
    expect(unknown.body).toMatchObject({
      type: 'urn:junheng:problem:rule:school.unknown',
      rule: 'school.unknown',
      facts: { schoolCode: '3144031177' },
    });
    const merge = (intoSchoolCode: string) =>
      request(app.getHttpServer())
        .post('/graphql')
        .set('Authorization', guangming)
        .send({
          query: `mutation { mergeSchool(input: { schoolCode: "${SCHOOL}", intoSchoolCode: "${intoSchoolCode}", effectiveOn: "2024-09-01" }) { eventIds } }`,
        })
        .expect(200);
    const intoUnknown = await merge('3144031177');
    expect(intoUnknown.body.errors[0].extensions.problem).toMatchObject({
      rule: 'school.invalid-merge-target',
      facts: { intoSchoolCode: '3144031177', reason: 'unknown' },
    });
    // 3144031108 was merged away in 2023: it cannot absorb another school in 2024.
    const intoClosed = await merge('3144031108');
    expect(intoClosed.body.errors[0].extensions.problem).toMatchObject({
      rule: 'school.invalid-merge-target',
      facts: { reason: 'closed' },
    });
  });

  it('holds lesson exchanges under a pairing to its schools and period', async () => {
    const server = app.getHttpServer();
    // Nanshan's 3144030501 supports Guangming's 3144031101 from September 2024 (seed 004).
    const pairing = {
      pairingId: 'nanshan-guangming-1',
      programme: '百校扶百校',
      supportingSchoolCode: '3144030501',
      supportingDistrictCode: '440305',
      receivingSchoolCode: '3144031101',
      receivingDistrictCode: '440311',
      forms: ['teaching', 'management'],
      startDate: '2024-09-01',
      endDate: '2027-08-31',
    };
    // A Guangming clerk cannot pair with a Nanshan school; the province can.
    await request(server)
      .post('/v1/pairings')
      .set('Authorization', guangming)
      .send(pairing)
      .expect(403);
    await request(server)
      .post('/v1/pairings')
      .set('Authorization', admin)
      .send(pairing)
      .expect(201);
    const under = (change: object) =>
      request(server)
        .post('/v1/lesson-exchanges')
        .set('Authorization', guangming)
        .send({
          districtCode: '440311',
          hostSchoolCode: '3144031101',
          visitingSchoolCode: '3144030501',
          kind: 'joint-preparation',
          subject: 'chinese',
          date: '2024-10-12',
          attendees: 15,
          pairingId: 'nanshan-guangming-1',
          ...change,
        });
    await under({}).expect(201);
    const stranger = await under({ visitingSchoolCode: '3144030502' }).expect(422);
    expect(stranger.body.rule).toBe('lesson-exchange.outside-pairing');
    const early = await under({ date: '2024-08-20' }).expect(422);
    expect(early.body).toMatchObject({
      rule: 'lesson-exchange.outside-pairing-period',
      facts: { startDate: '2024-09-01' },
    });
    await request(server)
      .post('/graphql')
      .set('Authorization', guangming)
      .send({
        query:
          'mutation { endPairing(input: { pairingId: "nanshan-guangming-1", endedOn: "2024-11-01", reason: "merged" }) { eventIds } }',
      })
      .expect(200);
    const after = await under({ date: '2024-11-05' }).expect(422);
    expect(after.body.rule).toBe('lesson-exchange.outside-pairing-period');
    const unknown = await under({ pairingId: 'no-such-pairing' }).expect(422);
    expect(unknown.body.rule).toBe('pairing.unknown');
  });

  it('takes the annual conditions and staffing reports, refusing inconsistent ones', async () => {
    const server = app.getHttpServer();
    await request(server)
      .post('/v1/schools/conditions-reports')
      .set('Authorization', guangming)
      .send({
        schoolCode: SCHOOL,
        schoolYear: 2023,
        reportedOn: '2023-10-08',
        primaryEnrolment: 420,
        juniorEnrolment: 0,
        teachingAuxiliaryAreaM2: 2_100,
        sportsAreaM2: 3_300,
        equipmentValueYuan: 860_000,
        computers: 21,
        books: 12_600,
        networkedMultimediaClassrooms: 10,
      })
      .expect(201);
    const staffing = {
      schoolCode: SCHOOL,
      schoolYear: 2023,
      reportedOn: '2023-10-08',
      fullTimeTeachers: 30,
      aboveQualificationTeachers: 28,
      intermediateTitleTeachers: 12,
      backboneTeachers: 31,
      peArtsTeachers: 4,
      rotationEligibleTeachers: 18,
    };
    const inconsistent = await request(server)
      .post('/v1/schools/staffing-reports')
      .set('Authorization', guangming)
      .send(staffing)
      .expect(422);
    expect(inconsistent.body).toMatchObject({
      rule: 'school.inconsistent-staffing',
      facts: { field: 'backboneTeachers' },
    });
    await request(server)
      .post('/v1/schools/staffing-reports')
      .set('Authorization', guangming)
      .send({ ...staffing, backboneTeachers: 3 })
      .expect(201);
    // For 2025 the school is Nanshan's: a Guangming clerk may no longer report about it.
    await request(server)
      .post('/v1/schools/staffing-reports')
      .set('Authorization', guangming)
      .send({ ...staffing, schoolYear: 2025, reportedOn: '2025-10-08', backboneTeachers: 3 })
      .expect(403);
  });
});
