import { ProjectionWriter, swapMarkerOf } from '@junheng/analytics';
import type { AnalyticsClient, DeadLetterStore, Projection } from '@junheng/analytics';
import type { EventSource } from '@junheng/messaging';
import { routeBatch } from '../dead-letters/dead-letter-routing';

export interface RebuildOptions {
  readonly analytics: AnalyticsClient;
  readonly projection: Projection;
  /**
   * Reads the log from its start and labels batches exactly as the live projector's source
   * does (the same Kafka partitions under a new group, or the store tail from the start), so
   * the new table's positions per source mean what the live writer expects after the swap.
   */
  readonly source: EventSource;
  /** The live sources the new table must reach before the swap (`kafka:<topic>:` or `store-tail`). */
  readonly sourcePrefix: string;
  /** The streams held back behind dead letters stay held back in the new table too. */
  readonly deadLetters: DeadLetterStore;
  readonly pollIntervalMs?: number;
  readonly timeoutMs?: number;
  /**
   * How long a batch the live writer already had in hand may take to land, once it has been
   * told to wait (default 5 s; longer than any insert of one batch).
   */
  readonly settleMs?: number;
  readonly progress?: (message: string, details: Readonly<Record<string, unknown>>) => void;
}

export interface RebuildReport {
  readonly table: string;
  readonly version: number;
  /** Rows the new table held when it was swapped in. */
  readonly rowsBuilt: number;
  /** Rows the live projector applied to the old table during the swap, carried over. */
  readonly rowsCarried: number;
}

type Positions = Map<string, readonly [number, number]>;

const beyond = (a: readonly [number, number], b: readonly [number, number]): boolean =>
  a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);

/**
 * Rebuilds one projection table blue-green while the live projector keeps writing:
 *
 * 1. `<table>_v<N>` is created with the table's current structure and filled from the start
 *    of the log through the same writer (exactly-once, per source), until it has reached, for
 *    every live source, the position the live table holds.
 * 2. A marker table `<table>__swapping` tells every live writer to wait (it checks before each
 *    batch and lets the source deliver the batch again later). Once a batch already in hand
 *    has landed, the rows the live table got meanwhile are carried over: the new table is now
 *    complete.
 * 3. `EXCHANGE TABLES` swaps the two atomically: a reader sees the old table whole or the new
 *    one whole, never one half built. Anything that still landed in the old table is carried
 *    over, the old table dropped, the marker removed. The live writers notice the swap by the
 *    table's id and read their positions again from the new table.
 *
 * Change the projection's code (or add columns by a migration), then run the rebuild
 * (`npm run projections:rebuild -- <table>`; docs/operations.md).
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildReport> {
  const { analytics, projection } = options;
  const table = projection.table;
  const version = await nextVersion(analytics, table);
  const building = `${table}_v${version}`;
  const startedAt = new Date();
  let report: RebuildReport | undefined;
  const say = options.progress ?? (() => undefined);
  await analytics.command('DROP TABLE IF EXISTS {db:Identifier}.{building:Identifier}', {
    building,
  });
  // Query parameters are not accepted in CREATE … AS; both names are checked identifiers.
  await analytics.command(
    `CREATE TABLE ${analytics.database}.${building} AS ${analytics.database}.${table}`,
  );
  say('building', { table, building });

  const writer = new ProjectionWriter(analytics, [{ ...projection, table: building }]);
  const held = await options.deadLetters.heldStreams();
  await options.source.start(async (batch) => {
    const { apply } = routeBatch(batch.source, batch.messages, new Map(held));
    await writer.apply({
      events: apply,
      batchId: batch.batchId,
      source: batch.source,
      epoch: batch.epoch,
      // No checkpoint: those belong to the live projector (its resume point and the watermark).
      position: null,
    });
  });
  try {
    const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
    for (;;) {
      const live = await positions(analytics, table, options.sourcePrefix);
      const built = await positions(analytics, building, options.sourcePrefix);
      const behind = [...live].filter(([source, at]) => {
        const reached = built.get(source);
        return reached === undefined || !beyond(reached, at);
      });
      if (behind.length === 0) break;
      if (Date.now() > deadline) {
        throw new Error(`Rebuild of ${table} did not catch up with ${behind.length} source(s)`);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 200));
    }
  } finally {
    await options.source.stop();
  }

  // Stop the live writer (it checks for the marker before each batch), let the batch it may
  // have in hand land, and bring the new table up to the old one: it is then complete.
  const marker = swapMarkerOf(table);
  await analytics.command(
    'CREATE TABLE IF NOT EXISTS {db:Identifier}.{marker:Identifier} (at DateTime) ENGINE = Memory',
    { marker },
  );
  const settle = () => new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 5_000));
  let rowsCarried = 0;
  try {
    await settle();
    rowsCarried += await carryOver(analytics, table, building, options.sourcePrefix);
    const rowsBuilt = await count(analytics, building);
    await analytics.command(
      'EXCHANGE TABLES {db:Identifier}.{table:Identifier} AND {db:Identifier}.{building:Identifier}',
      { table, building },
    );
    say('swapped', { table, rowsBuilt });
    // `building` names the old table now. An insert that was already under way when the
    // marker appeared may have landed in it after the carry-over: bring that over too.
    await settle();
    rowsCarried += await carryOver(analytics, building, table, options.sourcePrefix);
    await analytics.command('DROP TABLE {db:Identifier}.{building:Identifier}', { building });
    report = { table, version, rowsBuilt, rowsCarried };
  } finally {
    await analytics.command('DROP TABLE IF EXISTS {db:Identifier}.{marker:Identifier}', {
      marker,
    });
  }
  if (report === undefined) throw new Error(`Rebuild of ${table} did not finish`);
  await analytics.insert('projection_rebuilds', [
    {
      table_name: table,
      version,
      started_at: startedAt.toISOString().replace('T', ' ').replace('Z', ''),
      swapped_at: new Date().toISOString().replace('T', ' ').replace('Z', ''),
      rows_built: report.rowsBuilt,
      rows_carried: report.rowsCarried,
    },
  ]);
  say('done', { ...report });
  return report;
}

/**
 * Copies into `to` the rows of `from` beyond what `to` holds, source by source (and never an
 * event `to` already has). Answers how many rows it copied.
 */
