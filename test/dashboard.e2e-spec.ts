import type { AddressInfo, Server } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ANALYTICS_CLIENT, AnalyticsClient } from '@junheng/analytics';
import { EVENT_SOURCE } from '@junheng/messaging';
import type { EventSource } from '@junheng/messaging';
import { ProjectorService, RelayService } from '@junheng/pipeline';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, bearer, describeWith, eventually } from '@junheng/testing';
import { createApiApplication } from '../apps/api/src/api.factory';
import { currentPrincipal } from '../apps/api/src/security/caller-context';
import { registerSchools } from './registered-schools';
import { TOPOLOGIES } from './topologies';

// A city of Guangdong (广州, 4401) with two districts (荔湾 440103, 越秀 440104), then three more.
const A = {
  schoolCode: '4401030001',
  districtCode: '440103',
  urbanRuralCode: '111',
  level: 'primary',
} as const;
const B = {
  schoolCode: '4401030002',
  districtCode: '440103',
  urbanRuralCode: '220',
  level: 'junior',
} as const;
const C = {
  schoolCode: '4401040001',
  districtCode: '440104',
  urbanRuralCode: '121',
  level: 'primary',
} as const;
const LATER = [
  { schoolCode: '4401050001', districtCode: '440105', urbanRuralCode: '111', level: 'primary' },
  { schoolCode: '4401060001', districtCode: '440106', urbanRuralCode: '111', level: 'primary' },
  { schoolCode: '4401110001', districtCode: '440111', urbanRuralCode: '220', level: 'primary' },
] as const;

const admin = bearer('province-admin', '44');
const cityViewer = bearer('city-viewer', '44/4401');
const liwanClerk = bearer('district-clerk', '44/4401/440103');
const yuexiuClerk = bearer('district-clerk', '44/4401/440104');
const schoolClerkA = bearer('school-clerk', `44/4401/440103/${A.schoolCode}`);

/** A 学籍号 per school and number: G, then 18 characters. */
const student = (school: string, n: number) =>
  `G44${school.slice(2, 6)}${school.slice(-4)}20${String(n).padStart(6, '0')}`;

interface RestFigure {
  unit: string;
  level: string | null;
  dimension: string | null;
  value: number | null;
  measures: Record<string, number | null>;
  breakdown: Record<string, number>;
  breaches: boolean;
  rules: string[];
}

interface Freshness {
  globalPosition: number;
  transactionId: number;
  recordedAt: string | null;
}

function enrolments(
  school: { schoolCode: string; districtCode: string },
  count: number,
  grade: number,
) {
  return Array.from({ length: count }, (_, index) => ({
    event: 'enrolment',
    student: student(school.schoolCode, index + 1),
    schoolCode: school.schoolCode,
    districtCode: school.districtCode,
    date: '2024-09-01',
    grade,
    entry: 'new-entrant',
  }));
}

const ndjson = (rows: readonly object[]) => rows.map((row) => JSON.stringify(row)).join('\n');

/** Server-sent events of a streamed response, one at a time. */
async function* serverSentEvents(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<{ event: string; data: unknown }> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let data: string | undefined;
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        if (line.startsWith('data: ')) data = line.slice(6);
      }
      if (data !== undefined) yield { event, data: JSON.parse(data) as unknown };
    }
  }
}

