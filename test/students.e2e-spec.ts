import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { studentStreamId } from '@junheng/domain';
import { EVENT_STORE } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import { Pseudonymizer } from '@junheng/identity';
import { loadConfig } from '@junheng/platform';
import {
  TEST_IDENTITY_ENV,
  TEST_PSEUDONYM_KEY,
  bearer,
  chdbTestPath,
  uniqueName,
} from '@junheng/testing';
import { registerSchools } from './registered-schools';

/** A student's career over REST and GraphQL: the dropout-and-return story of seed 003. */
describe('student facts end to end', () => {
  let app: INestApplication<App>;
  let pgliteDir: string;
  const clerk = bearer('district-clerk', '44/4403/440311');
  const STUDENT = 'G44031120110315002X';
  const at = { student: STUDENT, schoolCode: '3144031103', districtCode: '440311' };

  beforeAll(async () => {
    pgliteDir = mkdtempSync(join(tmpdir(), 'junheng-students-'));
    app = await createApiApplication(
      loadConfig({
        PGLITE_DATA_DIR: pgliteDir,
        CHDB_DATA_DIR: chdbTestPath(),
        CLICKHOUSE_DATABASE: uniqueName('students'),
        JUNHENG_DEMO_DATA: 'false',
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

  const post = (route: string, body: object) =>
    request(app.getHttpServer())
      .post(`/v1/students/${route}`)
      .set('Authorization', clerk)
      .send(body);

  it('enrols, flags, drops out and brings back a student, refusing what cannot happen', async () => {
    await post('enrolments', { ...at, date: '2024-09-01', grade: 8, entry: 'transfer-in' }).expect(
      201,
    );
    const early = await post('returns', {
      ...at,
      date: '2024-09-10',
      grade: 8,
      means: 'persuasion',
    }).expect(422);
    expect(early.body).toMatchObject({
      rule: 'student.not-dropped-out',
      facts: { status: 'enrolled' },
    });
    await post('risk-flags', { ...at, date: '2024-11-01', reason: 'wavering' }).expect(201);
    const viaGraphql = await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', clerk)
      .send({
        query:
          'mutation ($input: DropOutStudentInput!) { dropOutStudent(input: $input) { eventIds streamVersion } }',
        variables: { input: { ...at, date: '2025-03-10', reason: 'work' } },
      })
      .expect(200);
    expect(viaGraphql.body.data.dropOutStudent.streamVersion).toBe(3);
    const elsewhere = await post('suspensions', {
      ...at,
      schoolCode: '3144031104',
      date: '2025-03-11',
    }).expect(422);
    expect(elsewhere.body.rule).toBe('student.not-at-school');
    await post('returns', { ...at, date: '2025-09-01', grade: 8, means: 'persuasion' }).expect(201);
    const graduation = await post('graduations', { ...at, date: '2025-09-02' }).expect(422);
    expect(graduation.body).toMatchObject({
      rule: 'student.not-in-final-grade',
      facts: { grade: 8 },
    });
    const invalid = await post('dropouts', {
      ...at,
      student: '12345',
      date: '2025-09-03',
      reason: 'work',
    }).expect(400);
    expect(invalid.body.errors).toEqual([
      { field: 'student', reason: 'student must be a 学籍号 (G + 18-character ID number)' },
    ]);

    const pseudonym = new Pseudonymizer(
      Buffer.from(TEST_PSEUDONYM_KEY, 'base64'),
      'k1',
    ).pseudonymize('student', STUDENT);
    const stream = await app.get<EventStore>(EVENT_STORE).readStream(studentStreamId(pseudonym));
    expect(stream.map((event) => event.type)).toEqual([
      'StudentEnrolled',
      'StudentFlaggedAtRisk',
      'StudentDroppedOut',
      'StudentReturned',
    ]);
    expect(stream[3]!.data).toMatchObject({
      droppedOutOn: '2025-03-10',
      daysOut: 175,
      means: 'persuasion',
    });
    expect(JSON.stringify(stream)).not.toContain('44031120110315002');
  });
});
