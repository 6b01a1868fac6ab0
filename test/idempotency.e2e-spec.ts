import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { CommandKeys } from '../apps/api/src/commands/command-keys';
import { EVENT_STORE, START_OF_LOG } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, bearer, describeWith } from '@junheng/testing';
import { registerSchools } from './registered-schools';
import { TOPOLOGIES } from './topologies';

/**
 * Issue 13, finding 2: an Idempotency-Key belongs to its caller and to one request
 * (docs/reliability.md). The matrix: same / different body × same / other caller ×
 * sequential / concurrent, over REST, GraphQL and import rows. Before the fix, the same key
 * with another body answered 201 "replayed" with the first outcome, and a second caller's
 * key silently swallowed its own fact.
 */
const clerkA = bearer('district-clerk', '44/4403/440311', 'clerk-a');
const clerkB = bearer('district-clerk', '44/4403/440311', 'clerk-b');

let exchanges = 0;
const exchange = (attendees: number) => ({
  districtCode: '440311',
  hostSchoolCode: '3144031101',
  visitingSchoolCode: '3144031102',
  kind: 'demonstration',
  subject: 'mathematics',
  date: '2024-10-15',
  attendees,
});
const freshKey = () => `matrix-${Date.now().toString(36)}-${(exchanges += 1)}`;

interface Answer {
  readonly status: number;
  readonly replayed: boolean;
  readonly eventIds: readonly string[];
  readonly type?: string;
}

