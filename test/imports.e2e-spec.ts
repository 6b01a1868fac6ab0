import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import type { ImportReport } from '../apps/api/src/imports/import.service';
import { loadConfig } from '@junheng/platform';
import {
  TEST_IDENTITY_ENV,
  bearer,
  chdbTestPath,
  createTestDatabase,
  describeWith,
  uniqueName,
} from '@junheng/testing';
import { registerSchools } from './registered-schools';

const clerk = bearer('district-clerk', '44/4403/440311');
const student = (n: number) => `G4403112016${String(n).padStart(7, '0')}X`;
const enrolment = (n: number, change: Record<string, unknown> = {}) =>
  JSON.stringify({
    event: 'enrolment',
    student: student(n),
    schoolCode: '3144031101',
    districtCode: '440311',
    date: '2024-09-01',
    grade: 1,
    entry: 'new-entrant',
    ...change,
  });

describe('bulk import (embedded)', () => {
  let app: INestApplication<App>;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'junheng-imports-'));
    app = await createApiApplication(
      loadConfig({
        PGLITE_DATA_DIR: dir,
        CHDB_DATA_DIR: chdbTestPath(),
        CLICKHOUSE_DATABASE: uniqueName('imports'),
        JUNHENG_DEMO_DATA: 'false',
        LOG_LEVEL: 'warn',
        ...TEST_IDENTITY_ENV,
      }),
      { withPipeline: false },
    );
    await app.init();
    await registerSchools(app);
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const upload = (kind: string, type: string, body: string) =>
    request(app.getHttpServer())
      .post(`/v1/imports/${kind}`)
      .set('Authorization', clerk)
      .set('Content-Type', type)
      .send(body);

  it('appends the valid rows of a 学籍 export, reports every broken one, and changes nothing when re-sent', async () => {
    const file = [
      enrolment(1),
      enrolment(2),
      '{"event": "enrolment", broken',
      enrolment(3, { event: 'graduation-party' }),
      enrolment(4, { grade: 12 }),
      enrolment(5, { grade: 3 }),
      enrolment(6, { schoolCode: '3144030501', districtCode: '440305' }),
      enrolment(1, { date: '2024-09-02' }),
      JSON.stringify({
        event: 'dropout',
        student: student(2),
        schoolCode: '3144031101',
        districtCode: '440311',
        date: '2025-03-10',
        reason: 'work',
      }),
      '',
    ].join('\n');
    const first = await upload('student-records', 'application/x-ndjson', file).expect(200);
    const report = first.body as ImportReport;
    expect(report).toMatchObject({
      kind: 'student-records',
      rows: 9,
      accepted: 3,
      unchanged: 0,
      rejected: 6,
      errorsTruncated: false,
    });
    expect(
      report.errors.map((error) => [error.row, error.field ?? error.rule ?? error.type]),
    ).toEqual([
      [3, 'urn:junheng:problem:malformed-request'],
      [4, 'event'],
      [5, 'grade'],
      [6, 'student.new-entrant-grade'],
      [7, 'urn:junheng:problem:out-of-scope'],
      [8, 'student.already-enrolled'],
    ]);
    expect(JSON.stringify(report)).not.toContain('4403112016');

    const again = await upload('student-records', 'application/x-ndjson', file).expect(200);
    expect(again.body).toMatchObject({ rows: 9, accepted: 0, unchanged: 3, rejected: 6 });
    expect((again.body as ImportReport).errors).toEqual(report.errors);
  });

  it('imports a programme ledger from CSV, typed by the DTO, refusing what exceeds the budget', async () => {
    await request(app.getHttpServer())
      .post('/v1/fund-programmes')
      .set('Authorization', clerk)
      .send({
        programmeId: 'ledger',
        name: '专项',
        level: 'district',
        ownerCode: '440311',
        fiscalYear: 2024,
        budgetFen: 30_000_000,
        budgetedOn: '2024-03-01',
      })
      .expect(201);
    const csv = [
      'rowKey,programmeId,allocationId,districtCode,schoolCode,amountFen,purpose,allocatedOn',
      'L1,ledger,a-1,440311,3144031101,10000000,equipment,2024-04-01',
      'L2,ledger,a-2,440311,3144031102,10000000,construction,2024-04-01',
      'L3,ledger,a-3,440311,,5000000,student-aid,2024-04-02',
      'L4,ledger,a-4,440311,3144031103,9000000,equipment,2024-04-03',
      'L5,ledger,a-5,440311,3144031103,abc,equipment,2024-04-03',
      'L6,ledger,a-6,440311',
    ].join('\r\n');
    const report = (await upload('fund-allocations', 'text/csv', csv).expect(200))
      .body as ImportReport;
    expect(report).toMatchObject({ rows: 6, accepted: 3, rejected: 3 });
    // Every reason is listed (an amount of "abc" breaks three constraints); one row each here.
    expect([
      ...new Set(
        report.errors.map((error) => `${error.row} ${error.rule ?? error.field ?? error.type}`),
      ),
    ]).toEqual([
      '4 funds.budget-exceeded',
      '5 amountFen',
      '6 urn:junheng:problem:malformed-request',
    ]);
    const again = (await upload('fund-allocations', 'text/csv', csv).expect(200))
      .body as ImportReport;
    expect(again).toMatchObject({ accepted: 0, unchanged: 3, rejected: 3 });
  });

  it('refuses an unknown kind or format', async () => {
    await upload('teachers', 'application/x-ndjson', enrolment(9)).expect(400);
    const wrongType = await upload('student-records', 'application/json', enrolment(9)).expect(415);
    expect(wrongType.body.type).toBe('urn:junheng:problem:unsupported-media-type');
  });
});

