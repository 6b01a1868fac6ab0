import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { fundProgrammeStreamId } from '@junheng/domain';
import { EVENT_STORE } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
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

const YUAN = 100;

/**
 * A programme budget holds under concurrency, against real PostgreSQL: 100 allocations at once,
 * and one idempotency key sent ten times at once (quality.md, reliability).
 */
describeWith(['PostgreSQL'], 'fund allocations under concurrency', () => {
  let app: INestApplication<App>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let logDir: string;
  const clerk = bearer('district-clerk', '44/4403/440311');

  beforeAll(async () => {
    database = await createTestDatabase();
    logDir = mkdtempSync(join(tmpdir(), 'junheng-funds-'));
    app = await createApiApplication(
      loadConfig({
        DATABASE_URL: database.url,
        CHDB_DATA_DIR: chdbTestPath(),
        CLICKHOUSE_DATABASE: uniqueName('funds'),
        LOG_LEVEL: 'warn',
        LOG_FILE: join(logDir, 'junheng.log'),
        RATE_LIMIT_PER_MINUTE: '100000',
        ...TEST_IDENTITY_ENV,
      }),
    );
    await app.init();
    await registerSchools(
      app,
      Array.from({ length: 100 }, (_, index) => ({
        schoolCode: String(3144031100 + index),
        districtCode: '440311',
      })),
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    rmSync(logDir, { recursive: true, force: true });
  });

  async function budget(programmeId: string, yuan: number): Promise<void> {
    await request(app.getHttpServer())
      .post('/v1/fund-programmes')
      .set('Authorization', clerk)
      .send({
        programmeId,
        name: '百校扶百校专项经费',
        level: 'district',
        ownerCode: '440311',
        fiscalYear: 2024,
        budgetFen: yuan * YUAN,
        budgetedOn: '2024-03-01',
      })
      .expect(201);
  }

  const allocate = (programmeId: string, index: number, yuan: number, key?: string) => {
    const test = request(app.getHttpServer())
      .post('/v1/fund-programmes/allocations')
      .set('Authorization', clerk);
    if (key !== undefined) test.set('Idempotency-Key', key);
    return test.send({
      programmeId,
      allocationId: key === undefined ? `allocation-${index}` : undefined,
      districtCode: '440311',
      schoolCode: String(3144031100 + (index % 100)).padStart(10, '0'),
      amountFen: yuan * YUAN,
      purpose: 'pairing-activity',
      allocatedOn: '2024-04-01',
    });
  };

  async function allocatedInStore(programmeId: string): Promise<number[]> {
    const events = await app
      .get<EventStore>(EVENT_STORE)
      .readStream(fundProgrammeStreamId(programmeId));
    return events
      .filter((event) => event.type === 'FundsAllocated')
      .map((event) => Number(event.data.amountFen));
  }

  it('accepts the seed’s 1.18 million yuan exactly and refuses one fen more with what remains', async () => {
    const programmeId = uniqueName('seed').replace(/_/g, '-');
    await budget(programmeId, 1_180_000);
    const amounts = [...Array<number>(6).fill(100_000), ...Array<number>(10).fill(50_000), 80_000];
    for (const [index, yuan] of amounts.entries())
      await allocate(programmeId, index, yuan).expect(201);
    const refused = await allocate(programmeId, 99, 0.01).expect(409);
    expect(refused.body).toMatchObject({
      type: 'urn:junheng:problem:rule:funds.budget-exceeded',
      facts: { budgetFen: 118_000_000, remaining: 0, requested: 1 },
    });
    expect((await allocatedInStore(programmeId)).reduce((sum, fen) => sum + fen, 0)).toBe(
      118_000_000,
    );
  });

  it('never lets 100 concurrent allocations sum past the budget, and accepts every one that fits', async () => {
    const programmeId = uniqueName('race').replace(/_/g, '-');
    await budget(programmeId, 1_180_000);
    // 100 × 50,000 yuan against 1,180,000: exactly 23 fit, and all 23 must be accepted —
    // contention is the server's problem, not the clerk's (quality.md).
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, index) => allocate(programmeId, index, 50_000)),
    );
    const accepted = responses.filter((response) => response.status === 201);
    const refused = responses.filter((response) => response.status !== 201);
    expect(accepted).toHaveLength(23);
    for (const response of refused) {
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({
        type: 'urn:junheng:problem:rule:funds.budget-exceeded',
        facts: { remaining: 3_000_000 },
      });
    }
    const stored = await allocatedInStore(programmeId);
    expect(stored).toHaveLength(23);
    expect(stored.reduce((sum, fen) => sum + fen, 0)).toBe(23 * 5_000_000);
  });

  it('accepts all 27 of 50 concurrent 37-fen allocations that fit in 1,000 fen (issue 13, finding 14)', async () => {
    const programmeId = uniqueName('fen').replace(/_/g, '-');
    await request(app.getHttpServer())
      .post('/v1/fund-programmes')
      .set('Authorization', clerk)
      .send({
        programmeId,
        name: '小额专项',
        level: 'district',
        ownerCode: '440311',
        fiscalYear: 2024,
        budgetFen: 1_000,
        budgetedOn: '2024-03-01',
      })
      .expect(201);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        request(app.getHttpServer())
          .post('/v1/fund-programmes/allocations')
          .set('Authorization', clerk)
          .send({
            programmeId,
            allocationId: `fen-${index}`,
            districtCode: '440311',
            schoolCode: '3144031101',
            amountFen: 37,
            purpose: 'equipment',
            allocatedOn: '2024-04-01',
          }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(27);
    expect(
      new Set(responses.filter((r) => r.status !== 201).map((r) => r.body.type as string)),
    ).toEqual(new Set(['urn:junheng:problem:rule:funds.budget-exceeded']));
    expect((await allocatedInStore(programmeId)).reduce((sum, fen) => sum + fen, 0)).toBe(999);
  });

  it('answers one idempotency key sent ten times at once with one set of events', async () => {
    const programmeId = uniqueName('idem').replace(/_/g, '-');
    await budget(programmeId, 1_000_000);
    const key = uniqueName('allocation-key');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => allocate(programmeId, 1, 10_000, key)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array<number>(10).fill(201));
    const answers = responses.map((response) => {
      const { replayed: _replayed, ...answer } = response.body as { replayed: boolean };
      return answer;
    });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(
      responses.filter((response) => (response.body as { replayed: boolean }).replayed === false),
    ).toHaveLength(1);
    expect(await allocatedInStore(programmeId)).toEqual([1_000_000]);
  });
});
