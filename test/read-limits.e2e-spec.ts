import type { AddressInfo, Server } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ANALYTICS_CLIENT } from '@junheng/analytics';
import type { AnalyticsClient } from '@junheng/analytics';
import { mintToken } from '@junheng/identity';
import { loadConfig } from '@junheng/platform';
import {
  TEST_IDENTITY_ENV,
  TEST_JWT_SECRET,
  bearer,
  describeWith,
  eventually,
} from '@junheng/testing';
import { createApiApplication } from '../apps/api/src/api.factory';
import { LiveScorecards } from '../apps/api/src/dashboard/live-scorecards';
import { currentPrincipal } from '../apps/api/src/security/caller-context';
import { registerSchools } from './registered-schools';
import { TOPOLOGIES } from './topologies';

/**
 * One reader must not be able to stall everyone's indicators and live dashboards (issue 13):
 * GraphQL costs that follow the ClickHouse queries a request issues, caps on live streams, and
 * a bound on one read's engine time. The limits are the same whatever carries events to the
 * projection, so the embedded topology is enough.
 */
const topology = TOPOLOGIES[0]!;

const admin = bearer('province-admin', '44');
const cityViewer = bearer('city-viewer', '44/4401');

// Two cities of Guangdong, 广州 (4401) with two districts and 深圳 (4403) with one; then 珠海.
const GUANGZHOU = [
  { schoolCode: '4401030001', districtCode: '440103' },
  { schoolCode: '4401040001', districtCode: '440104' },
] as const;
const SHENZHEN = [{ schoolCode: '4403110001', districtCode: '440311' }] as const;
const ZHUHAI = [{ schoolCode: '4404020001', districtCode: '440402' }] as const;

interface GraphqlAnswer {
  data: Record<string, unknown> | null;
  errors?: Array<{ extensions: { code: string; problem?: { status: number } } }>;
}

interface OpenedStream {
  readonly status: number;
  readonly headers: Headers;
  /** The problem document of a refusal (streams that opened have none). */
  readonly problem: { type: string; status: number } | undefined;
  /** Resolves with the event that ends the stream (`end`), or null when we hang up. */
  readonly ended: Promise<string | null>;
  hangUp(): void;
}

/** Opens `GET /v1/areas/{area}/live`; an open stream is read up to its first scorecard. */
async function openLive(
  port: number,
  authorization: string,
  area: string,
  schoolYear: number,
): Promise<OpenedStream> {
  const abort = new AbortController();
  const response = await fetch(
    `http://127.0.0.1:${port}/v1/areas/${area}/live?schoolYear=${schoolYear}`,
    { headers: { Authorization: authorization }, signal: abort.signal },
  );
  if (response.status !== 200) {
    const problem = (await response.json()) as { type: string; status: number };
    return {
      status: response.status,
      headers: response.headers,
      problem,
      ended: Promise.resolve(null),
      hangUp: () => undefined,
    };
  }
  const decoder = new TextDecoder();
  let buffer = '';
  let resolveFirst: () => void = () => undefined;
  const first = new Promise<void>((done) => (resolveFirst = done));
  const ended = (async (): Promise<string | null> => {
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        if (buffer.includes('event: scorecard')) resolveFirst();
        const end = /event: end\ndata: (.*)\n/.exec(buffer);
        if (end !== null) return (JSON.parse(end[1]!) as { reason: string }).reason;
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
    return null;
  })();
  await Promise.race([first, ended]);
  return {
    status: response.status,
    headers: response.headers,
    problem: undefined,
    ended,
    hangUp: () => abort.abort(),
  };
}

