import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { ANALYTICS_CLIENT, INDICATOR_NAMES } from '@junheng/analytics';
import type { AnalyticsClient } from '@junheng/analytics';
import type { RecordedEvent } from '@junheng/event-store';
import { mintToken } from '@junheng/identity';
import { loadConfig } from '@junheng/platform';
import { createApiApplication } from '../apps/api/src/api.factory';
import { currentPrincipal } from '../apps/api/src/security/caller-context';
import { ms, timed, timedSideBySide } from './timing';
import type { Timing } from './timing';

/**
 * The indicator reads through the api, over HTTP on loopback: the real api (createApiApplication)
 * started in this process on the chDB data directory and database the indicator part has just
 * projected the synthetic province into, asked what a dashboard asks — the province scorecard
 * (every district, every indicator) and the drill-down into one district's schools over
 * GraphQL, and the province's own scorecard over REST. quality.md's read targets are stated
 * "through the API"; the in-process figures of the indicator part are only the engine's share.
 */
export interface IndicatorApiBenchOptions {
  /** The chDB data directory of the bench (libchdb binds one per process). */
  readonly chdbPath: string;
  readonly clickhouseUrl?: string;
  /** The ClickHouse database the province was projected into. */
  readonly database: string;
  readonly runs: number;
  readonly schoolYear: number;
  /** The districts every province answer must list. */
  readonly districts: readonly string[];
  readonly drillDownDistrict: string;
  /** The province's log: the schools open in the drill-down district are derived from it. */
  readonly events: readonly RecordedEvent[];
  /**
   * The same figures asked in process through IndicatorQueries, timed alternately with the
   * HTTP request (each answers its row count): what the api adds is the difference.
   */
  readonly inProcess: {
    readonly provinceScorecard: () => Promise<number>;
    readonly drillDownScorecard: () => Promise<number>;
  };
}

/**
 * The api is measured under each of these, one after another on the same data: with the figure
 * cache off every request computes its figures (what the first read after the projection
 * advances costs), with one chDB read connection the reads queue behind each other as they did
 * before the client kept several (docs/architecture.md, "Reads side by side on chDB").
 */
const CONFIGURATIONS: readonly {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  readonly chdbOnly: boolean;
}[] = [
  {
    name: 'figure cache off, one chDB read connection',
    env: { JUNHENG_FIGURE_CACHE_ROWS: '0', JUNHENG_CHDB_READ_CONNECTIONS: '1' },
    chdbOnly: true,
  },
  {
    name: 'figure cache off, default read connections',
    env: { JUNHENG_FIGURE_CACHE_ROWS: '0' },
    chdbOnly: false,
  },
  { name: 'figure cache on (the default)', env: {}, chdbOnly: false },
];

/** Dashboards asking the province scorecard at the same moment, in the concurrency row. */
const CONCURRENT_CLIENTS = 8;

/** quality.md, Performance: p95 through the API. */
const PROVINCE_TARGET_MS = 100;
const DRILL_DOWN_TARGET_MS = 25;
/** A request that takes longer than this is a hung api, not a slow one: the bench stops. */
const REQUEST_TIMEOUT_MS = 60_000;

interface Figure {
  readonly unit?: string;
  readonly level?: string | null;
  readonly value: number | null;
  readonly breaches?: boolean;
}

interface ScorecardAnswer {
  readonly indicators: ReadonlyArray<{ readonly indicator: string; readonly figures: Figure[] }>;
}

interface GraphqlAnswer<Data> {
  readonly data?: Data | null;
  readonly errors?: ReadonlyArray<{ readonly message: string }>;
}

interface ProvinceData {
  readonly area: {
    readonly districts: ReadonlyArray<{
      readonly code: string;
      readonly scorecard: ScorecardAnswer;
    }>;
  };
}

interface DrillDownData {
  readonly area: {
    readonly schools: ReadonlyArray<{
      readonly schoolCode: string;
      readonly scorecard: ScorecardAnswer;
    }>;
  };
}

