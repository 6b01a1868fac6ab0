import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { canonicalJson } from '../apps/api/src/commands/canonical-json';
import { CommandKeys } from '../apps/api/src/commands/command-keys';
import { ANALYTICS_CLIENT } from '@junheng/analytics';
import type { AnalyticsClient } from '@junheng/analytics';
import { Pseudonymizer } from '@junheng/identity';
import { deterministicEventId } from '@junheng/event-store';
import { createKafka } from '@junheng/messaging';
import { loadConfig } from '@junheng/platform';
import {
  TEST_IDENTITY_ENV,
  TEST_PSEUDONYM_KEY,
  bearer,
  chdbTestPath,
  createTestDatabase,
  describeWith,
  eventually,
  kafkaBrokers,
  uniqueName,
} from '@junheng/testing';
import { registerSchools } from './registered-schools';
import { TEST_SCHOOLS } from './fixture-schools';

// Two teachers' ID numbers (身份证号), one with the X check digit.
const TEACHER_A = '44031119850715002X';
const TEACHER_B = '440311198803120031';
// A student's 学籍号: G and the ID number.
const STUDENT = 'G44031120110315002X';
const RAW_FORMS = [
  TEACHER_A,
  TEACHER_A.toLowerCase(),
  TEACHER_B,
  '4403111985071500',
  '4403111988031200',
  STUDENT,
  '44031120110315002',
];

function containsRaw(text: string): string[] {
  return RAW_FORMS.filter((raw) => text.includes(raw));
}

/**
 * Personal identifiers are pseudonymised at the API edge: after commands that carry them over
 * REST and GraphQL — accepted, rejected by a rule, out of scope, malformed — no raw identifier
 * is in PostgreSQL (events, audit), on Kafka, in ClickHouse or in the logs, and the pseudonym
 * is (so the search is not vacuous).
 */