describeWith(topology.engines, `read limits (${topology.name})`, () => {
  let app: INestApplication<App>;
  let cleanUp: () => Promise<void>;
  let port: number;
  const http = () => request(app.getHttpServer());
  const openStreams = () => app.get(LiveScorecards).openStreams();

  /** Posts a GraphQL query; counts the ClickHouse queries it issued (none of the projector's). */
  const graphql = async (auth: string, query: string) => {
    const analytics = app.get<AnalyticsClient>(ANALYTICS_CLIENT);
    const original = analytics.query.bind(analytics);
    let queries = 0;
    const spy = jest
      .spyOn(analytics, 'query')
      .mockImplementation((sql: string, parameters?: Parameters<AnalyticsClient['query']>[1]) => {
        if (currentPrincipal() !== undefined) queries += 1;
        return original(sql, parameters);
      });
    try {
      const response = await http().post('/graphql').set('Authorization', auth).send({ query });
      return { status: response.status, body: response.body as GraphqlAnswer, queries };
    } finally {
      spy.mockRestore();
    }
  };

  beforeAll(async () => {
    const prepared = await topology.environment();
    cleanUp = prepared.cleanUp;
    app = await createApiApplication(
      loadConfig({
        ...prepared.env,
        ...TEST_IDENTITY_ENV,
        JUNHENG_DEMO_DATA: 'false',
        JUNHENG_LIVE_INTERVAL_MS: '100',
        JUNHENG_LIVE_STREAMS_PER_CALLER: '3',
        JUNHENG_LIVE_QUESTIONS_PER_PROCESS: '4',
      }),
    );
    await app.init();
    await app.listen(0, '127.0.0.1');
    port = ((app.getHttpServer() as unknown as Server).address() as AddressInfo).port;
  });

  afterAll(async () => {
    await app?.close();
    await cleanUp?.();
  });

  describe('GraphQL costs follow the ClickHouse queries', () => {
    const scorecards = (years: readonly number[]) =>
      `{ area(code: "440103") { ${years
        .map((year) => `y${year}: scorecard(schoolYear: ${year}) { breaches }`)
        .join(' ')} } }`;

    it('refuses a handful of aliased scorecards before running any of them', async () => {
      // Four school years: 4 × 15 indicator queries, past the 50 queries a request may cost.
      const refused = await graphql(cityViewer, scorecards([2020, 2021, 2022, 2023]));
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]?.extensions.code).toBe(
        'urn:junheng:problem:query-too-complex',
      );
      expect(refused.body.data ?? null).toBeNull();
      expect(refused.queries).toBe(0);
      // Three still compare school years side by side.
      const compared = await graphql(cityViewer, scorecards([2022, 2023, 2024]));
      expect(compared.status).toBe(200);
      expect(compared.body.errors).toBeUndefined();
      expect(Object.keys(compared.body.data!.area as object)).toEqual(['y2022', 'y2023', 'y2024']);
    });

    it('refuses a field that queries once per element under a list, however short the list', async () => {
      for (const query of [
        '{ area { schools { events(indicator: DROPOUT_RATE, schoolYear: 2024) { hasNextPage } } } }',
        '{ area { districts { indicator(indicator: DROPOUT_RATE, schoolYear: 2024, grain: SCHOOL) { breaches } } } }',
        '{ area { districts { breaches(schoolYear: 2024, grain: SCHOOL) { area } } } }',
        `query { area { children { schools { ...drill } } } }
         fragment drill on DirectorySchool { events(indicator: DROPOUT_RATE, schoolYear: 2024) { asOf } }`,
      ]) {
        const refused = await graphql(cityViewer, query);
        expect({ query, status: refused.status, queries: refused.queries }).toEqual({
          query,
          status: 400,
          queries: 0,
        });
        expect(refused.body.errors?.[0]?.extensions.code).toBe(
          'urn:junheng:problem:query-too-complex',
        );
      }
      // On one area at a time they are answered.
      const one = await graphql(
        cityViewer,
        '{ area(code: "440103") { events(indicator: DROPOUT_RATE, schoolYear: 2024) { hasNextPage } } }',
      );
      expect(one.body.errors).toBeUndefined();
    });

    it('answers a province’s tree of cities and districts with the same queries however many cities', async () => {
      const tree = `{ area(code: "44") { children { code districts { code scorecard(schoolYear: 2024) { unit } } } } }`;
      const cities = async (expected: string[]) => {
        await eventually(async () => {
          const listed = await http()
            .get('/v1/areas/44/schools')
            .set('Authorization', admin)
            .expect(200);
          expect(
            [
              ...new Set(
                (listed.body as Array<{ districtCode: string }>).map((s) =>
                  s.districtCode.slice(0, 4),
                ),
              ),
            ].sort(),
          ).toEqual(expected);
        });
        const answer = await graphql(admin, tree);
        expect(answer.body.errors).toBeUndefined();
        const area = answer.body.data!.area as {
          children: Array<{
            code: string;
            districts: Array<{ code: string; scorecard: { unit: string } }>;
          }>;
        };
        expect(area.children.map((city) => city.code)).toEqual(expected);
        for (const city of area.children) {
          for (const district of city.districts)
            expect(district.scorecard.unit).toBe(district.code);
        }
        return answer.queries;
      };
      await registerSchools(app, [...GUANGZHOU, ...SHENZHEN]);
      const two = await cities(['4401', '4403']);
      await registerSchools(app, ZHUHAI);
      const three = await cities(['4401', '4403', '4404']);
      // One directory query per level and one per indicator, not one per city.
      expect(three).toBe(two);
      expect(three).toBeLessThanOrEqual(16);
    });
  });

  describe('live streams are capped', () => {
    /** Every stream a test opened: hung up after it, whatever it asserted. */
    const held: OpenedStream[] = [];
    const open = async (authorization: string, area: string, schoolYear: number) => {
      const stream = await openLive(port, authorization, area, schoolYear);
      held.push(stream);
      return stream;
    };
    afterEach(async () => {
      for (const stream of held.splice(0)) stream.hangUp();
      await eventually(() => expect(openStreams()).toBe(0));
    });

    it('gives a caller at most JUNHENG_LIVE_STREAMS_PER_CALLER streams, then 429 before any stream opens', async () => {
      const wall = bearer('city-viewer', '44/4401', 'wall-screen');
      const opened = [
        await open(wall, '440103', 2021),
        await open(wall, '440103', 2022),
        await open(wall, '440104', 2022),
      ];
      expect(opened.map((stream) => stream.status)).toEqual([200, 200, 200]);
      const refused = await open(wall, '440103', 2023);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.problem).toMatchObject({
        type: 'urn:junheng:problem:rate-limited',
        status: 429,
      });
      // The same question from the same caller is a stream too.
      expect((await open(wall, '440103', 2021)).status).toBe(429);
      // Another caller is not held back by it, on the same questions or others.
      const other = await open(cityViewer, '440103', 2021);
      expect(other.status).toBe(200);
      expect(openStreams()).toBe(4);

      // A stream the caller hangs up frees its place.
      opened[0]!.hangUp();
      await eventually(async () => {
        const again = await open(wall, '440103', 2023);
        expect(again.status).toBe(200);
      });
    });

    it('frees the places of streams that end with their credentials', async () => {
      const issuedAt = new Date();
      const shortLived = `Bearer ${mintToken(
        Buffer.from(TEST_JWT_SECRET),
        { subject: 'night-shift', role: 'city-viewer', scope: '44/4401', ttlSeconds: 10 },
        issuedAt,
      )}`;
      const longLived = bearer('city-viewer', '44/4401', 'night-shift');
      const opened = await Promise.all([
        open(shortLived, '440103', 2021),
        open(shortLived, '440103', 2022),
        open(shortLived, '440104', 2022),
      ]);
      expect(opened.map((stream) => stream.status)).toEqual([200, 200, 200]);
      // Fresh credentials of the same subject are the same caller.
      expect((await open(longLived, '440103', 2021)).status).toBe(429);
      expect(await Promise.all(opened.map((stream) => stream.ended))).toEqual([
        'credentials-expired',
        'credentials-expired',
        'credentials-expired',
      ]);
      const renewed = await open(longLived, '440103', 2021);
      expect(renewed.status).toBe(200);
    });

    it('watches at most JUNHENG_LIVE_QUESTIONS_PER_PROCESS distinct questions, then 503 for a new one', async () => {
      const screens = ['a', 'b', 'c', 'd'].map((name) =>
        bearer('city-viewer', '44/4401', `screen-${name}`),
      );
      const opened = await Promise.all(
        screens.map((screen, index) => open(screen, '440103', 2020 + index)),
      );
      expect(opened.map((stream) => stream.status)).toEqual([200, 200, 200, 200]);
      const stranger = bearer('city-viewer', '44/4401', 'stranger');
      const refused = await open(stranger, '440103', 2030);
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.problem).toMatchObject({
        type: 'urn:junheng:problem:service-unavailable',
        status: 503,
      });
      // Another area is another question; a question already watched is always served.
      expect((await open(stranger, '440104', 2020)).status).toBe(503);
      const shared = await open(stranger, '440103', 2021);
      expect(shared.status).toBe(200);
      // Once nobody watches a question any more, a new one takes its place.
      opened[0]!.hangUp();
      await eventually(async () => {
        const next = await open(stranger, '440103', 2030);
        expect(next.status).toBe(200);
      });
    });
  });
});