const figuresOf = (scorecards: readonly ScorecardAnswer[]): number =>
  scorecards.reduce(
    (sum, scorecard) =>
      sum + scorecard.indicators.reduce((inner, result) => inner + result.figures.length, 0),
    0,
  );

/**
 * The schools open in `district` once the whole log is applied: what the api's directory
 * should list. Derived from the generator's events, not from the projection being measured,
 * so that a wrong directory is caught rather than agreed with.
 */
function openSchoolsIn(events: readonly RecordedEvent[], district: string): number {
  const districtOf = new Map<string, string>();
  for (const { type, data } of events) {
    const school = data.schoolCode as string;
    if (type === 'SchoolRegistered') districtOf.set(school, data.districtCode as string);
    else if (type === 'SchoolMovedDistrict') districtOf.set(school, data.toDistrictCode as string);
    else if (type === 'SchoolMerged' || type === 'SchoolClosed') districtOf.delete(school);
  }
  return [...districtOf.values()].filter((code) => code === district).length;
}

/** The smallest and largest of a list of counts, as one figure when they agree. */
function spread(values: readonly number[]): string {
  if (values.length === 0) return '—';
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? String(low) : `${low}–${high}`;
}

function verdict(p95: number, target: number): string {
  return p95 <= target
    ? `met (p95 ${ms(p95)} ≤ ${target} ms)`
    : `not met: p95 ${ms(p95)} ms is ${(p95 / target).toFixed(1)}× the ${target} ms target`;
}

const progress = (message: string): void => {
  process.stderr.write(`indicators (api): ${message}\n`);
};

/** Runs the api part; answers its subsection of the indicator report, in markdown lines. */
export async function indicatorApiBench(options: IndicatorApiBenchOptions): Promise<string[]> {
  const lines: string[] = [
    `#### Through the api (HTTP on loopback)`,
    '',
    `The api (createApiApplication, the same data directory and database, a fresh PGlite event store, demo data off, LOG_LEVEL=warn) listening on 127.0.0.1, started once per configuration below; a province administrator's token for 44. Each cell: p50 / p95 in ms over ${options.runs} requests one after another, after one warm-up (figures answered), fetch() on loopback including reading the body. The GraphQL rows alternate, request by request, with the same figures asked in process (IndicatorQueries, Promise.all, on the bench's own connection). "${CONCURRENT_CLIENTS} dashboards at once": ${CONCURRENT_CLIENTS} province scorecards sent together, timed until the last answers. The api runs in the bench's process, so its memory is not told apart from the generated province's: not measured here.`,
    '',
  ];
  for (const configuration of CONFIGURATIONS) {
    if (configuration.chdbOnly && options.clickhouseUrl !== undefined) continue;
    progress(configuration.name);
    lines.push(...(await measureConfiguration(options, configuration)));
  }
  return lines;
}