for (const topology of TOPOLOGIES) {
  describeWith(topology.engines, `dashboard API (${topology.name})`, () => {
    let app: INestApplication<App>;
    let cleanUp: () => Promise<void>;
    const http = () => request(app.getHttpServer());

    const graphql = async (
      auth: string,
      query: string,
      variables: Record<string, unknown> = {},
    ) => {
      const response = await http()
        .post('/graphql')
        .set('Authorization', auth)
        .send({ query, variables })
        .expect(200);
      return response.body as {
        data: Record<string, unknown> | null;
        errors?: Array<{ extensions: { code: string } }>;
      };
    };

    /** Stops or restarts what carries events to the projection (the relay through Kafka). */
    const pipeline = {
      pause: async () => {
        if (topology.viaKafka) await app.get(RelayService).beforeApplicationShutdown();
        else await app.get<EventSource>(EVENT_SOURCE).stop();
      },
      resume: async () => {
        if (topology.viaKafka) app.get(RelayService).onApplicationBootstrap();
        else await app.get(ProjectorService).onApplicationBootstrap();
      },
    };

    const dropOut = async (
      school: typeof A | typeof B,
      n: number,
      date: string,
      auth = liwanClerk,
    ) => {
      const response = await http()
        .post('/v1/students/dropouts')
        .set('Authorization', auth)
        .send({
          student: student(school.schoolCode, n),
          schoolCode: school.schoolCode,
          districtCode: school.districtCode,
          date,
          reason: 'work',
        })
        .expect(201);
      return response.body as { globalPosition: number; eventIds: string[] };
    };

    beforeAll(async () => {
      const prepared = await topology.environment();
      cleanUp = prepared.cleanUp;
      app = await createApiApplication(
        loadConfig({
          ...prepared.env,
          ...TEST_IDENTITY_ENV,
          JUNHENG_DEMO_DATA: 'false',
          JUNHENG_READ_YOUR_WRITES_TIMEOUT_MS: '1500',
          JUNHENG_LIVE_INTERVAL_MS: '100',
        }),
      );
      await app.init();
      await app.listen(0, '127.0.0.1');
      await registerSchools(app, [A, B, C]);
      // Ten primary pupils at A, twenty junior students at B, eight pupils at C; one of A's
      // pupils drops out in October and is persuaded back on 1 December (52 days out).
      const report = await http()
        .post('/v1/imports/student-records')
        .set('Authorization', admin)
        .set('Content-Type', 'application/x-ndjson')
        .send(
          ndjson([
            ...enrolments(A, 10, 1),
            ...enrolments(B, 20, 7),
            ...enrolments(C, 8, 1),
            {
              event: 'dropout',
              student: student(A.schoolCode, 1),
              schoolCode: A.schoolCode,
              districtCode: A.districtCode,
              date: '2024-10-10',
              reason: 'poverty',
            },
            {
              event: 'return',
              student: student(A.schoolCode, 1),
              schoolCode: A.schoolCode,
              districtCode: A.districtCode,
              date: '2024-12-01',
              grade: 1,
              means: 'persuasion',
            },
          ]),
        )
        .expect(200);
      expect(report.body).toMatchObject({ accepted: 40, rejected: 0 });
      await eventually(async () => {
        const response = await http()
          .get('/v1/indicators/return-rate/figures')
          .set('Authorization', liwanClerk)
          .query({ schoolYear: 2024 })
          .expect(200);
        expect((response.body as { figures: RestFigure[] }).figures).toEqual([
          expect.objectContaining({ level: 'primary', value: 100 }),
        ]);
      });
    });

    afterAll(async () => {
      await app?.close();
      await cleanUp?.();
    });

    let dropout: { globalPosition: number; eventIds: string[] };
    let beforeDropout: string;

    it('answers a read with minPosition only once the projection includes that command', async () => {
      beforeDropout = new Date().toISOString();
      await new Promise((done) => setTimeout(done, 5));
      dropout = await dropOut(B, 1, '2024-11-05');
      expect(dropout.globalPosition).toBeGreaterThan(0);
      // No retry: the read itself waits for the write.
      const response = await http()
        .get('/v1/indicators/dropout-rate/figures')
        .set('Authorization', liwanClerk)
        .query({ schoolYear: 2024, minPosition: dropout.globalPosition })
        .expect(200);
      const body = response.body as { figures: RestFigure[]; freshness: Freshness };
      expect(body.freshness.globalPosition).toBeGreaterThanOrEqual(dropout.globalPosition);
      expect(body.figures.find((figure) => figure.level === 'junior')?.measures).toMatchObject({
        enrolledStart: 20,
        dropouts: 1,
      });
      expect(Number(response.header['junheng-position'])).toBe(body.freshness.globalPosition);
      // The same over GraphQL: the root field waits, and what is below it includes the write
      // (a school registered in Yuexiu is in its directory at once).
      const registered = await http()
        .post('/v1/schools')
        .set('Authorization', yuexiuClerk)
        .send({
          schoolCode: '4401040002',
          name: '越秀区测试小学',
          districtCode: '440104',
          urbanRuralCode: '111',
          level: 'primary',
          weak: false,
          registeredOn: '2024-09-01',
        })
        .expect(201);
      const position = (registered.body as { globalPosition: number }).globalPosition;
      const answer = await graphql(
        yuexiuClerk,
        'query ($p: Float) { area(minPosition: $p) { schools { schoolCode } } }',
        { p: position },
      );
      expect(answer.errors).toBeUndefined();
      expect((answer.data!.area as { schools: Array<{ schoolCode: string }> }).schools).toEqual([
        { schoolCode: C.schoolCode },
        { schoolCode: '4401040002' },
      ]);
    });

    it('answers 503 with Retry-After while the projection has not reached minPosition, then 200', async () => {
      await pipeline.pause();
      let pending: { globalPosition: number };
      try {
        pending = await dropOut(B, 2, '2024-11-20');
        const refused = await http()
          .get('/v1/indicators/dropout-rate/figures')
          .set('Authorization', liwanClerk)
          .query({ schoolYear: 2024, minPosition: pending.globalPosition })
          .expect(503);
        expect(refused.header['retry-after']).toBe('1');
        expect(refused.body).toMatchObject({
          type: 'urn:junheng:problem:projection-behind',
          status: 503,
          minPosition: pending.globalPosition,
        });
        const gql = await graphql(
          liwanClerk,
          'query ($p: Float) { area(minPosition: $p) { code } }',
          { p: pending.globalPosition },
        );
        expect(gql.errors?.[0]?.extensions.code).toBe('urn:junheng:problem:projection-behind');
      } finally {
        await pipeline.resume();
      }
      const answered = await http()
        .get('/v1/indicators/dropout-rate/figures')
        .set('Authorization', liwanClerk)
        .query({ schoolYear: 2024, minPosition: pending.globalPosition, level: 'junior' })
        .expect(200);
      expect((answered.body as { figures: RestFigure[] }).figures[0]?.measures).toMatchObject({
        dropouts: 2,
      });
    });

    it('computes every district’s dropout rate exactly, judged by the thresholds (REST)', async () => {
      const response = await http()
        .get('/v1/indicators/dropout-rate/figures')
        .set('Authorization', cityViewer)
        .query({ schoolYear: 2024, grain: 'district' })
        .expect(200);
      const body = response.body as { area: string; figures: RestFigure[] };
      expect(body.area).toBe('4401');
      // 440103: primary 1 of 10 on the register on 1 September = 10%, any primary dropout
      // breaches; junior 2 of 20 = 10%, not below 2%. 440104: 0 of 8.
      expect(body.figures).toEqual([
        expect.objectContaining({
          unit: '440103',
          level: 'junior',
          value: 10,
          measures: { enrolledStart: 20, dropouts: 2, rate: 10 },
          breaches: true,
          rules: ['junior-dropout-not-below-2'],
        }),
        expect.objectContaining({
          unit: '440103',
          level: 'primary',
          value: 10,
          breaches: true,
          rules: ['primary-dropout'],
        }),
        expect.objectContaining({ unit: '440104', level: 'primary', value: 0, breaches: false }),
      ]);
      // The city: primary 1 of 18.
      const city = await http()
        .get('/v1/indicators/dropout-rate/figures')
        .set('Authorization', cityViewer)
        .query({ schoolYear: 2024, level: 'primary' })
        .expect(200);
      const [primary] = (city.body as { figures: RestFigure[] }).figures;
      expect(primary).toMatchObject({ unit: '4401', measures: { enrolledStart: 18, dropouts: 1 } });
      expect(primary!.value).toBeCloseTo((1 / 18) * 100, 10);
    });

    it('serves a city scorecard for every district in one GraphQL query, with freshness', async () => {
      const answer = await graphql(
        cityViewer,
        `
          {
            area(code: "4401") {
              code
              level
              districts {
                code
                scorecard(schoolYear: 2024) {
                  unit
                  breaches
                  freshness {
                    globalPosition
                    recordedAt
                  }
                  indicators {
                    indicator
                    grain
                    breaches
                    figures {
                      level
                      value
                      rules
                      measures {
                        name
                        value
                      }
                    }
                  }
                }
              }
            }
          }
        `,
      );
      expect(answer.errors).toBeUndefined();
      const area = answer.data!.area as {
        code: string;
        level: string;
        districts: Array<{
          code: string;
          scorecard: {
            unit: string;
            breaches: number;
            freshness: Freshness;
            indicators: Array<{
              indicator: string;
              grain: string;
              breaches: number;
              figures: Array<{
                level: string | null;
                value: number | null;
                rules: string[];
                measures: Array<{ name: string; value: number | null }>;
              }>;
            }>;
          };
        }>;
      };
      expect(area).toMatchObject({ code: '4401', level: 'city' });
      expect(area.districts.map((district) => district.code)).toEqual(['440103', '440104']);
      const liwan = area.districts[0]!.scorecard;
      expect(liwan.freshness.globalPosition).toBeGreaterThanOrEqual(dropout.globalPosition);
      expect(liwan.freshness.recordedAt).not.toBeNull();
      expect(liwan.indicators.map((result) => result.indicator)).toEqual([
        'COHORT_CONSOLIDATION',
        'IN_YEAR_CONSOLIDATION',
        'REGISTER',
        'DROPOUT_RATE',
        'OUT_OF_SCHOOL',
        'RETURN_RATE',
        'URBAN_RURAL_GAP',
        'BASIC_BALANCE',
        'HIGH_QUALITY_BALANCE',
        'SCHOOL_MINIMUMS',
        'ROTATION_COVERAGE',
        'PAIRING_ACTIVITY',
        'LESSON_EXCHANGES',
        'BUDGET_EXECUTION',
        'FUNDS_DISTRIBUTION',
      ]);
      const of = (name: string) => liwan.indicators.find((result) => result.indicator === name)!;
      const measure = (
        figure: { measures: Array<{ name: string; value: number | null }> },
        name: string,
      ) => figure.measures.find((entry) => entry.name === name)?.value;
      // Return: A's pupil came back after 52 days (10 October to 1 December); neither junior.
      const returns = of('RETURN_RATE').figures;
      expect(returns.find((figure) => figure.level === 'primary')).toMatchObject({ value: 100 });
      expect(
        measure(
          returns.find((figure) => figure.level === 'primary')!,
          'medianDaysToReturn',
        ),
      ).toBe(52);
      expect(returns.find((figure) => figure.level === 'junior')).toMatchObject({ value: 0 });
      // Out of school now: B's two students; A's pupil is back.
      expect(of('OUT_OF_SCHOOL').figures).toEqual([
        expect.objectContaining({ level: 'junior', value: 2 }),
      ]);
      expect(of('DROPOUT_RATE').breaches).toBe(2);
      expect(of('BUDGET_EXECUTION')).toMatchObject({ grain: 'PROGRAMME', figures: [] });
      expect(liwan.breaches).toBe(
        liwan.indicators.reduce((sum, result) => sum + result.breaches, 0),
      );
      const yuexiu = area.districts[1]!.scorecard;
      expect(
        yuexiu.indicators.find((result) => result.indicator === 'DROPOUT_RATE')!.figures,
      ).toEqual([expect.objectContaining({ level: 'primary', value: 0, rules: [] })]);
    });

    it('drills down from a district to its schools and to the events, page by page', async () => {
      const schools = await graphql(
        liwanClerk,
        `
          {
            area {
              code
              schools {
                schoolCode
                level
                indicator(indicator: DROPOUT_RATE, schoolYear: 2024) {
                  unit
                  figures {
                    level
                    value
                  }
                }
              }
            }
          }
        `,
      );
      expect(schools.errors).toBeUndefined();
      expect((schools.data!.area as { schools: unknown[] }).schools).toEqual([
        {
          schoolCode: A.schoolCode,
          level: 'primary',
          indicator: { unit: A.schoolCode, figures: [{ level: 'primary', value: 10 }] },
        },
        {
          schoolCode: B.schoolCode,
          level: 'junior',
          indicator: { unit: B.schoolCode, figures: [{ level: 'junior', value: 10 }] },
        },
      ]);
      // 30 on the register on 1 September + 3 dropouts = 33 contributions.
      const seen: Array<{ measure: string; eventId: string; schoolCode: string }> = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page = await graphql(
          liwanClerk,
          `
            query ($after: String) {
              area {
                events(indicator: DROPOUT_RATE, schoolYear: 2024, first: 10, after: $after) {
                  edges {
                    cursor
                    node {
                      unit
                      schoolCode
                      level
                      measure
                      eventId
                    }
                  }
                  hasNextPage
                  endCursor
                  asOf
                  freshness {
                    globalPosition
                  }
                }
              }
            }
          `,
          { after },
        );
        expect(page.errors).toBeUndefined();
        const events = (
          page.data!.area as {
            events: {
              edges: Array<{
                node: { measure: string; eventId: string; schoolCode: string; unit: string };
              }>;
              hasNextPage: boolean;
              endCursor: string | null;
            };
          }
        ).events;
        seen.push(...events.edges.map((edge) => edge.node));
        expect(events.edges.every((edge) => edge.node.unit === '440103')).toBe(true);
        after = events.hasNextPage ? events.endCursor : null;
        pages += 1;
      } while (after !== null && pages < 10);
      expect(pages).toBe(4);
      expect(seen).toHaveLength(33);
      expect(new Set(seen.map((event) => event.eventId)).size).toBe(33);
      expect(seen.filter((event) => event.measure === 'enrolled_start')).toHaveLength(30);
      expect(seen).toContainEqual(
        expect.objectContaining({
          measure: 'dropouts',
          schoolCode: B.schoolCode,
          eventId: dropout.eventIds[0],
        }),
      );
      // REST: the same drill-down, as CSV.
      const csv = await http()
        .get('/v1/indicators/dropout-rate/events')
        .set('Authorization', liwanClerk)
        .set('Accept', 'text/csv')
        .query({ schoolYear: 2024, first: 500 })
        .expect(200)
        .expect('Content-Type', /text\/csv/);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toBe('unit,schoolCode,level,measure,eventId,cursor');
      expect(lines).toHaveLength(34);
      expect(csv.text).toContain(dropout.eventIds[0]);
    });

    it('gives time series by month and by school year', async () => {
      const monthly = await http()
        .get('/v1/indicators/dropout-rate/series')
        .set('Authorization', liwanClerk)
        .query({ schoolYear: 2024, by: 'month' })
        .expect(200);
      const points = (
        monthly.body as {
          points: Array<{ schoolYear: number; month: number; figures: RestFigure[] }>;
        }
      ).points;
      expect(points.map((point) => point.month)).toEqual([9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8]);
      const dropoutsIn = (month: number, level: string) =>
        points
          .find((point) => point.month === month)!
          .figures.find((figure) => figure.level === level)?.measures.dropouts;
      expect(dropoutsIn(10, 'primary')).toBe(1);
      expect(dropoutsIn(10, 'junior')).toBe(0);
      expect(dropoutsIn(11, 'junior')).toBe(2);
      expect(dropoutsIn(12, 'junior')).toBe(0);
      const yearly = await graphql(
        liwanClerk,
        `
          {
            area {
              series(indicator: DROPOUT_RATE, schoolYear: 2024, fromYear: 2023) {
                points {
                  schoolYear
                  figures {
                    level
                    value
                  }
                }
              }
            }
          }
        `,
      );
      expect(yearly.errors).toBeUndefined();
      const series = (
        yearly.data!.area as {
          series: {
            points: Array<{ schoolYear: number; figures: Array<{ level: string; value: number }> }>;
          };
        }
      ).series;
      expect(series.points.map((point) => point.schoolYear)).toEqual([2023, 2024]);
      expect(series.points[0]!.figures).toEqual([]);
      expect(series.points[1]!.figures).toContainEqual({ level: 'junior', value: 10 });
    });

    it('answers a monthly lesson-exchange series from one query, month for month as each month’s own figures', async () => {
      const record = async (exchange: {
        district: string;
        host: string;
        visitor: string;
        date: string;
        attendees: number;
      }) =>
        (
          await http()
            .post('/v1/lesson-exchanges')
            .set('Authorization', admin)
            .send({
              districtCode: exchange.district,
              hostSchoolCode: exchange.host,
              visitingSchoolCode: exchange.visitor,
              kind: 'demonstration',
              subject: 'mathematics',
              date: exchange.date,
              attendees: exchange.attendees,
            })
            .expect(201)
        ).body as { globalPosition: number };
      const liwan = { district: '440103', host: A.schoolCode, visitor: B.schoolCode };
      const yuexiu = { district: '440104', host: C.schoolCode, visitor: A.schoolCode };
      // The first and last days of months and of the school year, two lessons in one month.
      for (const [where, date, attendees] of [
        [liwan, '2024-09-30', 40],
        [liwan, '2024-10-01', 25],
        [liwan, '2024-10-01', 5],
        [liwan, '2025-01-31', 12],
        [liwan, '2025-08-31', 30],
        [yuexiu, '2024-10-15', 18],
      ] as const)
        await record({ ...where, date, attendees });
      await new Promise((done) => setTimeout(done, 5));
      const between = new Date().toISOString();
      await new Promise((done) => setTimeout(done, 5));
      await record({ ...yuexiu, date: '2024-12-31', attendees: 9 });
      // Reported late, for October.
      const last = await record({ ...liwan, date: '2024-10-20', attendees: 7 });

      type Cell = [unit: string, exchanges: number, attendees: number];
      const figureOf = ([unit, exchanges, attendees]: Cell) => ({
        unit,
        value: exchanges,
        valueUnit: 'count',
        measures: { exchanges, attendees },
        breaches: false,
        rules: [],
      });
      const expected = (cells: Partial<Record<number, Cell[]>>) =>
        [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8].map((month) => ({
          schoolYear: 2024,
          month,
          figures: (cells[month] ?? []).map(figureOf),
        }));
      const now = expected({
        9: [['440103', 1, 40]],
        10: [
          ['440103', 3, 37],
          ['440104', 1, 18],
        ],
        12: [['440104', 1, 9]],
        1: [['440103', 1, 12]],
        8: [['440103', 1, 30]],
      });
      const asOfBetween = expected({
        9: [['440103', 1, 40]],
        10: [
          ['440103', 2, 30],
          ['440104', 1, 18],
        ],
        1: [['440103', 1, 12]],
        8: [['440103', 1, 30]],
      });

      // Indicator queries made while serving a caller (the ones given a grain), on every
      // client of the engine, the dashboard's time-limited view included.
      const original = AnalyticsClient.prototype.query;
      let figureQueries = 0;
      const spy = jest.spyOn(AnalyticsClient.prototype, 'query').mockImplementation(function (
        this: AnalyticsClient,
        sql: string,
        parameters?: Parameters<AnalyticsClient['query']>[1],
      ) {
        if (currentPrincipal() !== undefined && parameters?.grain !== undefined) {
          figureQueries += 1;
        }
        return original.call(this, sql, parameters);
      });
      type RestPoint = { schoolYear: number; month: number; figures: RestFigure[] };
      const shown = (figure: RestFigure & { valueUnit?: string }) => ({
        unit: figure.unit,
        value: figure.value,
        valueUnit: figure.valueUnit,
        measures: figure.measures,
        breaches: figure.breaches,
        rules: figure.rules,
      });
      try {
        const series = async (query: Record<string, string | number>) =>
          (
            (
              await http()
                .get('/v1/indicators/lesson-exchanges/series')
                .set('Authorization', cityViewer)
                .query({ schoolYear: 2024, by: 'month', grain: 'district', ...query })
                .expect(200)
            ).body as { points: RestPoint[] }
          ).points.map((point) => ({ ...point, figures: point.figures.map(shown) }));
        figureQueries = 0;
        expect(await series({ minPosition: last.globalPosition })).toEqual(now);
        // The whole year in one query, where month by month it took twelve.
        expect(figureQueries).toBe(1);
        figureQueries = 0;
        expect(await series({ asOf: between })).toEqual(asOfBetween);
        expect(figureQueries).toBe(1);

        // Each district's own figures of each month, computed month by month (not held from
        // the series: another area, so another question), are the series' points.
        figureQueries = 0;
        for (const [clerk, district] of [
          [liwanClerk, '440103'],
          [yuexiuClerk, '440104'],
        ] as const)
          for (const point of now) {
            const month = (
              await http()
                .get('/v1/indicators/lesson-exchanges/figures')
                .set('Authorization', clerk)
                .query({ schoolYear: 2024, month: point.month })
                .expect(200)
            ).body as { month: number; figures: RestFigure[] };
            expect({ district, month: month.month, figures: month.figures.map(shown) }).toEqual({
              district,
              month: point.month,
              figures: point.figures.filter((figure) => figure.unit === district),
            });
          }
        expect(figureQueries).toBe(24);

        // GraphQL: every district's series of the city, now and as of before the last two.
        figureQueries = 0;
        const answer = await graphql(
          cityViewer,
          `
            query ($between: String) {
              area(code: "4401") {
                districts {
                  code
                  now: series(indicator: LESSON_EXCHANGES, schoolYear: 2024, by: "month") {
                    points {
                      schoolYear
                      month
                      figures {
                        unit
                        value
                        valueUnit
                        breaches
                        rules
                        measures {
                          name
                          value
                        }
                      }
                    }
                  }
                  before: series(
                    indicator: LESSON_EXCHANGES
                    schoolYear: 2024
                    by: "month"
                    asOf: $between
                  ) {
                    points {
                      schoolYear
                      month
                      figures {
                        unit
                        value
                        valueUnit
                        breaches
                        rules
                        measures {
                          name
                          value
                        }
                      }
                    }
                  }
                }
              }
            }
          `,
          { between },
        );
        expect(answer.errors).toBeUndefined();
        // One query for the year now and one as of `between`, for both districts.
        expect(figureQueries).toBe(2);
        type GraphqlPoint = {
          schoolYear: number;
          month: number;
          figures: Array<
            Omit<RestFigure, 'measures'> & { measures: Array<{ name: string; value: number }> }
          >;
        };
        const districts = (
          answer.data!.area as {
            districts: Array<{
              code: string;
              now: { points: GraphqlPoint[] };
              before: { points: GraphqlPoint[] };
            }>;
          }
        ).districts;
        const asRest = (points: GraphqlPoint[]) =>
          points.map((point) => ({
            ...point,
            figures: point.figures.map((figure) => ({
              ...figure,
              measures: Object.fromEntries(
                figure.measures.map((measure) => [measure.name, measure.value]),
              ),
            })),
          }));
        const ofDistrict = (points: typeof now, district: string) =>
          points.map((point) => ({
            ...point,
            figures: point.figures.filter((figure) => figure.unit === district),
          }));
        expect(districts.map((district) => district.code)).toEqual(['440103', '440104']);
        for (const district of districts) {
          expect(asRest(district.now.points)).toEqual(ofDistrict(now, district.code));
          expect(asRest(district.before.points)).toEqual(ofDistrict(asOfBetween, district.code));
        }
      } finally {
        spy.mockRestore();
      }
    });

    it('computes as of a past recorded time: before the dropout, it is not there', async () => {
      const answer = await graphql(
        liwanClerk,
        `
          query ($before: String) {
            area {
              before: indicator(
                indicator: DROPOUT_RATE
                schoolYear: 2024
                level: "junior"
                asOf: $before
              ) {
                asOf
                figures {
                  measures {
                    name
                    value
                  }
                }
              }
              now: indicator(indicator: DROPOUT_RATE, schoolYear: 2024, level: "junior") {
                asOf
                figures {
                  measures {
                    name
                    value
                  }
                }
              }
            }
          }
        `,
        { before: beforeDropout },
      );
      expect(answer.errors).toBeUndefined();
      const area = answer.data!.area as Record<
        'before' | 'now',
        {
          asOf: string | null;
          figures: Array<{ measures: Array<{ name: string; value: number }> }>;
        }
      >;
      const dropouts = (result: {
        figures: Array<{ measures: Array<{ name: string; value: number }> }>;
      }) => result.figures[0]!.measures.find((entry) => entry.name === 'dropouts')!.value;
      expect(area.before.asOf).toBe(beforeDropout);
      expect(dropouts(area.before)).toBe(0);
      expect(dropouts(area.now)).toBe(2);
      const rest = await http()
        .get('/v1/indicators/dropout-rate/figures')
        .set('Authorization', liwanClerk)
        .query({ schoolYear: 2024, level: 'junior', asOf: beforeDropout })
        .expect(200);
      expect((rest.body as { figures: RestFigure[] }).figures[0]!.measures.dropouts).toBe(0);
    });

    it('answers 304 to If-None-Match until the projection moves, and CSV on request', async () => {
      const first = await http()
        .get('/v1/areas/440103/scorecard')
        .set('Authorization', liwanClerk)
        .query({ schoolYear: 2024 })
        .expect(200);
      const etag = first.header.etag as string;
      expect(etag).toMatch(/^W\/".+"$/);
      await http()
        .get('/v1/areas/440103/scorecard')
        .set('Authorization', liwanClerk)
        .set('If-None-Match', etag)
        .query({ schoolYear: 2024 })
        .expect(304)
        .expect((response) => expect(response.text ?? '').toBe(''));
      // Another caller, another representation: another tag.
      const csv = await http()
        .get('/v1/areas/440103/scorecard')
        .set('Authorization', liwanClerk)
        .set('Accept', 'text/csv')
        .set('If-None-Match', etag)
        .query({ schoolYear: 2024 })
        .expect(200)
        .expect('Content-Type', /text\/csv/);
      expect(csv.text.split('\r\n')[0]).toMatch(
        /^indicator,unit,level,dimension,value,valueUnit,breaches,rules/,
      );
      expect(csv.text).toContain(
        'dropout-rate,440103,junior,,10,percent,true,junior-dropout-not-below-2',
      );
      const written = await dropOut(A, 2, '2024-12-10');
      const after = await http()
        .get('/v1/areas/440103/scorecard')
        .set('Authorization', liwanClerk)
        .set('If-None-Match', etag)
        .query({ schoolYear: 2024, minPosition: written.globalPosition })
        .expect(200);
      expect(after.header.etag).not.toBe(etag);
    });

    it('issues the same bounded number of ClickHouse queries for a scorecard of 2 or 5 districts', async () => {
      const analytics = app.get<AnalyticsClient>(ANALYTICS_CLIENT);
      // Counts the queries this request issues: those made while a caller is being served, so
      // the in-process projector's own reads do not count.
      const original = analytics.query.bind(analytics);
      const scorecardOfEveryDistrict = async () => {
        let queries = 0;
        const spy = jest
          .spyOn(analytics, 'query')
          .mockImplementation(
            (sql: string, parameters?: Parameters<AnalyticsClient['query']>[1]) => {
              if (currentPrincipal() !== undefined) queries += 1;
              return original(sql, parameters);
            },
          );
        try {
          const answer = await graphql(
            cityViewer,
            `
              {
                area(code: "4401") {
                  districts {
                    code
                    scorecard(schoolYear: 2024) {
                      indicators {
                        indicator
                        figures {
                          unit
                          value
                        }
                      }
                    }
                  }
                }
              }
            `,
          );
          expect(answer.errors).toBeUndefined();
          const districts = (
            answer.data!.area as {
              districts: Array<{
                code: string;
                scorecard: { indicators: Array<{ figures: Array<{ unit: string }> }> };
              }>;
            }
          ).districts;
          return { districts, queries };
        } finally {
          spy.mockRestore();
        }
      };
      const two = await scorecardOfEveryDistrict();
      expect(two.districts).toHaveLength(2);
      await registerSchools(app, LATER);
      await http()
        .post('/v1/imports/student-records')
        .set('Authorization', admin)
        .set('Content-Type', 'application/x-ndjson')
        .send(ndjson(LATER.flatMap((school) => enrolments(school, 3, 1))))
        .expect(200);
      await eventually(async () => {
        const figures = await http()
          .get('/v1/indicators/dropout-rate/figures')
          .set('Authorization', cityViewer)
          .query({ schoolYear: 2024, grain: 'district' })
          .expect(200);
        expect(
          new Set((figures.body as { figures: RestFigure[] }).figures.map((figure) => figure.unit))
            .size,
        ).toBe(5);
      });
      const five = await scorecardOfEveryDistrict();
      expect(five.districts.map((district) => district.code)).toEqual([
        '440103',
        '440104',
        '440105',
        '440106',
        '440111',
      ]);
      // Each district got its own figures, from the same number of queries: the freshness, the
      // directory, and one per indicator.
      const dropoutUnits = five.districts.map(
        (district) => district.scorecard.indicators[2]!.figures[0]?.unit,
      );
      expect(dropoutUnits).toEqual(['440103', '440104', '440105', '440106', '440111']);
      expect(five.queries).toBe(two.queries);
      expect(five.queries).toBeLessThanOrEqual(16);
    });

    it('pushes a district’s changed indicators to a live dashboard when the projection advances', async () => {
      const { port } = (app.getHttpServer() as unknown as Server).address() as AddressInfo;
      const abort = new AbortController();
      const response = await fetch(
        `http://127.0.0.1:${port}/v1/areas/440103/live?schoolYear=2024`,
        {
          headers: { Authorization: liwanClerk },
          signal: abort.signal,
        },
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
      const events = serverSentEvents(response.body as unknown as AsyncIterable<Uint8Array>);
      try {
        const first = await events.next();
        expect(first.value).toMatchObject({ event: 'scorecard', data: { area: '440103' } });
        const initial = (first.value as { data: { indicators: Array<{ indicator: string }> } })
          .data;
        expect(initial.indicators).toHaveLength(15);
        const written = await dropOut(A, 3, '2025-01-08');
        type Update = {
          event: string;
          data: {
            freshness: Freshness;
            indicators: Array<{ indicator: string; figures: RestFigure[] }>;
          };
        };
        // The scorecard may have been read while the projection was still catching up with
        // earlier facts: their change comes first. Read on to the one that holds the dropout.
        // The projector writes its tables before its checkpoint, so the change can be pushed
        // with the freshness of the batch before (figures a moment ahead of the watermark).
        const dropoutsIn = (update: Update) =>
          update.data.indicators
            .find((result) => result.indicator === 'dropout-rate')
            ?.figures.find((figure) => figure.level === 'primary')?.measures.dropouts;
        let update = (await events.next()).value as Update;
        for (
          let more = 0;
          more < 5 &&
          update.data.freshness.globalPosition < written.globalPosition &&
          dropoutsIn(update) !== 3;
          more += 1
        ) {
          update = (await events.next()).value as Update;
        }
        expect(update.event).toBe('changed');
        const dropoutRate = update.data.indicators.find(
          (result) => result.indicator === 'dropout-rate',
        );
        // A: now 3 of its 10 pupils have dropped out this school year (one came back).
        expect(
          dropoutRate?.figures.find((figure) => figure.level === 'primary')?.measures.dropouts,
        ).toBe(3);
        // Only what changed is pushed: no lesson exchanges, rotations or budgets here.
        expect(update.data.indicators.map((result) => result.indicator)).not.toContain(
          'rotation-coverage',
        );
      } finally {
        abort.abort();
        await events.return(undefined).catch(() => undefined);
      }
    });

    it('keeps every read inside the caller’s scope', async () => {
      await http()
        .get('/v1/areas/440103/scorecard')
        .set('Authorization', yuexiuClerk)
        .query({ schoolYear: 2024 })
        .expect(403)
        .expect((response) => expect(response.body.type).toBe('urn:junheng:problem:out-of-scope'));
      const other = await graphql(yuexiuClerk, '{ area(code: "440103") { code } }');
      expect(other.errors?.[0]?.extensions.code).toBe('urn:junheng:problem:out-of-scope');
      // A district figure cannot be asked for as a city figure inside the district.
      await http()
        .get('/v1/indicators/dropout-rate/figures')
        .set('Authorization', liwanClerk)
        .query({ schoolYear: 2024, grain: 'city' })
        .expect(400);
      // A school clerk reads its own school and nothing wider.
      const own = await http()
        .get(`/v1/schools/${A.schoolCode}/scorecard`)
        .set('Authorization', schoolClerkA)
        .query({ schoolYear: 2024 })
        .expect(200);
      expect((own.body as { unit: string }).unit).toBe(A.schoolCode);
      await http()
        .get(`/v1/schools/${B.schoolCode}/scorecard`)
        .set('Authorization', schoolClerkA)
        .query({ schoolYear: 2024 })
        .expect(403);
      await http()
        .get('/v1/areas/440103/scorecard')
        .set('Authorization', schoolClerkA)
        .query({ schoolYear: 2024 })
        .expect(403);
    });

    it('refuses GraphQL queries deeper or costlier than the limits', async () => {
      const deep = await http()
        .post('/graphql')
        .set('Authorization', cityViewer)
        .send({
          query:
            '{ area { children { children { children { children { children { children { children { children { children { children { children { code } } } } } } } } } } } } }',
        })
        .expect(400);
      expect(deep.body.errors[0].extensions.code).toBe('urn:junheng:problem:query-too-deep');
      const fields = Array.from(
        { length: 30 },
        (_, index) => `s${index}: scorecard(schoolYear: 2024) { breaches }`,
      ).join(' ');
      const costly = await http()
        .post('/graphql')
        .set('Authorization', cityViewer)
        .send({ query: `{ area { ${fields} } }` })
        .expect(400);
      expect(costly.body.errors[0].extensions.code).toBe('urn:junheng:problem:query-too-complex');
    });
    it('computes a scorecard once per projection version, however many screens ask at once', async () => {
      // Every client of the engine, the dashboard's time-limited view included; indicator
      // queries only (they are the ones given a grain), made while serving a caller.
      const original = AnalyticsClient.prototype.query;
      let figureQueries = 0;
      const spy = jest.spyOn(AnalyticsClient.prototype, 'query').mockImplementation(function (
        this: AnalyticsClient,
        sql: string,
        parameters?: Parameters<AnalyticsClient['query']>[1],
      ) {
        if (currentPrincipal() !== undefined && parameters?.grain !== undefined) {
          figureQueries += 1;
        }
        return original.call(this, sql, parameters);
      });
      const scorecard = async () =>
        (
          await http()
            .get('/v1/areas/440103/scorecard')
            .set('Authorization', liwanClerk)
            .query({ schoolYear: 2024 })
            .expect(200)
        ).body as { freshness: { globalPosition: number }; indicators: unknown[] };
      try {
        // A new fact moves the version: the next scorecard is computed afresh, once.
        const recorded = await dropOut(B, 19, '2024-11-04');
        await eventually(async () =>
          expect((await scorecard()).freshness.globalPosition).toBeGreaterThanOrEqual(
            recorded.globalPosition,
          ),
        );
        figureQueries = 0;
        const first = await scorecard();
        expect(figureQueries).toBe(0);

        const another = await dropOut(B, 18, '2024-11-05');
        await eventually(async () => {
          const position = (
            await http()
              .get('/v1/indicators/dropout-rate/figures')
              .set('Authorization', liwanClerk)
              .query({ schoolYear: 2024, level: 'junior' })
              .expect(200)
          ).body as { freshness: { globalPosition: number } };
          expect(position.freshness.globalPosition).toBeGreaterThanOrEqual(another.globalPosition);
        });
        figureQueries = 0;
        const screens = await Promise.all(Array.from({ length: 6 }, () => scorecard()));
        // Six screens at one version: one query per indicator shown, not six.
        expect(figureQueries).toBe(first.indicators.length);
        for (const screen of screens) expect(screen).toEqual(screens[0]);
        // The new dropout is in them: they are not the previous version's figures.
        expect(screens[0]!.indicators).not.toEqual(first.indicators);

        figureQueries = 0;
        expect(await scorecard()).toEqual(screens[0]);
        expect(figureQueries).toBe(0);
      } finally {
        spy.mockRestore();
      }
    });
  });
}

