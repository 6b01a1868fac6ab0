import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { SQL_EXECUTOR } from '@junheng/event-store';
import type { SqlExecutor } from '@junheng/event-store';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, bearer, describeWith } from '@junheng/testing';
import { createApiApplication } from '../apps/api/src/api.factory';
import { TOPOLOGIES } from './topologies';

/**
 * No personal identifier in a URL reaches a log or the audit trail (quality.md): a caller who
 * puts a teacher's ID number in a path finds it in neither. Logging and auditing do not depend
 * on the topology, so the embedded one is enough.
 */
const topology = TOPOLOGIES[0]!;
const ID_NUMBER = '44031119770707313X';
const admin = bearer('province-admin', '44');

interface LogLine {
  readonly msg?: string;
  readonly correlationId?: string;
  readonly req?: { method: string; path: string; params?: Record<string, string> };
  readonly res?: { statusCode: number };
}

describeWith(topology.engines, `privacy in logs and the audit trail (${topology.name})`, () => {
  let app: INestApplication<App>;
  let cleanUp: () => Promise<void>;
  let logDir: string;
  const http = () => request(app.getHttpServer());
  // Correlation ids a caller sends are UUIDs (others are replaced by a fresh one).
  const id = (_name: string) => randomUUID();
  const sent = {
    unmatched: id('unmatched'),
    unmatchedAnonymous: id('unmatched-anonymous'),
    unmatchedPost: id('unmatched-post'),
    parameter: id('parameter'),
    area: id('area'),
  };

  beforeAll(async () => {
    const prepared = await topology.environment();
    cleanUp = prepared.cleanUp;
    logDir = mkdtempSync(join(tmpdir(), 'junheng-e2e-logs-'));
    app = await createApiApplication(
      loadConfig({
        ...prepared.env,
        ...TEST_IDENTITY_ENV,
        JUNHENG_DEMO_DATA: 'false',
        LOG_LEVEL: 'debug',
        LOG_FILE: join(logDir, 'junheng.log'),
      }),
    );
    await app.init();

    await http()
      .get(`/v1/teacher-rotations/${ID_NUMBER}`)
      .set('Authorization', admin)
      .set('x-correlation-id', sent.unmatched)
      .expect(404);
    await http()
      .get(`/v1/teacher-rotations/${ID_NUMBER.toLowerCase()}?teacher=${ID_NUMBER}`)
      .set('x-correlation-id', sent.unmatchedAnonymous)
      .expect(404);
    await http()
      .post(`/v1/teacher-rotations/${ID_NUMBER}/end`)
      .set('Authorization', admin)
      .set('x-correlation-id', sent.unmatchedPost)
      .send({ endDate: '2025-07-10' })
      .expect(404);
    // A route that matches, with the ID number where a school code belongs.
    await http()
      .get(`/v1/schools/${ID_NUMBER}/scorecard`)
      .set('Authorization', admin)
      .set('x-correlation-id', sent.parameter)
      .expect(400);
    await http()
      .get('/v1/areas/440311/scorecard')
      .query({ schoolYear: 2024 })
      .set('Authorization', admin)
      .set('x-correlation-id', sent.area)
      .expect(200);
  });

  afterAll(async () => {
    await app?.close();
    await cleanUp?.();
    if (logDir !== undefined) rmSync(logDir, { recursive: true, force: true });
  });

  const containsRaw = (text: string): string[] =>
    [ID_NUMBER, ID_NUMBER.toLowerCase(), ID_NUMBER.slice(0, 16)].filter((form) =>
      text.includes(form),
    );

  const logLines = (): LogLine[] =>
    readFileSync(join(logDir, 'junheng.log'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine);

  it('writes no ID number from a path into the log, and each request line with its correlation id', () => {
    const text = readFileSync(join(logDir, 'junheng.log'), 'utf8');
    expect(containsRaw(text)).toEqual([]);
    const requestLine = (correlationId: string) =>
      logLines().find(
        (line) => line.msg === 'request completed' && line.correlationId === correlationId,
      );
    expect(requestLine(sent.unmatched)).toMatchObject({
      req: { method: 'GET', path: '/v1/teacher-rotations/:unmatched' },
      res: { statusCode: 404 },
    });
    expect(requestLine(sent.unmatchedAnonymous)).toMatchObject({
      req: { method: 'GET', path: '/v1/teacher-rotations/:unmatched' },
    });
    expect(requestLine(sent.unmatchedPost)).toMatchObject({
      req: { method: 'POST', path: '/v1/teacher-rotations/:unmatched/end' },
    });
    expect(requestLine(sent.parameter)).toMatchObject({
      req: { method: 'GET', path: '/v1/schools/:code/scorecard', params: { code: ':code' } },
      res: { statusCode: 400 },
    });
    expect(requestLine(sent.area)).toMatchObject({
      req: { method: 'GET', path: '/v1/areas/:code/scorecard', params: { code: '440311' } },
      res: { statusCode: 200 },
    });
    // Every request line names its correlation id (the x-correlation-id answered).
    const requests = logLines().filter((line) => line.msg === 'request completed');
    expect(requests.length).toBeGreaterThanOrEqual(5);
    for (const line of requests) expect(line.correlationId).toEqual(expect.any(String));
  });

  it('audits the route’s template and the public parameters, never the raw path', async () => {
    const rows = await app
      .get<SqlExecutor>(SQL_EXECUTOR)
      .query<{ correlation_id: string; action: string; path: string; row: string }>(
        'SELECT correlation_id, action, path, a::text AS row FROM audit_log a',
      );
    expect(containsRaw(rows.map((row) => row.row).join('\n'))).toEqual([]);
    const entry = (correlationId: string) =>
      rows.find((row) => row.correlation_id === correlationId);
    expect(entry(sent.unmatched)).toMatchObject({
      action: 'GET /v1/teacher-rotations/:unmatched',
      path: '/v1/teacher-rotations/:unmatched',
    });
    expect(entry(sent.unmatchedAnonymous)).toMatchObject({
      path: '/v1/teacher-rotations/:unmatched',
    });
    expect(entry(sent.unmatchedPost)).toMatchObject({
      action: 'POST /v1/teacher-rotations/:unmatched/end',
    });
    expect(entry(sent.parameter)).toMatchObject({
      action: 'GET /v1/schools/:code/scorecard',
      path: '/v1/schools/:code/scorecard',
    });
    expect(entry(sent.area)).toMatchObject({
      action: 'GET /v1/areas/:code/scorecard',
      path: '/v1/areas/440311/scorecard',
    });
  });
});