async function measureConfiguration(
  options: IndicatorApiBenchOptions,
  configuration: (typeof CONFIGURATIONS)[number],
): Promise<string[]> {
  const { runs, schoolYear } = options;
  // A fresh event store: the api needs one to start, and the figures come from the projection.
  const dir = mkdtempSync(join(tmpdir(), 'junheng-bench-api-'));
  // Generated per run and never written anywhere: the bench mints its own token with it.
  const jwtSecret = randomBytes(32).toString('base64url');
  let app: INestApplication | undefined;
  try {
    const startBegin = performance.now();
    app = await createApiApplication(
      loadConfig({
        CHDB_DATA_DIR: options.chdbPath,
        CLICKHOUSE_URL: options.clickhouseUrl,
        CLICKHOUSE_DATABASE: options.database,
        // The parent of PGLITE_DATA_DIR is where the embedded api would keep generated secrets:
        // inside the temporary directory, so that nothing is left behind.
        PGLITE_DATA_DIR: join(dir, 'pglite'),
        JUNHENG_DEMO_DATA: 'false',
        LOG_LEVEL: 'warn',
        JWT_SECRET: jwtSecret,
        PSEUDONYM_KEY: randomBytes(32).toString('base64'),
        ...configuration.env,
      }),
    );
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    const started = performance.now() - startBegin;
    progress(`api started at ${base} in ${ms(started / 1000)} s`);

    const authorization = `Bearer ${mintToken(Buffer.from(jwtSecret, 'utf8'), {
      subject: 'bench@44',
      role: 'province-admin',
      scope: '44',
      ttlSeconds: 3_600,
    })}`;

    // Counts the ClickHouse queries a request issues. Only those made while an authenticated
    // caller is being served count: the in-process projector's own reads are not the request's.
    // On the prototype: the dashboard reads through a time-limited view of the client.
    const analytics = app.get<AnalyticsClient>(ANALYTICS_CLIENT);
    const prototype = Object.getPrototypeOf(analytics) as AnalyticsClient;
    // Called with each instance's own `this` below, and put back when the part is done.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = prototype.query;
    let queries = 0;
    prototype.query = function <Row>(
      this: AnalyticsClient,
      sql: string,
      parameters?: Parameters<AnalyticsClient['query']>[1],
    ): Promise<Row[]> {
      if (currentPrincipal() !== undefined) queries += 1;
      return original.call(this, sql, parameters) as Promise<Row[]>;
    };
    const counted = async <T>(counts: number[], request: () => Promise<T>): Promise<T> => {
      queries = 0;
      const answer = await request();
      counts.push(queries);
      return answer;
    };

    const graphql = async <Data>(query: string): Promise<Data> => {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`POST /graphql: ${response.status} ${text.slice(0, 500)}`);
      const answer = JSON.parse(text) as GraphqlAnswer<Data>;
      if (answer.errors !== undefined || answer.data == null)
        throw new Error(`POST /graphql answered errors: ${text.slice(0, 500)}`);
      return answer.data;
    };

    const provinceQuery = `{ area(code: "44") { districts { code scorecard(schoolYear: ${schoolYear}) { indicators { indicator figures { unit level value breaches } } } } } }`;
    const expectedDistricts = [...options.districts].sort().join(',');
    const provinceCounts: number[] = [];
    const provinceScorecard = async (): Promise<number> => {
      const { area } = await counted(provinceCounts, () => graphql<ProvinceData>(provinceQuery));
      const codes = area.districts.map((district) => district.code).join(',');
      if (codes !== expectedDistricts)
        throw new Error(`province scorecard: districts ${codes}, expected ${expectedDistricts}`);
      return figuresOf(area.districts.map((district) => district.scorecard));
    };

    const district = options.drillDownDistrict;
    const expectedSchools = openSchoolsIn(options.events, district);
    const drillDownQuery = `{ area(code: "${district}") { schools { schoolCode scorecard(schoolYear: ${schoolYear}) { indicators { indicator figures { value } } } } } }`;
    const drillDownCounts: number[] = [];
    let indicatorsPerSchool = 0;
    const drillDownScorecard = async (): Promise<number> => {
      const { area } = await counted(drillDownCounts, () => graphql<DrillDownData>(drillDownQuery));
      if (area.schools.length !== expectedSchools)
        throw new Error(
          `drill-down: ${area.schools.length} schools in ${district}, expected ${expectedSchools}`,
        );
      indicatorsPerSchool = area.schools[0]?.scorecard.indicators.length ?? 0;
      return figuresOf(area.schools.map((school) => school.scorecard));
    };

    const restCounts: number[] = [];
    let restIndicators = 0;
    const restScorecard = async (): Promise<number> => {
      const answer = await counted(restCounts, async () => {
        const response = await fetch(`${base}/v1/areas/44/scorecard?schoolYear=${schoolYear}`, {
          headers: { authorization, accept: 'application/json' },
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await response.text();
        if (response.status !== 200)
          throw new Error(`GET /v1/areas/44/scorecard: ${response.status} ${text.slice(0, 500)}`);
        return JSON.parse(text) as ScorecardAnswer;
      });
      restIndicators = answer.indicators.length;
      return figuresOf([answer]);
    };

    const loadBefore = loadavg()[0] ?? 0;
    const measureStart = performance.now();
    let province: [Timing, Timing];
    let drillDown: [Timing, Timing];
    let rest: Timing;
    let concurrent: Timing;
    try {
      province = await timedSideBySide(
        runs,
        provinceScorecard,
        options.inProcess.provinceScorecard,
      );
      progress(`province scorecard: ${ms(province[0].p50)} / ${ms(province[0].p95)} ms`);
      drillDown = await timedSideBySide(
        runs,
        drillDownScorecard,
        options.inProcess.drillDownScorecard,
      );
      progress(`drill-down: ${ms(drillDown[0].p50)} / ${ms(drillDown[0].p95)} ms`);
      rest = await timed(runs, restScorecard);
      progress(`REST province scorecard: ${ms(rest.p50)} / ${ms(rest.p95)} ms`);
      concurrent = await timed(runs, async () =>
        (await Promise.all(Array.from({ length: CONCURRENT_CLIENTS }, provinceScorecard))).reduce(
          (sum, figures) => sum + figures,
          0,
        ),
      );
      progress(
        `${CONCURRENT_CLIENTS} province scorecards at once: ${ms(concurrent.p50)} / ${ms(concurrent.p95)} ms`,
      );
    } finally {
      prototype.query = original;
    }
    const measured = performance.now() - measureStart;
    const loadAfter = loadavg()[0] ?? 0;

    const pair = (timing: Timing): string =>
      `${ms(timing.p50)} / ${ms(timing.p95)} (${timing.rows.toLocaleString('en-US')})`;
    const row = (
      measure: string,
      api: Timing,
      inProcess: Timing | undefined,
      counts: readonly number[],
      target: string,
    ): string =>
      `| ${measure} | ${pair(api)} | ${inProcess === undefined ? '—' : pair(inProcess)} | ${
        inProcess === undefined
          ? '—'
          : `+${ms(api.p50 - inProcess.p50)} ms (×${(api.p50 / inProcess.p50).toFixed(2)})`
      } | ${spread(counts)} | ${target} |`;
    return [
      `##### ${configuration.name}`,
      '',
      `${analytics.engine}; started in ${ms(started / 1000)} s; measured in ${ms(measured / 1000)} s; 1-minute load average ${loadBefore.toFixed(1)} when it began, ${loadAfter.toFixed(1)} when it ended (${cpus().length} cores). The in-process side: the ${INDICATOR_NAMES.length} province queries of the scorecard; the ${indicatorsPerSchool} indicators computed per school, at school grain within ${district}.`,
      '',
      '| request | through the api: p50 / p95 ms (figures) | the same figures in process, alternating: p50 / p95 ms (rows) | api − in process at p50 (api ÷ in process) | ClickHouse queries per request | quality.md target |',
      '| --- | --- | --- | --- | --- | --- |',
      row(
        `GraphQL province scorecard: \`area(code: "44") { districts { scorecard } }\`, ${options.districts.length} districts`,
        province[0],
        province[1],
        provinceCounts.slice(0, runs + 1),
        verdict(province[0].p95, PROVINCE_TARGET_MS),
      ),
      row(
        `GraphQL drill-down: \`area(code: "${district}") { schools { scorecard } }\`, ${expectedSchools} schools × ${indicatorsPerSchool} indicators`,
        drillDown[0],
        drillDown[1],
        drillDownCounts,
        verdict(drillDown[0].p95, DRILL_DOWN_TARGET_MS),
      ),
      row(
        `REST \`GET /v1/areas/44/scorecard?schoolYear=${schoolYear}\`: the province's own figures, ${restIndicators} indicators`,
        rest,
        undefined,
        restCounts,
        '(for comparison)',
      ),
      row(
        `${CONCURRENT_CLIENTS} dashboards at once: the GraphQL province scorecard ${CONCURRENT_CLIENTS} times together (figures of all)`,
        concurrent,
        undefined,
        [],
        '(for comparison)',
      ),
      '',
    ];
  } finally {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
