import { cpus, loadavg } from 'node:os';
import {
  AnalyticsClient,
  ANALYTICS_MIGRATIONS,
  DEFAULT_FORMULA_SETTINGS,
  INDICATORS,
  INDICATOR_NAMES,
  IndicatorQueries,
  indicatorParameters,
  migrateAnalytics,
} from '@junheng/analytics';
import type { IndicatorDefinition, IndicatorName, IndicatorRequest } from '@junheng/analytics';
import { apiProcessBench } from './api-process';
import { asOfBench } from './as-of.bench';
import { indicatorApiBench } from './indicator-api.bench';
import { postgresPeerBench } from './postgres-peer.bench';
import { PROVINCE_SCALES, projectProvince, syntheticProvince } from './synthetic-province';
import type { ProvinceScale } from './synthetic-province';
import { ms, timed, timedSideBySide } from './timing';
import type { Timing } from './timing';

/**
 * Indicator query latency on the analytics engine (chDB unless `BENCH_CLICKHOUSE_URL`), over a
 * generated province projected the way the projector would: for every indicator of the
 * catalogue, the figures of every district of the province, the figures of every school of
 * one district, the first page of the events behind one district's figure, and the province
 * scorecard (every indicator at once). In process first: the engine's share of quality.md's
 * read-latency targets; then the same reads through the api (indicator-api.bench.ts).
 */
/**
 * `BENCH_SCALE` (small, medium, large): one of quality.md's datasets (PROVINCE_SCALES); unset,
 * the province of the knobs below. A knob that is set overrides the scale's value.
 */
const SCALE = process.env.BENCH_SCALE;
if (SCALE !== undefined && !Object.keys(PROVINCE_SCALES).includes(SCALE))
  throw new Error(
    `BENCH_SCALE: unknown scale "${SCALE}" (scales: ${Object.keys(PROVINCE_SCALES).join(', ')})`,
  );
const PRESET = SCALE === undefined ? undefined : PROVINCE_SCALES[SCALE as ProvinceScale];
const SCHOOLS = Number(process.env.BENCH_INDICATOR_SCHOOLS ?? PRESET?.schools ?? 1_000);
const STUDENTS = Number(process.env.BENCH_INDICATOR_STUDENTS ?? PRESET?.students ?? 150_000);
const CITIES = Number(process.env.BENCH_INDICATOR_CITIES ?? PRESET?.cities ?? 4);
const DISTRICTS_PER_CITY = Number(
  process.env.BENCH_INDICATOR_DISTRICTS_PER_CITY ?? PRESET?.districtsPerCity ?? 5,
);
const RUNS = Math.max(1, Number(process.env.BENCH_INDICATOR_RUNS ?? 10));
const SEED = Number(process.env.BENCH_SEED ?? 2024);
/** School years of facts, ending with the measured one. */
const YEARS = Math.max(1, Number(process.env.BENCH_INDICATOR_YEARS ?? 6));
const SCHOOL_YEAR = 2024;
const BATCH = 10_000;
const EVENTS_PAGE = { limit: 100, offset: 0 };

export interface IndicatorBenchOptions {
  /** chDB binds one data directory per process: the bench's other parts use the same one. */
  readonly chdbPath: string;
  readonly clickhouseUrl?: string;
}

const cell = (timing: Timing): string =>
  `${ms(timing.p50)} / ${ms(timing.p95)} (${timing.rows.toLocaleString('en-US')})`;
const count = (value: number): string => value.toLocaleString('en-US');

/** The three questions asked of each indicator, at the finest grain it is computed at. */
function questions(
  definition: IndicatorDefinition,
  district: string,
): {
  province: IndicatorRequest;
  drillDown: IndicatorRequest;
  events: IndicatorRequest;
} {
  const year = { schoolYear: SCHOOL_YEAR };
  if (!definition.grains.includes('district')) {
    // budget-execution is computed per programme only: all of them, the district's own.
    return {
      province: { ...year, grain: 'programme', within: '' },
      drillDown: { ...year, grain: 'programme', within: district },
      events: { ...year, grain: 'programme', unit: `D${district}-${SCHOOL_YEAR}` },
    };
  }
  return {
    province: { ...year, grain: 'district', within: '' },
    drillDown: {
      ...year,
      grain: definition.grains.includes('school') ? 'school' : 'district',
      within: district,
    },
    events: { ...year, grain: 'district', unit: district },
  };
}