for (const topology of TOPOLOGIES) {
  describeWith(topology.engines, `idempotency keys (${topology.name})`, () => {
    let app: INestApplication<App>;
    let cleanUp: () => Promise<void>;
    let databaseUrl: string | undefined;
    let store: EventStore;

    beforeAll(async () => {
      const prepared = await topology.environment();
      cleanUp = prepared.cleanUp;
      databaseUrl = prepared.env.DATABASE_URL;
      app = await createApiApplication(
        loadConfig({ ...prepared.env, ...TEST_IDENTITY_ENV, JUNHENG_DEMO_DATA: 'false' }),
      );
      await app.init();
      await registerSchools(app);
      store = app.get<EventStore>(EVENT_STORE);
    });

    afterAll(async () => {
      await app?.close();
      await cleanUp?.();
    });

    const events = (): Promise<number> => store.countAfter(START_OF_LOG);

    async function send(auth: string, key: string, attendees: number): Promise<Answer> {
      const response = await request(app.getHttpServer())
        .post('/v1/lesson-exchanges')
        .set('Authorization', auth)
        .set('Idempotency-Key', key)
        .send(exchange(attendees));
      const body = response.body as { eventIds?: string[]; type?: string };
      return {
        status: response.status,
        replayed: response.headers['idempotent-replayed'] === 'true',
        eventIds: body.eventIds ?? [],
        ...(body.type === undefined ? {} : { type: body.type }),
      };
    }

    it('same caller, same body, sequential: the replay, nothing appended', async () => {
      const key = freshKey();
      const first = await send(clerkA, key, 10);
      const before = await events();
      const again = await send(clerkA, key, 10);
      expect(first).toMatchObject({ status: 201, replayed: false });
      expect(again).toEqual({ ...first, replayed: true });
      expect(await events()).toBe(before);
    });

    it('same caller, different body, sequential: 422 key reused, nothing appended, the first untouched', async () => {
      const key = freshKey();
      const first = await send(clerkA, key, 11);
      const before = await events();
      const reused = await send(clerkA, key, 12);
      expect(reused).toMatchObject({
        status: 422,
        type: 'urn:junheng:problem:idempotency-key-reused',
      });
      expect(await events()).toBe(before);
      expect(await send(clerkA, key, 11)).toEqual({ ...first, replayed: true });
    });

    it('other caller, same body or different, sequential: independent outcomes', async () => {
      const key = freshKey();
      const mine = await send(clerkA, key, 13);
      const theirsSame = await send(clerkB, key, 13);
      expect(theirsSame).toMatchObject({ status: 201, replayed: false });
      expect(theirsSame.eventIds).not.toEqual(mine.eventIds);
      const otherKey = freshKey();
      await send(clerkA, otherKey, 14);
      const theirsDifferent = await send(clerkB, otherKey, 15);
      expect(theirsDifferent).toMatchObject({ status: 201, replayed: false });
      // A clerk of another county with the same key records its own fact, too.
      const nanshan = bearer('district-clerk', '44/4403/440305', 'clerk-nanshan');
      const response = await request(app.getHttpServer())
        .post('/v1/lesson-exchanges')
        .set('Authorization', nanshan)
        .set('Idempotency-Key', key)
        .send({
          ...exchange(16),
          districtCode: '440305',
          hostSchoolCode: '3144030501',
          visitingSchoolCode: '3144030502',
        });
      expect(response.status).toBe(201);
      expect(response.headers['idempotent-replayed']).toBeUndefined();
    });

    it('same caller, same body, 10 concurrent: one set of events, ten equal answers', async () => {
      const key = freshKey();
      const before = await events();
      const answers = await Promise.all(Array.from({ length: 10 }, () => send(clerkA, key, 17)));
      expect(await events()).toBe(before + 1);
      expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([201]));
      expect(new Set(answers.map((answer) => answer.eventIds.join()))).toHaveProperty('size', 1);
      expect(answers.filter((answer) => !answer.replayed)).toHaveLength(1);
    });

    it('same caller, two bodies, concurrent: one body wins, the other is refused, one event', async () => {
      const key = freshKey();
      const before = await events();
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, index) => send(clerkA, key, index % 2 === 0 ? 18 : 19)),
      );
      expect(await events()).toBe(before + 1);
      const accepted = answers.filter((answer) => answer.status === 201);
      const refused = answers.filter((answer) => answer.status === 422);
      expect(accepted.length + refused.length).toBe(8);
      expect(accepted).toHaveLength(4);
      expect(new Set(accepted.map((answer) => answer.eventIds.join()))).toHaveProperty('size', 1);
      expect(new Set(refused.map((answer) => answer.type))).toEqual(
        new Set(['urn:junheng:problem:idempotency-key-reused']),
      );
    });

    it('two callers, one key, concurrent: two independent outcomes', async () => {
      const key = freshKey();
      const before = await events();
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, index) => send(index % 2 === 0 ? clerkA : clerkB, key, 20)),
      );
      expect(await events()).toBe(before + 2);
      const byCaller = [0, 1].map(
        (parity) =>
          new Set(answers.filter((_, index) => index % 2 === parity).map((a) => a.eventIds.join())),
      );
      expect(byCaller.map((ids) => ids.size)).toEqual([1, 1]);
      expect([...byCaller[0]!][0]).not.toBe([...byCaller[1]!][0]);
    });

    it('binds a key to its route: the same key on the GraphQL mutation is refused, not replayed', async () => {
      const key = freshKey();
      await send(clerkA, key, 21);
      const response = await request(app.getHttpServer())
        .post('/graphql')
        .set('Authorization', clerkA)
        .send({
          query:
            'mutation ($input: RecordLessonExchangeInput!, $key: String) { recordLessonExchange(input: $input, idempotencyKey: $key) { eventIds replayed } }',
          variables: { input: exchange(21), key },
        });
      expect(response.body.errors[0].extensions.problem).toMatchObject({
        type: 'urn:junheng:problem:idempotency-key-reused',
        status: 422,
      });
    });

    it('holds import row keys to the same rules', async () => {
      const programme = `idem-${Date.now().toString(36)}`;
      await request(app.getHttpServer())
        .post('/v1/fund-programmes')
        .set('Authorization', clerkA)
        .send({
          programmeId: programme,
          name: '专项',
          level: 'district',
          ownerCode: '440311',
          fiscalYear: 2024,
          budgetFen: 1_000_000,
          budgetedOn: '2024-03-01',
        })
        .expect(201);
      const row = (rowKey: string, amountFen: number, allocationId: string) =>
        JSON.stringify({
          rowKey,
          programmeId: programme,
          allocationId,
          districtCode: '440311',
          schoolCode: '3144031101',
          amountFen,
          purpose: 'equipment',
          allocatedOn: '2024-04-01',
        });
      const upload = (auth: string, lines: string[]) =>
        request(app.getHttpServer())
          .post('/v1/imports/fund-allocations')
          .set('Authorization', auth)
          .set('Content-Type', 'application/x-ndjson')
          .send(lines.join('\n'))
          .expect(200);
      const first = await upload(clerkA, [row('r1', 100, 'a-1'), row('r2', 200, 'a-2')]);
      expect(first.body).toMatchObject({ accepted: 2, unchanged: 0, rejected: 0 });
      // The same file again: unchanged. The same row key with other content: refused row.
      const again = await upload(clerkA, [row('r1', 100, 'a-1'), row('r2', 999, 'a-3')]);
      expect(again.body).toMatchObject({ accepted: 0, unchanged: 1, rejected: 1 });
      expect(again.body.errors[0]).toMatchObject({
        row: 2,
        type: 'urn:junheng:problem:idempotency-key-reused',
      });
      // Another caller's rows with the same keys are its own: judged afresh by the domain.
      const theirs = await upload(clerkB, [row('r1', 100, 'a-1'), row('r3', 50, 'b-1')]);
      expect(theirs.body).toMatchObject({ accepted: 1, unchanged: 0, rejected: 1 });
      expect(theirs.body.errors[0]).toMatchObject({ row: 1, rule: 'funds.allocation-exists' });
    });

    if (topology.engines.includes('PostgreSQL')) {
      it('answers 409 with Retry-After while the first request with the key is still in flight', async () => {
        const key = freshKey();
        const body = exchange(22);
        // The first request, held open in a transaction of its own: it has claimed the key
        // (exactly as the store does) but not committed.
        const stored = app.get(CommandKeys).of({
          idempotency: { key, action: 'POST /v1/lesson-exchanges', body },
          correlationId: null,
          caller: {
            subject: 'clerk-a',
            role: 'district-clerk',
            scope: { level: 'district', province: '44', city: '4403', district: '440311' },
            via: 'jwt',
          },
        });
        const holder = new Client({ connectionString: databaseUrl });
        await holder.connect();
        try {
          await holder.query('BEGIN');
          await holder.query(
            'INSERT INTO idempotency_keys (idempotency_key, stream_id, request_fingerprint) VALUES ($1, $2, $3)',
            [stored.key, 'held', stored.fingerprint],
          );
          const response = await request(app.getHttpServer())
            .post('/v1/lesson-exchanges')
            .set('Authorization', clerkA)
            .set('Idempotency-Key', key)
            .send(body);
          expect(response.status).toBe(409);
          expect(response.body.type).toBe('urn:junheng:problem:idempotency-key-in-flight');
          expect(response.headers['retry-after']).toBe('1');
        } finally {
          await holder.query('ROLLBACK');
          await holder.end();
        }
        // The first one gave up: the key is free, and the retry is the request's one outcome.
        expect(await send(clerkA, key, 22)).toMatchObject({ status: 201, replayed: false });
      });
    }
  });
}
