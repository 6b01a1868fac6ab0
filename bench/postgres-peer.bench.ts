import { cpus, loadavg } from 'node:os';
import { Client, Pool } from 'pg';
import {
  DEFAULT_FORMULA_SETTINGS,
  INDICATORS,
  INDICATOR_NAMES,
  indicatorParameters,
} from '@junheng/analytics';
import type {
  AnalyticsClient,
  IndicatorName,
  IndicatorQueries,
  IndicatorRequest,
} from '@junheng/analytics';
import { PostgresExecutor, SqlEventStore } from '@junheng/event-store';
import type { RecordedEvent } from '@junheng/event-store';
import { basicBalancePeer } from './postgres-peer/basic-balance.sql';
import { budgetExecutionPeer } from './postgres-peer/budget-execution.sql';
import { compareCells } from './postgres-peer/cells';
import type { CellComparison } from './postgres-peer/cells';
import { cohortConsolidationPeer } from './postgres-peer/cohort-consolidation.sql';
import { dropoutRatePeer } from './postgres-peer/dropout-rate.sql';
import { fundsDistributionPeer } from './postgres-peer/funds-distribution.sql';
import { highQualityBalancePeer } from './postgres-peer/high-quality-balance.sql';
import { inYearConsolidationPeer } from './postgres-peer/in-year-consolidation.sql';
import {
  LESSON_EXCHANGES_CELL_SQL,
  lessonExchangesPeer,
  lessonExchangesYearPeer,
} from './postgres-peer/lesson-exchanges.sql';
import { outOfSchoolPeer } from './postgres-peer/out-of-school.sql';
import { pairingActivityPeer } from './postgres-peer/pairing-activity.sql';
import type { PeerIndicator } from './postgres-peer/peer-indicator';
import { registerPeer } from './postgres-peer/register.sql';
import { returnRatePeer } from './postgres-peer/return-rate.sql';
import { rotationCoveragePeer } from './postgres-peer/rotation-coverage.sql';
import { PEER_COLUMNS, PEER_INDEXES } from './postgres-peer/schema';
import { schoolMinimumsPeer } from './postgres-peer/school-minimums.sql';
import { bind } from './postgres-peer/sql';
import type { PeerQuery } from './postgres-peer/sql';
import { urbanRuralGapPeer } from './postgres-peer/urban-rural-gap.sql';
import { ms, timedSideBySide } from './timing';
import type { Timing } from './timing';

/**
 * The peer of quality.md's read targets: the same synthetic province loaded into PostgreSQL's
 * event table (the product's own DDL, JSONB payload), the same figures computed by plain SQL
 * over it (bench/postgres-peer/*.sql.ts), beside the product's answers from ClickHouse in the
 * same run: every cell compared, both timed alternately. Indexes and generated columns are what
 * an engineer would add for these questions (postgres-peer/schema.ts); loading and indexing are
 * reported, not compared.
 */
export interface PeerBenchOptions {
  readonly events: readonly RecordedEvent[];
  readonly districts: readonly string[];
  readonly schoolYear: number;
  readonly runs: number;
  readonly indicators: IndicatorQueries;
  readonly analytics: AnalyticsClient;
}

const POSTGRES_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** Per session: the server's 4 MB default makes every sort of a few hundred thousand rows spill. */
const WORK_MEM = process.env.BENCH_PEER_WORK_MEM ?? '64MB';
/** Rows per INSERT: 17 columns each, under PostgreSQL's 65,535 parameters per statement. */
const LOAD_BATCH = 3_000;
const LOADED_COLUMNS = [
  'global_position',
  'transaction_id',
  'event_id',
  'stream_id',
  'stream_type',
  'stream_version',
  'type',
  'schema_version',
  'occurred_at',
  'recorded_at',
  'district_code',
  'actor',
  'actor_role',
  'actor_scope',
  'command_id',
  'correlation_id',
  'data',
] as const;

/** The catalogue's indicators in the order issue 15 asks for them, then the rest. */
const CATALOGUE_PEERS: readonly PeerIndicator[] = [
  dropoutRatePeer,
  outOfSchoolPeer,
  inYearConsolidationPeer,
  cohortConsolidationPeer,
  basicBalancePeer,
  registerPeer,
  returnRatePeer,
  urbanRuralGapPeer,
  highQualityBalancePeer,
  schoolMinimumsPeer,
  rotationCoveragePeer,
  pairingActivityPeer,
  lessonExchangesYearPeer,
  budgetExecutionPeer,
  fundsDistributionPeer,
];