describeWith(['PostgreSQL'], 'bulk import of 100,000 rows', () => {
  let app: INestApplication<App>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let port: number;
  let logDir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    logDir = mkdtempSync(join(tmpdir(), 'junheng-import-logs-'));
    app = await createApiApplication(
      loadConfig({
        DATABASE_URL: database.url,
        CHDB_DATA_DIR: chdbTestPath(),
        CLICKHOUSE_DATABASE: uniqueName('bigimport'),
        LOG_LEVEL: 'warn',
        LOG_FILE: join(logDir, 'junheng.log'),
        ...TEST_IDENTITY_ENV,
      }),
      { withPipeline: false },
    );
    await app.listen(0, '127.0.0.1');
    await registerSchools(app);
    port = ((app.getHttpServer() as unknown as import('node:http').Server).address() as AddressInfo)
      .port;
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('streams with flat memory and reports exactly the broken rows', async () => {
    const ROWS = 100_000;
    const broken = new Set(Array.from({ length: 10 }, (_, index) => (index + 1) * 9_973));
    // What the process retains, not what it has yet to collect: sample after a full collection.
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const retained = (): number => {
      collectGarbage();
      return process.memoryUsage().heapUsed;
    };
    const baseline = retained();
    let peakRetained = baseline;
    // A full collection of a jest worker's heap (other suites ran in it before) takes long:
    // every 15 s keeps the upload, not the collector, the thing measured.
    const sampler = setInterval(() => {
      peakRetained = Math.max(peakRetained, retained());
    }, 15_000);
    // Cleared however the upload ends: a failed import must not leave the sampler collecting
    // garbage for ever (the test process would never exit).
    const uploaded = new Promise<ImportReport>((resolve, reject) => {
      const upload = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/imports/student-records',
          headers: { Authorization: clerk, 'Content-Type': 'application/x-ndjson' },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () =>
            response.statusCode === 200
              ? resolve(JSON.parse(text) as ImportReport)
              : reject(new Error(text)),
          );
        },
      );
      upload.on('error', reject);
      // The file is produced while it is sent: neither side ever holds all of it.
      let row = 0;
      const writeMore = (): void => {
        while (row < ROWS) {
          row += 1;
          const line = broken.has(row) ? enrolment(row, { grade: 0 }) : enrolment(row);
          if (!upload.write(`${line}\n`)) {
            upload.once('drain', writeMore);
            return;
          }
        }
        upload.end();
      };
      writeMore();
    });
    let report: ImportReport;
    try {
      report = await uploaded;
    } finally {
      clearInterval(sampler);
    }

    expect(report).toMatchObject({
      rows: ROWS,
      accepted: ROWS - broken.size,
      unchanged: 0,
      rejected: broken.size,
      errorsTruncated: false,
    });
    expect(report.errors.map((error) => [error.row, error.field])).toEqual(
      [...broken].map((row) => [row, 'grade']),
    );
    // Streaming, structurally: never more rows held than the bound, whatever the file's size.
    expect(report.peakRowsInFlight).toBeLessThanOrEqual(16);
    // And in memory: the heap it retains stays flat while 100,000 rows pass (holding the file,
    // its rows or their results would retain tens of megabytes and grow with the file).
    expect(peakRetained - baseline).toBeLessThan(32 * 1024 * 1024);

    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ n: string }>(
        "SELECT count(*) AS n FROM events WHERE type = 'StudentEnrolled'",
      );
      expect(Number(rows[0]!.n)).toBe(ROWS - broken.size);
    } finally {
      await pg.end();
    }
    // Rows are appended one transaction each (about 300 rows/s on a 2-core machine, and half
    // that beside another suite), so 100,000 take minutes; the batched import of issue 18 is
    // what makes this fast.
  }, 1_800_000);
});
