import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { INDICATOR_NAMES } from '@junheng/analytics';
import { EVENT_STORE, PgliteExecutor, SqlEventStore, START_OF_LOG } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import { loadConfig } from '@junheng/platform';
import { syntheticProvince } from '@junheng/synthetic-province';
import { TEST_IDENTITY_ENV, bearer, chdbTestPath, eventually, uniqueName } from '@junheng/testing';
import { createApiApplication } from '../apps/api/src/api.factory';
import { DEMO_EXAMPLE, DEMO_PROVINCE } from '../apps/api/src/demo/demo-province';

const admin = bearer('province-admin', '44');

interface Readiness {
  readonly status: string;
  readonly dependencies: Record<string, { status: string; error?: string }>;
}

/**
 * The demo province `npm start` loads into an empty embedded store (issue 15): appended in
 * batches in the background while the api answers, resumed after a stop half-way without
 * doubling anything, and then every indicator has values in every district.
 */
describe('the demo province (embedded)', () => {
  const province = syntheticProvince(DEMO_PROVINCE);
  const dir = mkdtempSync(join(tmpdir(), 'junheng-e2e-demo-'));
  const env = {
    PGLITE_DATA_DIR: dir,
    CHDB_DATA_DIR: chdbTestPath(),
    CLICKHOUSE_DATABASE: uniqueName('demo'),
    JUNHENG_POLL_INTERVAL_MS: '20',
    JUNHENG_DEMO_DATA: 'true',
    LOG_LEVEL: 'warn',
    ...TEST_IDENTITY_ENV,
  };
  let app: INestApplication<App> | undefined;

  const start = async (): Promise<INestApplication<App>> => {
    app = await createApiApplication(loadConfig(env));
    await app.init();
    return app;
  };
  const stop = async (): Promise<void> => {
    await app?.close();
    app = undefined;
  };
  const readiness = async (api: INestApplication<App>): Promise<Readiness> =>
    (await request(api.getHttpServer()).get('/health/ready')).body as Readiness;
  const get = (api: INestApplication<App>, path: string) =>
    request(api.getHttpServer()).get(path).set('Authorization', admin).expect(200);

  afterAll(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is not ready while it loads, stops between batches, and the next start completes it without doubling anything', async () => {
    const first = await start();
    // The api answers at once; the province is appended behind it.
    const loading = await eventually(
      async () => {
        const answer = await readiness(first);
        expect(answer.status).toBe('not-ready');
        expect(answer.dependencies['demoData']?.error).toMatch(
          new RegExp(`^loading the demo province: [1-9]\\d* of ${province.events.length} events`),
        );
        return answer;
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    expect(loading.dependencies['eventStore']).toEqual({ status: 'up' });
    await stop();
    const stopped = new SqlEventStore(await PgliteExecutor.open(dir));
    const half = await stopped.countAfter(START_OF_LOG);
    await stopped.close();
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(province.events.length);

    const second = await start();
    await eventually(async () => expect((await readiness(second)).status).toBe('ready'), {
      timeoutMs: 280_000,
      intervalMs: 500,
    });
    const store = second.get<EventStore>(EVENT_STORE);
    expect(await store.countAfter(START_OF_LOG)).toBe(province.events.length);
    // Every stream holds the generator's events, once each, in its order.
    const students = province.events.filter((event) => event.streamType === 'student');
    const sample = [students[0]!, students.at(-1)!, province.events.at(-1)!];
    for (const { streamId } of sample) {
      const expected = province.events.filter((event) => event.streamId === streamId);
      const stored = await store.readStream(streamId);
      expect(stored.map((event) => [event.type, event.streamVersion, event.data])).toEqual(
        expected.map((event) => [event.type, event.streamVersion, event.data]),
      );
      expect(stored[0]).toMatchObject({ actor: 'system:demo-data', actorRole: 'system' });
    }
    // About a minute on two idle cores; more where other work shares them.
  }, 300_000);

  it('has a value for every indicator of the catalogue in every district, for the measured school year', async () => {
    const api = app!;
    for (const district of province.districts) {
      const scorecard = (
        await get(api, `/v1/areas/${district}/scorecard?schoolYear=${DEMO_PROVINCE.schoolYear}`)
      ).body as {
        indicators: {
          indicator: string;
          figures: { level: string | null; value: number | null }[];
        }[];
      };
      expect(scorecard.indicators.map((result) => result.indicator).sort()).toEqual(
        [...INDICATOR_NAMES].sort(),
      );
      const empty = scorecard.indicators
        .filter((result) => !result.figures.some((figure) => figure.value !== null))
        .map((result) => result.indicator);
      expect({ district, empty }).toEqual({ district, empty: [] });
      // Cohort consolidation for both levels: six school years, so the classes graduate.
      const cohorts = scorecard.indicators.find(
        (result) => result.indicator === 'cohort-consolidation',
      )!;
      expect(
        cohorts.figures
          .filter((figure) => figure.value !== null)
          .map((figure) => figure.level)
          .sort(),
      ).toEqual(['junior', 'primary']);
    }
  });

  it('counts each district’s lesson exchanges of the printed month as the province holds them', async () => {
    const api = app!;
    for (const district of province.districts) {
      const exchanges = province.events.filter(
        (event) =>
          event.type === 'LessonExchanged' &&
          event.data['districtCode'] === district &&
          String(event.data['date']).startsWith(DEMO_EXAMPLE.month),
      );
      const answer = (
        await get(
          api,
          `/v1/indicators/lesson-exchanges?district=${district}&month=${DEMO_EXAMPLE.month}`,
        )
      ).body as { exchanges: number; attendees: number };
      if (district === DEMO_EXAMPLE.district) expect(exchanges.length).toBeGreaterThan(0);
      expect(answer).toMatchObject({
        exchanges: exchanges.length,
        attendees: exchanges.reduce((sum, event) => sum + Number(event.data['attendees']), 0),
      });
    }
  });

  it('records the exchange npm start prints, between two of the demo’s schools', async () => {
    const api = app!;
    const { district, month, hostSchoolCode, visitingSchoolCode, date } = DEMO_EXAMPLE;
    const path = `/v1/indicators/lesson-exchanges?district=${district}&month=${month}`;
    const before = (await get(api, path)).body as { exchanges: number };
    const recorded = await request(api.getHttpServer())
      .post('/v1/lesson-exchanges')
      .set('Authorization', admin)
      .set('Idempotency-Key', 'my-first-exchange')
      .send({
        districtCode: district,
        hostSchoolCode,
        visitingSchoolCode,
        kind: 'demonstration',
        subject: 'mathematics',
        date,
        attendees: 40,
      })
      .expect(201);
    expect(recorded.body).toMatchObject({ replayed: false, streamVersion: 1 });
    await eventually(async () =>
      expect(((await get(api, path)).body as { exchanges: number }).exchanges).toBe(
        before.exchanges + 1,
      ),
    );
  });

  it('is not loaded again by a later start', async () => {
    const before = await app!.get<EventStore>(EVENT_STORE).countAfter(START_OF_LOG);
    await stop();
    const third = await start();
    await eventually(async () => expect((await readiness(third)).status).toBe('ready'), {
      timeoutMs: 30_000,
    });
    expect(await third.get<EventStore>(EVENT_STORE).countAfter(START_OF_LOG)).toBe(before);
  });
});