describe('dashboard thresholds from the configuration (embedded)', () => {
  let app: INestApplication<App> | undefined;
  let cleanUp: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await app?.close();
    await cleanUp?.();
  });

  it('judges figures by JUNHENG_INDICATOR_THRESHOLDS, and refuses to start on an unknown key', async () => {
    const prepared = await TOPOLOGIES[0]!.environment();
    cleanUp = prepared.cleanUp;
    const configure = (thresholds: string) =>
      loadConfig({
        ...prepared.env,
        ...TEST_IDENTITY_ENV,
        JUNHENG_DEMO_DATA: 'false',
        JUNHENG_INDICATOR_THRESHOLDS: thresholds,
      });
    await expect(createApiApplication(configure('{"dropoutJuniorMax": 3}'))).rejects.toThrow(
      'unknown threshold "dropoutJuniorMax"',
    );
    // This province tolerates junior dropout below 20% and flags no primary dropout.
    app = await createApiApplication(
      configure('{"dropoutJuniorBelow": 20, "dropoutPrimaryMax": 50}'),
    );
    await app.init();
    await registerSchools(app, [A, B]);
    await request(app.getHttpServer())
      .post('/v1/imports/student-records')
      .set('Authorization', admin)
      .set('Content-Type', 'application/x-ndjson')
      .send(
        ndjson([
          ...enrolments(A, 10, 1),
          ...enrolments(B, 10, 7),
          ...[A, B].map((school) => ({
            event: 'dropout',
            student: student(school.schoolCode, 1),
            schoolCode: school.schoolCode,
            districtCode: school.districtCode,
            date: '2024-10-10',
            reason: 'work',
          })),
        ]),
      )
      .expect(200);
    await eventually(async () => {
      const response = await request(app!.getHttpServer())
        .get('/v1/indicators/dropout-rate/figures')
        .set('Authorization', liwanClerk)
        .query({ schoolYear: 2024 })
        .expect(200);
      // 1 of 10 in each level: 10%, under both of this province's limits.
      expect((response.body as { figures: RestFigure[] }).figures).toEqual([
        expect.objectContaining({ level: 'junior', value: 10, breaches: false, rules: [] }),
        expect.objectContaining({ level: 'primary', value: 10, breaches: false, rules: [] }),
      ]);
    });
  });
});