describeWith(topology.engines, `a bound on one read's engine time (${topology.name})`, () => {
  let app: INestApplication<App>;
  let cleanUp: () => Promise<void>;
  let port: number;

  beforeAll(async () => {
    const prepared = await topology.environment();
    cleanUp = prepared.cleanUp;
    // A bound no indicator query meets, to stand for a pathological question.
    app = await createApiApplication(
      loadConfig({
        ...prepared.env,
        ...TEST_IDENTITY_ENV,
        JUNHENG_DEMO_DATA: 'false',
        JUNHENG_INDICATOR_QUERY_TIMEOUT_MS: '1',
        JUNHENG_LIVE_STREAMS_PER_CALLER: '2',
      }),
    );
    await app.init();
    await app.listen(0, '127.0.0.1');
    port = ((app.getHttpServer() as unknown as Server).address() as AddressInfo).port;
    await registerSchools(app, GUANGZHOU);
  });

  afterAll(async () => {
    await app?.close();
    await cleanUp?.();
  });

  it('answers a read the engine stopped at its limit with 503 query-too-slow and Retry-After, never 500', async () => {
    const rest = await request(app.getHttpServer())
      .get('/v1/areas/440103/scorecard')
      .set('Authorization', cityViewer)
      .query({ schoolYear: 2024 })
      .expect(503);
    expect(rest.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(Number(rest.headers['retry-after'])).toBeGreaterThan(0);
    expect(rest.body).toMatchObject({ type: 'urn:junheng:problem:query-too-slow', status: 503 });

    const gql = await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', cityViewer)
      .send({ query: '{ area(code: "440103") { scorecard(schoolYear: 2024) { breaches } } }' })
      .expect(200);
    const errors = (gql.body as GraphqlAnswer).errors ?? [];
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.extensions).toMatchObject({
        code: 'urn:junheng:problem:query-too-slow',
        problem: { status: 503 },
      });
    }
  });

  it('refuses a live stream whose first scorecard was stopped, and frees its place', async () => {
    // More attempts than the caller may hold streams: each refusal gave its place back.
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const stream = await openLive(port, cityViewer, '440103', 2024);
      expect(stream.status).toBe(503);
      expect(stream.problem).toMatchObject({ type: 'urn:junheng:problem:query-too-slow' });
    }
  });
});
