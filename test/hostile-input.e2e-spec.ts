import { request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { EVENT_STORE, START_OF_LOG } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, bearer } from '@junheng/testing';
import { registerSchools } from './registered-schools';
import { TOPOLOGIES } from './topologies';

/**
 * Issue 13, findings 7 and 13: what a careless or hostile client sends must get a 4xx problem
 * (never a 500), echo nothing that could be personal, append nothing, and be audited. Each
 * case here answered 500, or was silently accepted, before the fixes.
 */
const clerk = bearer('district-clerk', '44/4403/440311');
const admin = bearer('province-admin', '44');

const exchange = {
  districtCode: '440311',
  hostSchoolCode: '3144031101',
  visitingSchoolCode: '3144031102',
  kind: 'demonstration',
  subject: 'mathematics',
  date: '2024-10-15',
  attendees: 40,
};

const PROBLEM = /^application\/problem\+json/;
const IMPORT_MAX_BYTES = 1_000_000;

describe('hostile and careless input (embedded)', () => {
  let app: INestApplication<App>;
  let cleanUp: () => Promise<void>;
  let store: EventStore;

  beforeAll(async () => {
    const prepared = await TOPOLOGIES[0]!.environment();
    cleanUp = prepared.cleanUp;
    app = await createApiApplication(
      loadConfig({
        ...prepared.env,
        ...TEST_IDENTITY_ENV,
        JUNHENG_IMPORT_MAX_BYTES: String(IMPORT_MAX_BYTES),
        JUNHENG_BODY_TIMEOUT_MS: '1500',
      }),
    );
    await app.init();
    await registerSchools(app);
    store = app.get<EventStore>(EVENT_STORE);
  });

  afterAll(async () => {
    await app?.close();
    await cleanUp?.();
  });

  const eventCount = async (): Promise<number> => store.countAfter(START_OF_LOG);

  /** A request as bytes, past supertest (which would re-encode the body or refuse the headers). */
  async function raw(
    path: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<{ status: number; type: string; body: string }> {
    const server = app.getHttpServer() as unknown as Server;
    if (!server.listening) await new Promise<void>((done) => server.listen(0, done));
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          method: body === undefined ? 'GET' : 'POST',
          headers,
          // A connection of its own (no keep-alive agent): each case meets the server fresh.
          agent: false,
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              type: String(response.headers['content-type']),
              body: text,
            }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  /** The answer is a 4xx problem and nothing was appended. */
  async function refused(
    send: () => request.Test | Promise<request.Response>,
    status: number,
  ): Promise<request.Response> {
    const before = await eventCount();
    const response = await send();
    expect({ status: response.status, type: response.headers['content-type'] }).toMatchObject({
      status,
      type: expect.stringMatching(PROBLEM),
    });
    expect(await eventCount()).toBe(before);
    return response;
  }

  const post = (path: string, body: unknown) =>
    request(app.getHttpServer())
      .post(path)
      .set('Authorization', clerk)
      .send(body as object);

  it.each([
    ['NUL', 'math\u0000ematics'],
    ['a lone high surrogate', 'math\ud800'],
    ['a lone low surrogate', '\udc00math'],
  ])('refuses %s in a text field, naming the field', async (_, subject) => {
    const response = await refused(
      () => post('/v1/lesson-exchanges', { ...exchange, subject }),
      400,
    );
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'subject' })]);
  });

  it('refuses NUL in a GraphQL variable, with a problem and no 5xx', async () => {
    const before = await eventCount();
    const response = await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', clerk)
      .send({
        query:
          'mutation ($input: RecordLessonExchangeInput!) { recordLessonExchange(input: $input) { eventIds } }',
        variables: { input: { ...exchange, subject: 'a\u0000b' } },
      });
    expect(response.status).toBeLessThan(500);
    expect(response.body.errors[0].extensions.problem).toMatchObject({ status: 400 });
    expect(await eventCount()).toBe(before);
  });

  it('refuses GraphQL variables of the wrong type with 400, echoing no value', async () => {
    const secret = 'G44031120100101123X';
    const response = await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', clerk)
      .send({
        query:
          'mutation ($input: RecordLessonExchangeInput!) { recordLessonExchange(input: $input) { eventIds } }',
        variables: { input: { ...exchange, attendees: secret } },
      });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).not.toContain(secret);
    expect(response.body.errors[0].extensions.problem).toMatchObject({
      type: 'urn:junheng:problem:validation',
      status: 400,
    });
  });

  it('answers a query literal of the wrong type with a problem that quotes nothing', async () => {
    const secret = 'G44031120100101123X';
    const response = await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', clerk)
      .send({
        query: `mutation { recordLessonExchange(input: { districtCode: "440311", hostSchoolCode: "3144031101", visitingSchoolCode: "3144031102", kind: "open", subject: "x", date: "2024-10-15", attendees: "${secret}" }) { eventIds } }`,
      });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).not.toContain(secret);
    expect(response.body.errors[0].extensions.problem).toMatchObject({
      type: 'urn:junheng:problem:validation',
      status: 400,
    });
    const unreadable = await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', clerk)
      .send({ query: `{ area(code: "${secret}" ` });
    expect(unreadable.status).toBe(400);
    expect(JSON.stringify(unreadable.body)).not.toContain(secret);
    expect(unreadable.body.errors[0].extensions.problem.type).toBe(
      'urn:junheng:problem:malformed-request',
    );
  });

  it('audits GraphQL requests refused before any field ran, with their caller', async () => {
    const caller = bearer('district-clerk', '44/4403/440311', 'clerk-of-graphql');
    await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', caller)
      .send({
        query:
          'mutation ($input: RecordLessonExchangeInput!) { recordLessonExchange(input: $input) { eventIds } }',
        variables: { input: { ...exchange, attendees: 'many' } },
      })
      .expect(400);
    await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', caller)
      .send({ query: '{ area(code: ' })
      .expect(400);
    const audit = await request(app.getHttpServer())
      .get('/v1/audit')
      .set('Authorization', admin)
      .query({ caller: 'clerk-of-graphql' })
      .expect(200);
    expect(
      (audit.body as { entries: Array<{ action: string; status: number; kind: string }> }).entries
        .map((entry) => [entry.action, entry.kind, entry.status])
        .sort(),
    ).toEqual([
      ['graphql mutation recordLessonExchange', 'command', 400],
      ['graphql request (not read)', 'query', 400],
    ]);
  });

  it('refuses a GraphQL request holding more than one mutation, recording none of them', async () => {
    const input = (attendees: number) =>
      `{ districtCode: "440311", hostSchoolCode: "3144031101", visitingSchoolCode: "3144031102", kind: "open", subject: "x", date: "2024-10-15", attendees: ${attendees} }`;
    const before = await eventCount();
    const response = await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', clerk)
      .send({
        query: `mutation { a: recordLessonExchange(input: ${input(1)}) { eventIds } b: recordLessonExchange(input: ${input(2)}) { eventIds } }`,
      });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].extensions.problem).toMatchObject({
      type: 'urn:junheng:problem:validation',
      title: 'One mutation per request',
    });
    expect(await eventCount()).toBe(before);
  });

  it('answers the schema to a caller, but not a hundred aliased copies of it', async () => {
    const ask = (query: string) =>
      request(app.getHttpServer()).post('/graphql').set('Authorization', clerk).send({ query });
    await ask('{ __schema { queryType { name } } }').expect(200);
    const copies = Array.from({ length: 100 }, (_, n) => `s${n}: __schema { types { name } }`);
    const refusedCopies = await ask(`{ ${copies.join(' ')} }`).expect(400);
    expect(refusedCopies.body.errors[0].extensions.problem.type).toBe(
      'urn:junheng:problem:query-too-complex',
    );
  });

  it('refuses JSON nested 100,000 deep, and still audits the attempt (anonymous ones unread)', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    for (const auth of [clerk, null]) {
      const test = request(app.getHttpServer())
        .post('/v1/lesson-exchanges')
        .set('Content-Type', 'application/json');
      if (auth !== null) test.set('Authorization', auth);
      // Anonymous: refused before its body is read (401); a caller's: read and refused (400).
      const response = await refused(
        () => test.send(`{"subject":${deep}}`),
        auth === null ? 401 : 400,
      );
      const correlationId = response.headers['x-correlation-id'] as string;
      const audit = await request(app.getHttpServer())
        .get('/v1/audit')
        .set('Authorization', admin)
        .query({ limit: 50 })
        .expect(200);
      const entries = (audit.body as { entries: Array<{ correlationId: string }> }).entries;
      if (auth !== null)
        expect(entries.map((entry) => entry.correlationId)).toContain(correlationId);
    }
  });

  it('refuses a body that is not valid UTF-8', async () => {
    const { subject: _subject, ...rest } = exchange;
    const body = Buffer.concat([
      Buffer.from(`${JSON.stringify(rest).slice(0, -1)},"subject":"math`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const before = await eventCount();
    const answer = await raw(
      '/v1/lesson-exchanges',
      { Authorization: clerk, 'Content-Type': 'application/json' },
      body,
    );
    expect(answer).toMatchObject({ status: 400, type: expect.stringMatching(PROBLEM) });
    expect(await eventCount()).toBe(before);
    const response = { body: JSON.parse(answer.body) as unknown };
    expect(response.body).toMatchObject({
      type: 'urn:junheng:problem:malformed-request',
      detail: expect.stringContaining('UTF-8'),
    });
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'refuses an unknown field named %s like any other unknown field',
    async (name) => {
      const response = await refused(
        () =>
          request(app.getHttpServer())
            .post('/v1/lesson-exchanges')
            .set('Authorization', clerk)
            .set('Content-Type', 'application/json')
            .send(
              `{${JSON.stringify(name)}:{"polluted":true},${JSON.stringify(exchange).slice(1)}`,
            ),
        400,
      );
      expect(response.body.errors).toEqual([expect.objectContaining({ field: name })]);
    },
  );

  it('names an unknown field only when its name could be a field name (never a 学籍号 sent as a key)', async () => {
    const secret = 'G44031120100101123X';
    const response = await refused(
      () => post('/v1/lesson-exchanges', { ...exchange, [secret]: 1, notes: 'x' }),
      400,
    );
    expect(JSON.stringify(response.body)).not.toContain(secret.slice(1, 17));
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        { field: '(an unknown field)', reason: 'is not a field of this request' },
        { field: 'notes', reason: 'is not a field of this request' },
      ]),
    );
    const nested = await refused(
      () => post('/v1/lesson-exchanges', { ...exchange, [secret]: { subject: 'a\u0000b' } }),
      400,
    );
    expect(JSON.stringify(nested.body)).not.toContain(secret.slice(1, 17));
  });

  it('answers 415 to a command body that is not JSON', async () => {
    const response = await refused(
      () =>
        request(app.getHttpServer())
          .post('/v1/lesson-exchanges')
          .set('Authorization', clerk)
          .set('Content-Type', 'text/plain')
          .send(JSON.stringify(exchange)),
      415,
    );
    expect(response.body.type).toBe('urn:junheng:problem:unsupported-media-type');
  });

  it.each([
    ['/v1/areas/440311/scorecard', { schoolYear: 2024, minPosition: '1e300' }],
    ['/v1/areas/440311/scorecard', { schoolYear: 2024, minPosition: '9007199254740993' }],
    ['/v1/audit', { before: '99999999999999999999' }],
    ['/v1/audit', { caller: '\u0000' }],
    ['/v1/audit', { from: '+275760-09-13T00:00:00.000Z' }],
    ['/v1/areas/440311/scorecard', { schoolYear: 2024, asOf: '+275760-09-13T00:00:00.000Z' }],
    ['/v1/areas/440311/scorecard', { schoolYear: 2024, asOf: '9999-12-31T00:00:00Z' }],
  ])('refuses %s with %j as a 400 problem', async (path, query) => {
    await refused(
      () => request(app.getHttpServer()).get(path).set('Authorization', admin).query(query),
      400,
    );
  });

  it.each([
    ['a huge offset', [1e300, '2024-10-01T00:00:00.000Z']],
    ['an unsafe offset', [2 ** 60, '2024-10-01T00:00:00.000Z']],
    ['a far date', [0, '+275760-09-13T00:00:00.000Z']],
    ['a far year', [0, '9999-12-31T00:00:00.000Z']],
  ])('refuses an event cursor holding %s', async (_, cursor) => {
    const after = Buffer.from(JSON.stringify(cursor)).toString('base64url');
    await refused(
      () =>
        request(app.getHttpServer())
          .get('/v1/indicators/dropout-rate/events')
          .set('Authorization', admin)
          .query({ unit: '440311', schoolYear: 2024, after }),
      400,
    );
  });

  it('reports an import row with NUL, a bad rowKey or a 300 KB line as its own error, importing the rest', async () => {
    const row = (extra: Record<string, unknown>) =>
      JSON.stringify({
        event: 'enrolment',
        student: `G4403112016${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}X`,
        schoolCode: '3144031101',
        districtCode: '440311',
        date: '2024-09-01',
        grade: 1,
        entry: 'new-entrant',
        ...extra,
      });
    const file = [
      row({ rowKey: 'x'.repeat(201) }),
      row({ rowKey: 'nul\u0000key' }),
      row({ entry: 'new\u0000entrant' }),
      row({ padding: 'p'.repeat(300_000) }),
      row({}),
    ].join('\n');
    const response = await request(app.getHttpServer())
      .post('/v1/imports/student-records')
      .set('Authorization', clerk)
      .set('Content-Type', 'application/x-ndjson')
      .send(file)
      .expect(200);
    expect(response.body).toMatchObject({ rows: 5, accepted: 1, rejected: 4 });
    expect(
      (response.body.errors as Array<{ row: number; field?: string; reason: string }>).map(
        (error) => [error.row, error.field ?? error.reason],
      ),
    ).toEqual([
      [1, 'rowKey'],
      [2, 'rowKey'],
      [3, 'entry'],
      [4, 'the line is longer than 65536 bytes'],
    ]);
  });

  it('refuses an import over the size limit: 413 before reading when announced, and when streamed', async () => {
    // Rows refused by validation (no store work), so the test spends its time on the limit.
    const line = (n: number) =>
      JSON.stringify({ event: 'enrolment', note: `row ${n}`.padEnd(100) });
    const lines = Array.from({ length: 10_000 }, (_, n) => line(n));
    const announced = await refused(
      () =>
        request(app.getHttpServer())
          .post('/v1/imports/student-records')
          .set('Authorization', clerk)
          .set('Content-Type', 'application/x-ndjson')
          .send(lines.join('\n')),
      413,
    );
    expect(announced.body).toMatchObject({
      type: 'urn:junheng:problem:payload-too-large',
      maxBytes: IMPORT_MAX_BYTES,
    });
    // Without a Content-Length (chunked), the rows before the limit are imported and reported.
    const streamed = await raw(
      '/v1/imports/student-records',
      {
        Authorization: clerk,
        'Content-Type': 'application/x-ndjson',
        'Transfer-Encoding': 'chunked',
      },
      Buffer.from(lines.join('\n')),
    );
    expect(streamed.status).toBe(413);
    const problem = JSON.parse(streamed.body) as { type: string; report: { rows: number } };
    expect(problem.type).toBe('urn:junheng:problem:payload-too-large');
    expect(problem.report.rows).toBeGreaterThan(1_000);
    expect(problem.report.rows).toBeLessThan(lines.length);
  });

  it('audits a 404 with the caller its token names, and echoes no identifier from the path', async () => {
    const idNumber = '44031119770707313X';
    const caller = bearer('district-clerk', '44/4403/440311', 'clerk-of-404');
    const response = await request(app.getHttpServer())
      .get(`/v1/teacher-rotations/${idNumber}`)
      .set('Authorization', caller)
      .expect(404);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    expect(JSON.stringify(response.body)).not.toContain(idNumber);
    const audit = await request(app.getHttpServer())
      .get('/v1/audit')
      .set('Authorization', admin)
      .query({ caller: 'clerk-of-404' })
      .expect(200);
    const entries = (audit.body as { entries: Array<{ status: number; path: string }> }).entries;
    expect(entries).toEqual([expect.objectContaining({ status: 404 })]);
    expect(JSON.stringify(entries)).not.toContain(idNumber);
  });

  it.each([
    [
      '/v1/schools',
      {
        schoolCode: '3144031190',
        name: '百年老校',
        districtCode: '440311',
        urbanRuralCode: '121',
        level: 'primary',
        weak: false,
        registeredOn: '1960-09-01',
      },
      'registeredOn',
    ],
    [
      '/v1/teacher-rotations',
      {
        teacher: '440311198001010013',
        fromDistrictCode: '440311',
        fromSchoolCode: '3144031101',
        toDistrictCode: '440311',
        toSchoolCode: '3144031102',
        kind: 'rotation',
        subject: 'english',
        backbone: false,
        startDate: '2024-09-01',
        plannedEndDate: '2200-07-15',
      },
      'plannedEndDate',
    ],
  ])(
    'refuses a date outside 1970..2100 on %s (ClickHouse would clamp it)',
    async (path, body, field) => {
      const response = await refused(() => post(path, body), 400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field })]);
    },
  );

  it.each(['constructor', '__proto__', 'toString'])(
    'reports an import row whose event is %s as a bad row, not a crash of the import',
    async (event) => {
      const response = await request(app.getHttpServer())
        .post('/v1/imports/student-records')
        .set('Authorization', clerk)
        .set('Content-Type', 'application/x-ndjson')
        .send(JSON.stringify({ event, student: 'G44031120160101003X', schoolCode: '3144031101' }))
        .expect(200);
      expect(response.body).toMatchObject({ rows: 1, rejected: 1 });
      expect(response.body.errors[0]).toMatchObject({ row: 1, field: 'event' });
    },
  );

  it('answers a compressed import with 415 instead of reading it as broken rows', async () => {
    const response = await refused(
      () =>
        request(app.getHttpServer())
          .post('/v1/imports/student-records')
          .set('Authorization', clerk)
          .set('Content-Type', 'application/x-ndjson')
          .set('Content-Encoding', 'gzip')
          .send(gzipSync(Buffer.from('{"event":"enrolment"}\n')).toString('binary')),
      415,
    );
    expect(response.body.type).toBe('urn:junheng:problem:unsupported-media-type');
  });

  it.each(['text/plain', 'application/json'])(
    'answers an import sent as %s with 415, reading nothing',
    async (type) => {
      const response = await refused(
        () =>
          request(app.getHttpServer())
            .post('/v1/imports/fund-allocations')
            .set('Authorization', clerk)
            .set('Content-Type', type)
            .send('{"programmeId":"p"}'),
        415,
      );
      expect(response.body.type).toBe('urn:junheng:problem:unsupported-media-type');
    },
  );

  it('never echoes an identifier sent in a GraphQL variable of the wrong shape', async () => {
    const secret = 'G440304201912300423';
    const response = await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', clerk)
      .send({
        query: 'mutation ($input: EnrolStudentInput!) { enrolStudent(input: $input) { eventIds } }',
        variables: {
          input: {
            student: [secret],
            schoolCode: '3144031101',
            districtCode: '440311',
            date: '2024-09-01',
            grade: 1,
            entry: 'new-entrant',
          },
        },
      });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).not.toContain(secret.slice(1, 17));
    expect(response.body.errors[0].extensions.problem.errors).toEqual([
      { field: 'input.student', reason: 'has the wrong type for the schema' },
    ]);
  });

  it('knows one student however a school writes the 学籍号 (G, L, J, lower case or no letter)', async () => {
    const body = (student: string) => ({
      student,
      schoolCode: '3144031103',
      districtCode: '440311',
      date: '2024-11-01',
      grade: 1,
      entry: 'transfer-in',
    });
    await post('/v1/students/enrolments', body('G440311201105220099')).expect(201);
    for (const written of ['440311201105220099', 'L440311201105220099', 'j440311201105220099']) {
      const again = await post('/v1/students/enrolments', body(written)).expect(422);
      expect(again.body.rule).toBe('student.already-enrolled');
    }
  });

  it('refuses an anonymous body before reading it, and GraphQL (introspection too) without credentials', async () => {
    // Headers announcing a 900 KB body that never comes: the answer does not wait for it.
    const unread = await new Promise<{ status: number; type: string }>((resolve, reject) => {
      const server = app.getHttpServer() as unknown as Server;
      const listening = server.listening
        ? Promise.resolve()
        : new Promise<void>((done) => server.listen(0, done));
      void listening.then(() => {
        const { port } = server.address() as AddressInfo;
        const outgoing = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/v1/lesson-exchanges',
            method: 'POST',
            agent: false,
            headers: { 'Content-Type': 'application/json', 'Content-Length': '900000' },
          },
          (response) => {
            response.resume();
            resolve({
              status: response.statusCode ?? 0,
              type: String(response.headers['content-type']),
            });
            outgoing.destroy();
          },
        );
        outgoing.on('error', (error) =>
          error.message.includes('socket hang up') ? undefined : reject(error),
        );
        outgoing.write('{"districtCode":');
      });
    });
    expect(unread).toMatchObject({ status: 401, type: expect.stringMatching(PROBLEM) });
    const introspection = await request(app.getHttpServer())
      .post('/graphql')
      .send({ query: '{ __schema { types { name } } }' });
    expect(introspection.status).toBe(401);
    expect(introspection.body.type).toBe('urn:junheng:problem:unauthenticated');
  });

  it('refuses a request with two Authorization headers (a proxy may read the other one)', async () => {
    const server = app.getHttpServer() as unknown as Server;
    if (!server.listening) await new Promise<void>((done) => server.listen(0, done));
    const { port } = server.address() as AddressInfo;
    const body = JSON.stringify(exchange);
    // Written by hand: Node's client would not send a header twice.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(
          [
            'POST /v1/lesson-exchanges HTTP/1.1',
            'Host: 127.0.0.1',
            'Content-Type: application/json',
            `Content-Length: ${Buffer.byteLength(body)}`,
            `Authorization: ${clerk}`,
            `Authorization: ${admin}`,
            'Connection: close',
            '',
            body,
          ].join('\r\n'),
        ),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
  });

  it('answers 408 to a caller whose JSON body does not arrive in time', async () => {
    const server = app.getHttpServer() as unknown as Server;
    if (!server.listening) await new Promise<void>((done) => server.listen(0, done));
    const { port } = server.address() as AddressInfo;
    const before = await eventCount();
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/lesson-exchanges',
          method: 'POST',
          agent: false,
          headers: {
            Authorization: clerk,
            'Content-Type': 'application/json',
            'Content-Length': '5000',
          },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      outgoing.on('error', reject);
      outgoing.write('{"districtCode":"440311",');
    });
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ type: 'urn:junheng:problem:request-timeout' });
    expect(await eventCount()).toBe(before);
  });

  it('answers an oversized header with 431 and a problem body', async () => {
    const answer = await raw('/v1/areas/440311/scorecard', { 'x-padding': 'p'.repeat(40_000) });
    expect(answer.status).toBe(431);
    expect(answer.type).toMatch(PROBLEM);
    expect(JSON.parse(answer.body)).toMatchObject({
      type: 'urn:junheng:problem:headers-too-large',
      status: 431,
    });
  });
});