async function carryOver(
  analytics: AnalyticsClient,
  from: string,
  to: string,
  sourcePrefix: string,
): Promise<number> {
  const before = await count(analytics, to);
  const reached = await positions(analytics, to, sourcePrefix);
  for (const source of (await positions(analytics, from, sourcePrefix)).keys()) {
    const [transactionId, globalPosition] = reached.get(source) ?? [0, 0];
    await analytics.command(
      `INSERT INTO {db:Identifier}.{to:Identifier}
       SELECT * FROM {db:Identifier}.{from:Identifier}
       WHERE source = {source:String}
         AND (transaction_id, global_position) > ({transactionId:UInt64}, {globalPosition:UInt64})
         AND event_id NOT IN (
           SELECT event_id FROM {db:Identifier}.{to:Identifier} WHERE source = {source:String}
         )`,
      { from, to, source, transactionId, globalPosition },
      // Stated, not inherited: chDB carries a previous query's settings over (analytics-client.ts).
      { insert_deduplicate: 0, insert_deduplication_token: '' },
    );
  }
  return (await count(analytics, to)) - before;
}

async function nextVersion(analytics: AnalyticsClient, table: string): Promise<number> {
  const [row] = await analytics.query<{ version: string }>(
    `SELECT max(version) AS version FROM {db:Identifier}.projection_rebuilds
     WHERE table_name = {table:String}`,
    { table },
  );
  // The table as first migrated is version 1.
  return Math.max(1, Number(row?.version ?? 0)) + 1;
}

async function count(analytics: AnalyticsClient, table: string): Promise<number> {
  const [row] = await analytics.query<{ rows: string }>(
    'SELECT count() AS rows FROM {db:Identifier}.{table:Identifier}',
    { table },
  );
  return Number(row?.rows ?? 0);
}

/** The furthest position each source has reached in `table`. */
async function positions(
  analytics: AnalyticsClient,
  table: string,
  sourcePrefix: string,
): Promise<Positions> {
  const rows = await analytics.query<{ source: string; tx: string; gp: string }>(
    `SELECT source, at.1 AS tx, at.2 AS gp
     FROM (
       SELECT source, max((transaction_id, global_position)) AS at
       FROM {db:Identifier}.{table:Identifier}
       WHERE startsWith(source, {prefix:String})
       GROUP BY source
     )`,
    { table, prefix: sourcePrefix },
  );
  return new Map(rows.map((row) => [row.source, [Number(row.tx), Number(row.gp)] as const]));
}