const progress = (message: string): void => {
  process.stderr.write(`indicators, PostgreSQL peer: ${message}\n`);
};

const count = (value: number): string => value.toLocaleString('en-US');
const seconds = (milliseconds: number): string => `${(milliseconds / 1000).toFixed(1)} s`;
const cell = (timing: Timing): string => `${ms(timing.p50)} / ${ms(timing.p95)}`;
const ratio = (product: Timing, peer: Timing): string =>
  peer.p50 > 0 ? (product.p50 / peer.p50).toFixed(2) : '—';
/** `lesson-exchanges (grid)` → `` `lesson-exchanges` (grid) ``: the indicator's name as code. */
const named = (indicator: string): string => indicator.replace(/^(\S+)/, '`$1`');
const cells = (comparison: CellComparison): string =>
  comparison.differing === 0
    ? `${count(comparison.compared)} / ${count(comparison.equal)}`
    : `${count(comparison.compared)} / ${count(comparison.equal)} — **${count(comparison.differing)} MISMATCHED**`;

/** The question every district indicator is asked: every district of the province. */
function provinceQuestion(name: IndicatorName, schoolYear: number): IndicatorRequest {
  return INDICATORS[name].grains.includes('district')
    ? { schoolYear, grain: 'district', within: '' }
    : { schoolYear, grain: 'programme', within: '' };
}

async function load(client: Client, events: readonly RecordedEvent[]): Promise<void> {
  // A bench database: losing the last commits in a crash loses nothing worth keeping.
  await client.query('SET synchronous_commit = off');
  for (let offset = 0; offset < events.length; offset += LOAD_BATCH) {
    const batch = events.slice(offset, offset + LOAD_BATCH);
    const values: unknown[] = [];
    const rows = batch.map((event) => {
      const first = values.length;
      values.push(
        event.globalPosition,
        String(event.transactionId),
        event.eventId,
        event.streamId,
        event.streamType,
        event.streamVersion,
        event.type,
        event.schemaVersion,
        event.occurredAt,
        event.recordedAt,
        event.districtCode,
        event.actor,
        event.actorRole,
        event.actorScope,
        event.commandId,
        event.correlationId,
        JSON.stringify(event.data),
      );
      return `(${LOADED_COLUMNS.map((_, index) => `$${first + index + 1}`).join(', ')})`;
    });
    await client.query(
      `INSERT INTO events (${LOADED_COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`,
      values,
    );
  }
  // The store numbers appends from the sequence: leave it after the loaded positions.
  await client.query(
    `SELECT setval('events_global_position_seq', (SELECT max(global_position) FROM events))`,
  );
}

/** The indexes a query's plan reads, by name (EXPLAIN, not run). */
async function indexesRead(pool: Pool, query: PeerQuery): Promise<string[]> {
  const { rows } = await pool.query<{ 'QUERY PLAN': unknown }>({
    text: `EXPLAIN (FORMAT JSON) ${query.text}`,
    values: query.values,
  });
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [field, value] of Object.entries(node)) {
        if (field === 'Index Name' && typeof value === 'string') names.add(value);
        else walk(value);
      }
    }
  };
  walk(rows[0]?.['QUERY PLAN']);
  return [...names].sort();
}

interface Compared {
  readonly indicator: string;
  readonly product: Timing;
  readonly peer: Timing;
  readonly comparison: CellComparison;
  readonly indexes: string;
  readonly note?: string;
}