describeWith(['PostgreSQL', 'Kafka'], 'personal data stays out of every store', () => {
  let app: INestApplication<App>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let logDir: string;
  let topic: string;
  const pseudonymizer = new Pseudonymizer(Buffer.from(TEST_PSEUDONYM_KEY, 'base64'), 'k1');
  const clerk = bearer('district-clerk', '44/4403/440311');
  const rotation = {
    fromDistrictCode: '440311',
    fromSchoolCode: '3144031101',
    toDistrictCode: '440311',
    toSchoolCode: '3144031104',
    kind: 'supported-teaching',
    subject: 'mathematics',
    backbone: true,
    startDate: '2024-09-01',
    plannedEndDate: '2025-07-15',
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    logDir = mkdtempSync(join(tmpdir(), 'junheng-logs-'));
    topic = uniqueName('personal.events');
    app = await createApiApplication(
      loadConfig({
        DATABASE_URL: database.url,
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_TOPIC: topic,
        KAFKA_TOPIC_PARTITIONS: '2',
        KAFKA_CONSUMER_GROUP: uniqueName('personal-projector'),
        CHDB_DATA_DIR: chdbTestPath(),
        CLICKHOUSE_DATABASE: uniqueName('personal'),
        JUNHENG_POLL_INTERVAL_MS: '20',
        // The most talkative level: whatever is logged anywhere must still be clean.
        LOG_LEVEL: 'debug',
        LOG_FILE: join(logDir, 'junheng.log'),
        ...TEST_IDENTITY_ENV,
      }),
    );
    await app.init();
    await registerSchools(app);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('carries only pseudonyms from the API to PostgreSQL, Kafka, ClickHouse and the logs', async () => {
    const server = app.getHttpServer();
    await request(server)
      .post('/v1/teacher-rotations')
      .set('Authorization', clerk)
      .send({ ...rotation, teacher: TEACHER_A })
      .expect(201);
    // The same teacher again: refused by the one-active-rotation rule, facts without the id.
    const again = await request(server)
      .post('/v1/teacher-rotations')
      .set('Authorization', clerk)
      .send({ ...rotation, teacher: TEACHER_A.toLowerCase() })
      .expect(422);
    expect(again.body.rule).toBe('teacher-rotation.already-active');
    // Out of scope, and malformed: refused before anything is stored.
    await request(server)
      .post('/v1/teacher-rotations')
      .set('Authorization', clerk)
      .send({
        ...rotation,
        teacher: TEACHER_B,
        fromDistrictCode: '440305',
        fromSchoolCode: '3144030501',
      })
      .expect(403);
    const malformed = await request(server)
      .post('/v1/teacher-rotations')
      .set('Authorization', clerk)
      .send({ ...rotation, teacher: TEACHER_B, startDate: 'tomorrow' })
      .expect(400);
    expect(containsRaw(JSON.stringify(malformed.body))).toEqual([]);
    // Over GraphQL.
    const viaGraphql = await request(server)
      .post('/graphql')
      .set('Authorization', clerk)
      .send({
        query:
          'mutation ($input: StartTeacherRotationInput!) { startTeacherRotation(input: $input) { eventIds } }',
        variables: { input: { ...rotation, teacher: TEACHER_B, toSchoolCode: '3144031103' } },
      })
      .expect(200);
    expect(viaGraphql.body.errors).toBeUndefined();
    await request(server)
      .post('/v1/teacher-rotations/end')
      .set('Authorization', clerk)
      .send({ teacher: TEACHER_A, endDate: '2024-12-20' })
      .expect(201);

    // A student enrolled over REST, dropped out over GraphQL; a report out of order refused.
    const student = { student: STUDENT, schoolCode: '3144031101', districtCode: '440311' };
    await request(server)
      .post('/v1/students/enrolments')
      .set('Authorization', clerk)
      .send({ ...student, date: '2024-09-01', grade: 1, entry: 'new-entrant' })
      .expect(201);
    const dropout = await request(server)
      .post('/graphql')
      .set('Authorization', clerk)
      .send({
        query:
          'mutation ($input: DropOutStudentInput!) { dropOutStudent(input: $input) { eventIds } }',
        variables: { input: { ...student, date: '2025-03-10', reason: 'work' } },
      })
      .expect(200);
    expect(dropout.body.errors).toBeUndefined();
    await request(server)
      .post('/v1/students/returns')
      .set('Authorization', clerk)
      .send({ ...student, date: '2025-03-01', grade: 7, means: 'persuasion' })
      .expect(422);

    const pseudonymA = pseudonymizer.pseudonymize('teacher', TEACHER_A);
    const pseudonymStudent = pseudonymizer.pseudonymize('student', STUDENT);
    const pseudonymB = pseudonymizer.pseudonymize('teacher', TEACHER_B);

    // PostgreSQL: every column of every event and audit row.
    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    let postgresText: string;
    try {
      const events = await pg.query<{ row: string }>('SELECT e::text AS row FROM events e');
      const audit = await pg.query<{ row: string }>('SELECT a::text AS row FROM audit_log a');
      // The five facts reported, after the registrations of the schools they name.
      expect(events.rows.filter((row) => !row.row.includes(',SchoolRegistered,'))).toHaveLength(5);
      expect(audit.rows.length).toBeGreaterThanOrEqual(6);
      postgresText = [...events.rows, ...audit.rows].map((row) => row.row).join('\n');
    } finally {
      await pg.end();
    }
    expect(containsRaw(postgresText)).toEqual([]);
    expect(postgresText).toContain(pseudonymA);
    expect(postgresText).toContain(pseudonymB);
    expect(postgresText).toContain(pseudonymStudent);

    // Kafka: keys, values and headers of everything on the topic.
    const kafka = createKafka(
      { brokers: kafkaBrokers(), clientId: 'personal-data-test', topic, partitions: 2 },
      { warn: () => undefined, error: () => undefined },
    );
    const consumer = kafka.consumer({ groupId: uniqueName('personal-reader') });
    const messages: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    try {
      // The five facts and the registrations of the test schools they name.
      await eventually(() => expect(messages).toHaveLength(5 + TEST_SCHOOLS.length), {
        timeoutMs: 30_000,
      });
    } finally {
      await consumer.disconnect();
    }
    const kafkaText = messages
      .map((message) =>
        [
          message.key?.toString() ?? '',
          message.value?.toString() ?? '',
          ...Object.values(message.headers ?? {}).map((header) => String(header)),
        ].join('|'),
      )
      .join('\n');
    expect(containsRaw(kafkaText)).toEqual([]);
    expect(kafkaText).toContain(pseudonymA);
    expect(kafkaText).toContain(pseudonymStudent);

    // ClickHouse: every column of the raw event table once the projector has caught up.
    const analytics = app.get<AnalyticsClient>(ANALYTICS_CLIENT);
    const rows = await eventually(
      async () => {
        const found = await analytics.query<Record<string, unknown>>(
          "SELECT * FROM {db:Identifier}.events FINAL WHERE type LIKE 'TeacherRotation%' OR type LIKE 'Student%'",
        );
        expect(found).toHaveLength(5);
        return found;
      },
      { timeoutMs: 30_000 },
    );
    const clickhouseText = JSON.stringify(rows);
    expect(containsRaw(clickhouseText)).toEqual([]);
    expect(clickhouseText).toContain(pseudonymB);
    expect(clickhouseText).toContain(pseudonymStudent);

    // Logs: everything written at debug level.
    const logs = readFileSync(join(logDir, 'junheng.log'), 'utf8');
    expect(logs).toContain('request completed');
    expect(containsRaw(logs)).toEqual([]);
  });

  it('derives no stored key or id from personal data without the key (import rows included)', async () => {
    // Three rows of a 学籍 export: keyed by content, by the 学籍号 itself (the worst a school's
    // software could do), and by a row number.
    const numbers = ['G44031120120101003X', 'G440311201201020041', 'G440311201201030057'];
    const rows = numbers.map((student, index) => ({
      ...(index === 1 ? { rowKey: student } : index === 2 ? { rowKey: 'row-3' } : {}),
      event: 'enrolment',
      student,
      schoolCode: '3144031102',
      districtCode: '440311',
      date: '2024-09-01',
      grade: 7,
      entry: 'new-entrant',
    }));
    const report = await request(app.getHttpServer())
      .post('/v1/imports/student-records')
      .set('Authorization', clerk)
      .set('Content-Type', 'application/x-ndjson')
      .send(rows.map((row) => JSON.stringify(row)).join('\n'))
      .expect(200);
    expect(report.body).toMatchObject({ accepted: 3, rejected: 0 });

    // What anyone could compute from the rows without the pseudonymisation key: the raw
    // identifiers and keys, their plain digests, the old content key, and the UUIDv5 event ids
    // of every such key.
    const sha256 = (text: string, encoding: 'hex' | 'base64url') =>
      createHash('sha256').update(text).digest(encoding);
    const guessedKeys = rows.flatMap((row) => {
      const { rowKey, ...content } = row as { rowKey?: string } & Record<string, unknown>;
      const oldContentKey = sha256(
        `student-records\n${JSON.stringify(
          Object.keys(row)
            .sort()
            .map((name) => [name, (row as Record<string, unknown>)[name]]),
        )}`,
        'base64url',
      );
      return [
        String(row.student),
        ...(rowKey === undefined ? [] : [rowKey, `import:student-records:${rowKey}`]),
        oldContentKey,
        `import:student-records:${oldContentKey}`,
        `import:student-records:content:${canonicalJson(content)}`,
        sha256(String(row.student), 'hex'),
        sha256(String(row.student), 'base64url'),
      ];
    });
    const guesses = new Set([
      ...guessedKeys,
      ...guessedKeys.flatMap((key) => [0, 1].map((index) => deterministicEventId(key, index))),
    ]);

    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    let stored: Array<{
      event_id: string;
      command_id: string;
      idempotency_key: string;
      stream_id: string;
    }>;
    let claims: Array<{ idempotency_key: string; request_fingerprint: string }>;
    try {
      stored = (
        await pg.query(
          `SELECT event_id::text, command_id, idempotency_key, stream_id FROM events
           WHERE type = 'StudentEnrolled' AND actor = $1 AND district_code = '440311'
             AND data->>'schoolCode' = '3144031102'`,
          ['district-clerk@44/4403/440311'],
        )
      ).rows;
      claims = (
        await pg.query(
          'SELECT idempotency_key, request_fingerprint FROM idempotency_keys WHERE idempotency_key = ANY($1)',
          [stored.map((row) => row.idempotency_key)],
        )
      ).rows;
    } finally {
      await pg.end();
    }
    expect(stored).toHaveLength(3);
    expect(claims).toHaveLength(3);
    const storedValues = [
      ...stored.flatMap((row) => [
        row.event_id,
        row.command_id,
        row.idempotency_key,
        row.stream_id,
      ]),
      ...claims.flatMap((claim) => [claim.idempotency_key, claim.request_fingerprint]),
    ];
    for (const value of storedValues) {
      expect(guesses.has(value)).toBe(false);
      for (const number of numbers) expect(value).not.toContain(number.slice(1, 17));
    }

    // With the key, every stored key and id is reproduced: the check above is not vacuous.
    const keys = app.get(CommandKeys);
    const caller = {
      subject: 'district-clerk@44/4403/440311',
      role: 'district-clerk' as const,
      scope: { level: 'district' as const, province: '44', city: '4403', district: '440311' },
      via: 'jwt' as const,
    };
    const expected = rows.map((row) => {
      const { rowKey, ...content } = row as { rowKey?: string } & Record<string, unknown>;
      const key = keys.of({
        idempotency: {
          key:
            rowKey === undefined
              ? `import:student-records:content:${canonicalJson(content)}`
              : `import:student-records:${rowKey}`,
          action: 'import student-records',
          body: content,
        },
        correlationId: null,
        caller,
      });
      return { key: key.key, eventId: deterministicEventId(key.key, 0) };
    });
    expect(stored.map((row) => row.idempotency_key).sort()).toEqual(
      expected.map((row) => row.key).sort(),
    );
    expect(stored.map((row) => row.event_id).sort()).toEqual(
      expected.map((row) => row.eventId).sort(),
    );

    // And Kafka carries the same opaque ids, never a derivable one.
    const kafka = createKafka(
      { brokers: kafkaBrokers(), clientId: 'derived-ids-test', topic, partitions: 2 },
      { warn: () => undefined, error: () => undefined },
    );
    const consumer = kafka.consumer({ groupId: uniqueName('derived-ids-reader') });
    const messages: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    try {
      await eventually(
        () => {
          const ids = messages.map((message) => String(message.headers?.['junheng-event-id']));
          for (const row of expected) expect(ids).toContain(row.eventId);
        },
        { timeoutMs: 30_000 },
      );
    } finally {
      await consumer.disconnect();
    }
    const onKafka = messages.flatMap((message) => [
      message.key?.toString() ?? '',
      String(message.headers?.['junheng-event-id'] ?? ''),
    ]);
    for (const value of onKafka) expect(guesses.has(value)).toBe(false);
  });
});