/** How many times the query's plan reads each table (a CTE is inlined wherever it is named). */
async function tableReads(
  analytics: AnalyticsClient,
  definition: IndicatorDefinition,
  request: IndicatorRequest,
): Promise<string> {
  const plan = await analytics.query<{ explain: string }>(
    `EXPLAIN PLAN ${definition.figuresSql}`,
    indicatorParameters(request, DEFAULT_FORMULA_SETTINGS),
  );
  const reads = new Map<string, number>();
  for (const { explain } of plan) {
    const table = /ReadFromMergeTree \((?:\w+\.)?(\w+)\)/.exec(explain)?.[1];
    if (table !== undefined) reads.set(table, (reads.get(table) ?? 0) + 1);
  }
  return [...reads]
    .sort((a, b) => b[1] - a[1])
    .map(([table, times]) => `${table} ×${times}`)
    .join(', ');
}

const progress = (message: string): void => {
  process.stderr.write(`indicators: ${message}\n`);
};

/** Runs the indicator part of the bench; answers its section of the report, in markdown. */
export async function indicatorQueriesBench(options: IndicatorBenchOptions): Promise<string> {
  const generateStart = performance.now();
  const province = syntheticProvince({
    seed: SEED,
    cities: CITIES,
    districtsPerCity: DISTRICTS_PER_CITY,
    schools: SCHOOLS,
    students: STUDENTS,
    schoolYear: SCHOOL_YEAR,
    years: YEARS,
  });
  const generated = performance.now() - generateStart;
  progress(`generated ${count(province.events.length)} events in ${ms(generated / 1000)} s`);

  const open = (database: string): Promise<AnalyticsClient> =>
    AnalyticsClient.open({ database, chdbPath: options.chdbPath, url: options.clickhouseUrl });
  const analytics = await open(`bench_indicators_${Date.now()}`);
  // The same queries over the same, empty tables: what a query costs whatever the data
  // (parsing, analysis, planning, starting its pipeline).
  const empty = await open(`bench_indicators_empty_${Date.now()}`);
  try {
    await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
    await migrateAnalytics(empty, ANALYTICS_MIGRATIONS);
    const projectStart = performance.now();
    await projectProvince(analytics, province, BATCH);
    const projected = performance.now() - projectStart;
    progress(`projected in ${ms(projected / 1000)} s`);

    const [engine] = await analytics.query<{ version: string }>('SELECT version() AS version');
    const tables = await analytics.query<{ table: string; rows: string; parts: string }>(
      `SELECT table, sum(rows) AS rows, count() AS parts FROM system.parts
       WHERE database = {db:String} AND active GROUP BY table ORDER BY table`,
    );

    const indicators = new IndicatorQueries(analytics);
    const emptyIndicators = new IndicatorQueries(empty);
    // The largest district: its school grain is the heaviest drill-down.
    const sizes = new Map<string, number>();
    for (const school of province.schools)
      sizes.set(school.district, (sizes.get(school.district) ?? 0) + 1);
    const [district, districtSchools] = [...sizes].sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
    )[0]!;

    const rows: string[] = [];
    const sequentialP50: number[] = [];
    const measureStart = performance.now();
    const loadBefore = loadavg()[0] ?? 0;
    for (const name of INDICATOR_NAMES) {
      const definition: IndicatorDefinition = INDICATORS[name];
      const asked = questions(definition, district);
      const provinceTiming = await timed(
        RUNS,
        async () => (await indicators.figures(definition, asked.province)).length,
      );
      const drillDown = await timed(
        RUNS,
        async () => (await indicators.figures(definition, asked.drillDown)).length,
      );
      const events = await timed(
        RUNS,
        async () => (await indicators.events(definition, asked.events, EVENTS_PAGE)).length,
      );
      const emptyProvince = await timed(
        RUNS,
        async () => (await emptyIndicators.figures(definition, asked.province)).length,
      );
      const reads = await tableReads(analytics, definition, asked.province);
      sequentialP50.push(provinceTiming.p50);
      rows.push(
        `| \`${name}\` | ${asked.province.grain} | ${cell(provinceTiming)} | ${asked.drillDown.grain} | ${cell(drillDown)} | ${cell(events)} | ${ms(emptyProvince.p50)} / ${ms(emptyProvince.p95)} | ${reads} |`,
      );
      progress(
        `${name}: ${ms(provinceTiming.p50)} / ${ms(drillDown.p50)} / ${ms(events.p50)} ms (p50)`,
      );
    }

    const provinceQuestions = INDICATOR_NAMES.map(
      (name: IndicatorName) =>
        [INDICATORS[name], questions(INDICATORS[name], district).province] as const,
    );
    const scorecardConcurrently = async (): Promise<number> =>
      (
        await Promise.all(
          provinceQuestions.map(([definition, request]) => indicators.figures(definition, request)),
        )
      ).reduce((sum, answer) => sum + answer.length, 0);
    const [scorecard, scorecardSequential] = await timedSideBySide(
      RUNS,
      scorecardConcurrently,
      async () => {
        let answered = 0;
        for (const [definition, request] of provinceQuestions)
          answered += (await indicators.figures(definition, request)).length;
        return answered;
      },
    );
    const roundTrip = await timed(
      RUNS,
      async () => (await analytics.query('SELECT 1 AS one')).length,
    );
    const rawScan = await timed(
      RUNS,
      async () =>
        (
          await analytics.query(
            `SELECT district_code, countIf(type = 'StudentDroppedOut') AS dropouts, count() AS movements
             FROM {db:Identifier}.student_events FINAL GROUP BY district_code`,
          )
        ).length,
    );
    const measured = performance.now() - measureStart;
    const loadAfter = loadavg()[0] ?? 0;
    progress(`measured in ${ms(measured / 1000)} s`);

    // What a school's scorecard shows: every indicator computed per school (the others have no
    // school figure), here for every school of the drill-down district at once.
    const perSchool: IndicatorRequest = {
      schoolYear: SCHOOL_YEAR,
      grain: 'school',
      within: district,
    };
    const schoolDefinitions = INDICATOR_NAMES.map(
      (name: IndicatorName): IndicatorDefinition => INDICATORS[name],
    ).filter((definition) => definition.grains.includes('school'));
    let api: string[];
    try {
      // Before the finally below drops the database: the api reads the same projection.
      api = await indicatorApiBench({
        chdbPath: options.chdbPath,
        clickhouseUrl: options.clickhouseUrl,
        database: analytics.database,
        runs: RUNS,
        schoolYear: SCHOOL_YEAR,
        districts: province.districts,
        drillDownDistrict: district,
        events: province.events,
        inProcess: {
          provinceScorecard: scorecardConcurrently,
          drillDownScorecard: async () =>
            (
              await Promise.all(
                schoolDefinitions.map((definition) => indicators.figures(definition, perSchool)),
              )
            ).reduce((sum, answer) => sum + answer.length, 0),
        },
      });
    } catch (error) {
      // The in-process figures above stay worth reporting; the bench still ends in failure.
      process.exitCode = 1;
      const reason = error instanceof Error ? error.message : String(error);
      progress(`api part failed: ${reason}`);
      api = ['#### Through the api (HTTP on loopback)', '', `Failed: ${reason}`, ''];
    }
    let apiProcess: string[];
    try {
      // Also before the database is dropped: the api process gets a copy of the projection.
      apiProcess = await apiProcessBench({
        chdbPath: options.chdbPath,
        clickhouseUrl: options.clickhouseUrl,
        analytics,
        database: analytics.database,
        runs: RUNS,
        schoolYear: SCHOOL_YEAR,
        drillDownDistrict: district,
      });
    } catch (error) {
      process.exitCode = 1;
      const reason = error instanceof Error ? error.message : String(error);
      progress(`api process part failed: ${reason}`);
      apiProcess = [
        '#### The api in its own process: resident memory',
        '',
        `Failed: ${reason}`,
        '',
      ];
    }

    // A past recorded time inside the measured year: its spring term.
    const asOf = await asOfBench(indicators, {
      runs: RUNS,
      schoolYear: SCHOOL_YEAR,
      asOf: `${SCHOOL_YEAR + 1}-03-01T00:00:00.000Z`,
    });
    progress('as of a past time measured');

    // Also before the database is dropped: the product's side of each comparison reads it.
    let peer: string;
    try {
      peer = await postgresPeerBench({
        events: province.events,
        districts: province.districts,
        schoolYear: SCHOOL_YEAR,
        runs: RUNS,
        indicators,
        analytics,
      });
    } catch (error) {
      process.exitCode = 1;
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
      progress(`PostgreSQL peer failed: ${reason}`);
      peer = [
        '#### Beside plain PostgreSQL: the peer (issue 15)',
        '',
        `Failed: ${reason}`,
        '',
      ].join('\n');
    }

    // Six years of facts give every district a cohort consolidation rate at both levels.
    const cohortRates = await indicators.figures<{ level: string; rate: number | null }>(
      INDICATORS['cohort-consolidation'],
      { schoolYear: SCHOOL_YEAR, grain: 'district', within: '' },
    );
    const cohortCoverage = ['primary', 'junior']
      .map(
        (level) =>
          `${cohortRates.filter((figure) => figure.level === level && figure.rate !== null).length} of ${province.districts.length} districts in ${level} school`,
      )
      .join(' and ');
    const studentEvents = Object.entries(province.eventTypes)
      .filter(([type]) => type.startsWith('Student'))
      .reduce((sum, [, value]) => sum + value, 0);
    const schoolsBy = (key: 'group' | 'level'): string =>
      [...new Set(province.schools.map((school) => school[key]))]
        .map(
          (value) =>
            `${value} ${province.schools.filter((school) => school[key] === value).length}`,
        )
        .join(', ');
    return [
      `### Indicator queries (${analytics.engine}, ClickHouse ${engine?.version ?? '?'})`,
      '',
      `Province${SCALE === undefined ? '' : ` (scale \`${SCALE}\`)`}: ${province.cities.length} cities, ${province.districts.length} districts, ${count(province.schools.length)} schools (${schoolsBy('level')}; ${schoolsBy('group')}; ${province.schools.filter((school) => school.weak).length} weak), ${count(province.students)} students on the register on ${SCHOOL_YEAR}-09-01; facts of the school years ${province.firstYear}–${SCHOOL_YEAR}, the last one measured; seed ${SEED}.`,
      `Cohort consolidation in ${SCHOOL_YEAR} (classes entered in ${SCHOOL_YEAR - 5} and ${SCHOOL_YEAR - 2}, followed through the log): a rate for ${cohortCoverage}.`,
      `Log: ${count(province.events.length)} events (${count(studentEvents)} student events), generated in ${ms(generated / 1000)} s, projected in ${ms(projected / 1000)} s (${count(Math.round(province.events.length / (projected / 1000)))} events/s, batches of ${count(BATCH)}).`,
      `Event types: ${Object.entries(province.eventTypes)
        .sort((a, b) => b[1] - a[1])
        .map(([type, value]) => `${type} ${count(value)}`)
        .join(', ')}.`,
      `Tables (rows / active parts when measured): ${tables.map((table) => `${table.table} ${count(Number(table.rows))} / ${table.parts}`).join(', ')}.`,
      `Drill-down district: ${district} (${districtSchools} schools). Each cell: p50 / p95 in ms over ${RUNS} runs after one warm-up (rows answered). Measured in ${ms(measured / 1000)} s; 1-minute load average ${loadBefore.toFixed(1)} when it began, ${loadAfter.toFixed(1)} when it ended (${cpus().length} cores).`,
      '',
      '| indicator | grain | province: every district | grain | one district: every school | events behind one district, first 100 | province query, empty tables | table reads in the province query plan |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      '| measure | p50 / p95 ms (rows) |',
      '| --- | --- |',
      `| scorecard: all ${INDICATOR_NAMES.length} indicators for every district, concurrently (Promise.all) | ${cell(scorecard)} |`,
      `| the same ${INDICATOR_NAMES.length} queries one after another (runs alternate with the row above) | ${cell(scorecardSequential)} |`,
      `| sum of the ${INDICATOR_NAMES.length} province p50s in the first table | ${ms(sequentialP50.reduce((sum, value) => sum + value, 0))} |`,
      `| floor: \`SELECT 1\` through the same client | ${cell(roundTrip)} |`,
      `| baseline: one scan of student_events FINAL, movements and dropouts per district | ${cell(rawScan)} |`,
      '',
      ...asOf,
      ...api,
      ...apiProcess,
      '',
      peer,
    ].join('\n');
  } finally {
    for (const client of [analytics, empty]) {
      await client.command('DROP DATABASE IF EXISTS {db:Identifier} SYNC');
      await client.close();
    }
  }
}