/** Runs the peer; answers its part of the indicator section of the report, in markdown. */
export async function postgresPeerBench(options: PeerBenchOptions): Promise<string> {
  const heading = '#### Beside plain PostgreSQL: the peer (issue 15)';
  const admin = new Client({ connectionString: POSTGRES_URL });
  try {
    await admin.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    progress(`SKIPPED — PostgreSQL is not reachable at ${POSTGRES_URL}: ${reason}`);
    return [
      heading,
      '',
      `**Skipped: PostgreSQL not reachable at ${POSTGRES_URL} (${reason}).** No figure was compared.`,
      '',
    ].join('\n');
  }
  // One database per bench process: two benches on one server never share (or drop) a peer.
  const database = `junheng_bench_peer_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  const pool = new Pool({
    connectionString: url.toString(),
    // The scorecard asks every indicator at once, each on its own connection.
    max: INDICATOR_NAMES.length,
    options: `-c work_mem=${WORK_MEM}`,
  });
  // pool.end() resolves before the server has seen every connection go: the forced drop below
  // may still end one, which an idle client reports here rather than crash the bench.
  let ending = false;
  pool.on('error', (error) => {
    if (!ending) progress(`idle connection failed: ${error.message}`);
  });
  try {
    const store = new SqlEventStore(new PostgresExecutor({ connectionString: url.toString() }));
    await store.migrate();
    await store.close();
    const client = await pool.connect();
    let loaded: number;
    const indexTimes: string[] = [];
    let vacuumed: number;
    try {
      for (const statement of PEER_COLUMNS) await client.query(statement);
      const loadStart = performance.now();
      await load(client, options.events);
      loaded = performance.now() - loadStart;
      progress(`loaded ${count(options.events.length)} events in ${seconds(loaded)}`);
      for (const index of PEER_INDEXES) {
        const begin = performance.now();
        await client.query(`CREATE INDEX ${index.name} ${index.definition}`);
        indexTimes.push(`\`${index.name}\` ${seconds(performance.now() - begin)}`);
      }
      const vacuumStart = performance.now();
      // VACUUM sets the visibility map the index-only scans need; ANALYZE the statistics.
      await client.query('VACUUM (ANALYZE) events');
      vacuumed = performance.now() - vacuumStart;
      progress(`indexed: ${indexTimes.join(', ')}; VACUUM ANALYZE ${seconds(vacuumed)}`);
    } finally {
      client.release();
    }
    const [sizes] = (
      await pool.query<{ version: string; table: string; indexes: string; jit: string }>(
        `SELECT version() AS version,
                pg_size_pretty(pg_table_size('events')) AS table,
                pg_size_pretty(pg_indexes_size('events')) AS indexes,
                current_setting('jit') AS jit`,
      )
    ).rows;

    const peerQuery = (peer: PeerIndicator, request: IndicatorRequest): PeerQuery =>
      bind(peer.sql, {
        ...indicatorParameters(request, DEFAULT_FORMULA_SETTINGS),
        districts: options.districts,
      });
    const ask = async (query: PeerQuery): Promise<Record<string, unknown>[]> =>
      (await pool.query<Record<string, unknown>>(query)).rows;

    const results: Compared[] = [];
    const measureStart = performance.now();
    const loadBefore = loadavg()[0] ?? 0;
    const loud = (indicator: string, comparison: CellComparison): void => {
      if (comparison.differing === 0) return;
      progress(
        `MISMATCH — ${indicator}: ${count(comparison.differing)} of ${count(comparison.compared)} cells differ`,
      );
      for (const difference of comparison.differences) progress(`  MISMATCH ${difference}`);
    };

    const compareIndicator = async (
      peer: PeerIndicator,
      productCall: () => Promise<object[]>,
      peerQueryOf: PeerQuery,
      note?: string,
    ): Promise<void> => {
      const comparison = compareCells(peer.key, await productCall(), await ask(peerQueryOf));
      loud(peer.name, comparison);
      const [product, postgres] = await timedSideBySide(
        options.runs,
        async () => (await productCall()).length,
        async () => (await ask(peerQueryOf)).length,
      );
      const indexes = (await indexesRead(pool, peerQueryOf)).map((name) => `\`${name}\``);
      results.push({
        indicator: peer.name,
        product,
        peer: postgres,
        comparison,
        indexes: indexes.length === 0 ? 'none' : indexes.join(', '),
        note,
      });
      progress(
        `${peer.name}: product ${ms(product.p50)} ms, PostgreSQL ${ms(postgres.p50)} ms (p50); ${count(comparison.equal)} of ${count(comparison.compared)} cells equal`,
      );
    };

    const catalogue = (peer: PeerIndicator) => {
      const name = peer.name as IndicatorName;
      const request = provinceQuestion(name, options.schoolYear);
      return {
        product: () => options.indicators.figures<object>(INDICATORS[name], request),
        query: peerQuery(peer, request),
      };
    };

    // Issue 15's order: dropout, out of school, the two consolidations, then the lesson grid
    // and basic balance, then the rest of the catalogue.
    for (const peer of CATALOGUE_PEERS.slice(0, 4)) {
      const { product, query } = catalogue(peer);
      await compareIndicator(peer, product, query);
    }

    // Lesson exchanges by district × month, the year's grid a dashboard shows: the product asks
    // it as a dashboard's monthly series now does, the indicator's monthly query (every month
    // of the year for every district, IndicatorQueries.monthlyFigures), PostgreSQL one query.
    const year = { schoolYear: options.schoolYear, grain: 'district', within: '' } as const;
    const months = Array.from({ length: 12 }, (_, index) => {
      const month = ((index + 8) % 12) + 1;
      const calendarYear = month >= 9 ? options.schoolYear : options.schoolYear + 1;
      return { month, key: `${calendarYear}-${String(month).padStart(2, '0')}` };
    });
    const gridCells = options.districts.flatMap((district) =>
      months.map(({ key }) => ({ district, month: key })),
    );
    type Cell = { unit: string; exchanges: number; attendees: number };
    const productCell = async (district: string, month: number): Promise<object> => {
      const [figure] = await options.indicators.figures<Cell>(INDICATORS['lesson-exchanges'], {
        ...year,
        unit: district,
        month,
      });
      return { exchanges: figure?.exchanges ?? 0, attendees: figure?.attendees ?? 0 };
    };
    const productGrid = async (): Promise<object[]> => {
      const byMonth = await options.indicators.monthlyFigures<Cell>(
        INDICATORS['lesson-exchanges'],
        year,
      );
      return options.districts.flatMap((district) =>
        months.map(({ month, key }) => {
          const figure = byMonth.get(month)?.find((row) => row.unit === district);
          return {
            district,
            month: key,
            exchanges: figure?.exchanges ?? 0,
            attendees: figure?.attendees ?? 0,
          };
        }),
      );
    };
    const productCells = async (): Promise<object[]> => {
      const answer: object[] = [];
      for (const { district, month } of gridCells)
        answer.push({
          district,
          month,
          ...(await productCell(district, Number(month.slice(5, 7)))),
        });
      return answer;
    };
    const gridNote = `${count(gridCells.length)} cells (${options.districts.length} districts × 12 months): the product one query for the year's months (the indicator's monthly query, as a dashboard's monthly series asks it)`;
    await compareIndicator(
      { ...lessonExchangesPeer, name: 'lesson-exchanges (grid)' },
      productGrid,
      peerQuery(lessonExchangesPeer, year),
      `${gridNote}; PostgreSQL one query for the grid`,
    );
    const cellQueries = gridCells.map(({ district, month }) =>
      bind(LESSON_EXCHANGES_CELL_SQL, { district, month: `${month}-01` }),
    );
    {
      const peerCells = async (): Promise<Record<string, unknown>[]> => {
        const answer: Record<string, unknown>[] = [];
        for (const [index, query] of cellQueries.entries())
          answer.push({ ...gridCells[index], ...(await ask(query))[0] });
        return answer;
      };
      const comparison = compareCells(
        lessonExchangesPeer.key,
        await productCells(),
        await peerCells(),
      );
      loud('lesson-exchanges (per cell)', comparison);
      const [product, postgres] = await timedSideBySide(
        options.runs,
        async () => (await productCells()).length,
        async () => (await peerCells()).length,
      );
      const indexes = (await indexesRead(pool, cellQueries[0]!)).map((name) => `\`${name}\``);
      results.push({
        indicator: 'lesson-exchanges (per cell)',
        product,
        peer: postgres,
        comparison,
        indexes: indexes.join(', ') || 'none',
        note: `${count(gridCells.length)} cells, one query per cell on each side, one after another (a dashboard asking cell by cell)`,
      });
    }

    for (const peer of CATALOGUE_PEERS.slice(4)) {
      const { product, query } = catalogue(peer);
      await compareIndicator(peer, product, query);
    }

    // The scorecard: every indicator of the catalogue for every district, at once (each side
    // as a dashboard would ask it: the product through one client, PostgreSQL on 14
    // connections of a pool) and one after another.
    const scorecard = CATALOGUE_PEERS.map((peer) => ({ peer, ...catalogue(peer) }));
    const productAnswers = await Promise.all(scorecard.map(({ product }) => product()));
    const peerAnswers = await Promise.all(scorecard.map(({ query }) => ask(query)));
    const scorecardCells = scorecard
      .map(({ peer }, index) => compareCells(peer.key, productAnswers[index]!, peerAnswers[index]!))
      .reduce(
        (sum, comparison): CellComparison => ({
          compared: sum.compared + comparison.compared,
          equal: sum.equal + comparison.equal,
          differing: sum.differing + comparison.differing,
          differences: [...sum.differences, ...comparison.differences],
        }),
        { compared: 0, equal: 0, differing: 0, differences: [] },
      );
    loud('scorecard', scorecardCells);
    const total = (answers: readonly (readonly object[])[]): number =>
      answers.reduce((sum, answer) => sum + answer.length, 0);
    const [productConcurrent, peerConcurrent] = await timedSideBySide(
      options.runs,
      async () => total(await Promise.all(scorecard.map(({ product }) => product()))),
      async () => total(await Promise.all(scorecard.map(({ query }) => ask(query)))),
    );
    const [productSequential, peerSequential] = await timedSideBySide(
      options.runs,
      async () => {
        const answers: object[][] = [];
        for (const { product } of scorecard) answers.push(await product());
        return total(answers);
      },
      async () => {
        const answers: object[][] = [];
        for (const { query } of scorecard) answers.push(await ask(query));
        return total(answers);
      },
    );
    progress(
      `scorecard: product ${ms(productConcurrent.p50)} ms, PostgreSQL ${ms(peerConcurrent.p50)} ms (p50, concurrently)`,
    );

    const measured = performance.now() - measureStart;
    const loadAfter = loadavg()[0] ?? 0;
    const mismatched = [...results.map((result) => result.comparison), scorecardCells].reduce(
      (sum, comparison) => sum + comparison.differing,
      0,
    );
    const row = (indicator: string, product: Timing, peer: Timing, comparison: CellComparison) =>
      `| ${indicator} | ${cell(product)} | ${cell(peer)} | ${ratio(product, peer)} | ${cells(comparison)} |`;
    return [
      heading,
      '',
      `PostgreSQL: ${sizes?.version.split(',')[0] ?? '?'}, database \`${database}\` (dropped after the run), the product's event table DDL plus the peer's generated columns and indexes (bench/postgres-peer/schema.ts); sessions with \`work_mem = ${WORK_MEM}\`, \`jit = ${sizes?.jit ?? '?'}\`, server settings otherwise as found.`,
      `Loaded ${count(options.events.length)} events (multi-row INSERTs of ${count(LOAD_BATCH)}) in ${seconds(loaded)} (${count(Math.round(options.events.length / (loaded / 1000)))} events/s); indexes built after the load: ${indexTimes.join(', ')}; VACUUM (ANALYZE) ${seconds(vacuumed)}. Table ${sizes?.table ?? '?'}, indexes ${sizes?.indexes ?? '?'} (the product's five and the peer's). Not compared figures.`,
      '',
      'Indexes added by the peer:',
      '',
      ...PEER_INDEXES.map(
        (index) =>
          `- \`${index.name}\` ${index.definition.replace(/^ON /, 'on ')}: ${index.serves}.`,
      ),
      '',
      `Each timing: p50 / p95 in ms over ${options.runs} runs after one warm-up, the product and PostgreSQL alternating; measured in ${seconds(measured)}, 1-minute load average ${loadBefore.toFixed(1)} when it began, ${loadAfter.toFixed(1)} when it ended (${cpus().length} cores). "product ÷ peer" is the ratio of the p50s (below 1: the product is faster). Cells: compared / equal (integers exactly, other numbers to 1e-9 relative, NULL = NULL).${mismatched > 0 ? ` **${count(mismatched)} cells MISMATCHED: see the lines marked MISMATCH on stderr.**` : ''}`,
      '',
      '| indicator | product (chDB) p50 / p95 | PostgreSQL p50 / p95 | product ÷ peer | cells compared / equal |',
      '| --- | --- | --- | --- | --- |',
      ...results.map((result) =>
        row(
          result.note === undefined
            ? named(result.indicator)
            : `${named(result.indicator)}: ${result.note}`,
          result.product,
          result.peer,
          result.comparison,
        ),
      ),
      row(
        `scorecard: all ${scorecard.length} indicators for every district, concurrently (the product's client runs one chDB statement at a time; PostgreSQL on ${scorecard.length} connections)`,
        productConcurrent,
        peerConcurrent,
        scorecardCells,
      ),
      row(
        `scorecard: the same ${scorecard.length} one after another`,
        productSequential,
        peerSequential,
        scorecardCells,
      ),
      '',
      '| indicator | indexes in the PostgreSQL plan |',
      '| --- | --- |',
      ...results.map((result) => `| ${named(result.indicator)} | ${result.indexes} |`),
      '',
    ].join('\n');
  } finally {
    ending = true;
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}
