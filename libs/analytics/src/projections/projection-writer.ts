import { randomUUID } from 'node:crypto';
import type { LogPosition, RecordedEvent } from '@junheng/event-store';
import type { AnalyticsClient } from '../client/analytics-client';
import { clickhouseDateTime } from './projection';
import type { Projection } from './projection';
import { loadSchoolHistory } from './school-periods.projection';
import type { SchoolHistory } from './school-periods.projection';
import { loadStudentHistory } from './student-history';
import type { StudentHistory } from './student-history';

export interface ProjectedBatch {
  readonly events: readonly RecordedEvent[];
  readonly batchId: string;
  /** The ordered source the batch came through: one Kafka partition, or the store tail. */
  readonly source: string;
  /**
   * Changes whenever another process may have written this source meanwhile (a consumer-group
   * rebalance): what the writer remembers about the source is then read again.
   */
  readonly epoch?: number;
  readonly position: LogPosition | null;
}

export interface Watermark {
  /** The furthest commit-ordered position applied, over all sources. */
  readonly transactionId: number;
  readonly globalPosition: number;
  /** The recorded time of the last event applied. */
  readonly recordedAt: string | null;
  readonly sources: number;
}

export interface SourceCheckpoint extends LogPosition {
  readonly source: string;
  /** The recorded time of the last event applied from this source. */
  readonly recordedAt: string;
}

export interface WriterObserver {
  /** Called around each table insert, for the insert-latency metric. */
  insertStarted?(table: string): () => void;
  /** Events of a batch a table had already applied, skipped. */
  duplicatesSkipped?(count: number): void;
}

export interface ProjectionWriterOptions {
  /**
   * Off only for the crash tests' negative control: then nothing is skipped and no insert is
   * deduplicated, and the oracle must see the doubles.
   */
  readonly exactlyOnce?: boolean;
  /** Test-only fault points (the crash matrix): called before and between the inserts. */
  readonly faultPoint?: (point: 'before-insert' | 'between-inserts' | 'after-insert') => void;
  readonly observer?: WriterObserver;
}

const START: LogPosition = { transactionId: 0, globalPosition: 0 };

const after = (event: RecordedEvent, position: LogPosition): boolean =>
  event.transactionId > position.transactionId ||
  (event.transactionId === position.transactionId &&
    event.globalPosition > position.globalPosition);

const SWAP_MARKER_SUFFIX = '__swapping';

/** While this table exists, writers leave `table` alone: a rebuild is swapping it. */
export const swapMarkerOf = (table: string): string => `${table}${SWAP_MARKER_SUFFIX}`;

export class ProjectionSwapInProgress extends Error {
  constructor(marker: string) {
    super(`${marker.slice(0, -SWAP_MARKER_SUFFIX.length)} is being swapped by a rebuild; retrying`);
    this.name = 'ProjectionSwapInProgress';
  }
}

/**
 * The events of a batch not applied yet: beyond the applied position and beyond every earlier
 * event of the batch (a relay that restarted re-publishes a stretch, possibly in one batch).
 */
function freshEvents(events: readonly RecordedEvent[], appliedUpTo: LogPosition): RecordedEvent[] {
  const fresh: RecordedEvent[] = [];
  let high = appliedUpTo;
  for (const event of events) {
    if (!after(event, high)) continue;
    fresh.push(event);
    high = event;
  }
  return fresh;
}

/**
 * Writes a batch into every projection, then the source's checkpoint — with exactly-once
 * effect under at-least-once delivery.
 *
 * A source delivers events in commit order (a Kafka partition is a subsequence of the relay's
 * commit-ordered publishing; the store tail reads commit order), and the relay only publishes
 * an event after every earlier one was acknowledged. So everything a table has applied from a
 * source is exactly the events up to the highest position it holds for that source, and any
 * event at or below that position is a redelivery: skipped. Each row names its source and
 * position, and a single insert is atomic, so the answer is right whatever moment a crash
 * interrupted — before an insert, between two tables' inserts, or after the inserts but before
 * the offset commit. The position is read from the table once per source and epoch, then
 * advanced in memory; an insert that fails forgets it, since the failure may hide a success.
 * The deduplication token additionally drops an identical retry inside the engine.
 */
export class ProjectionWriter {
  private readonly applied = new Map<
    string,
    { epoch: number; tableId: string; position: LogPosition }
  >();
  private readonly exactlyOnce: boolean;

  constructor(
    private readonly analytics: AnalyticsClient,
    private readonly projections: readonly Projection[],
    private readonly options: ProjectionWriterOptions = {},
  ) {
    this.exactlyOnce = options.exactlyOnce ?? true;
  }

  async apply(
    batch: ProjectedBatch,
    observer: WriterObserver | undefined = this.options.observer,
  ): Promise<void> {
    const epoch = batch.epoch ?? 0;
    // A rebuild swaps a table for a new one (EXCHANGE TABLES): what was remembered about the
    // old one does not hold for the new. The table's id tells them apart.
    const tableIds = this.exactlyOnce ? await this.tableIds() : new Map<string, string>();
    this.options.faultPoint?.('before-insert');
    let history: StudentHistory | undefined;
    let schools: SchoolHistory | undefined;
    for (const [index, projection] of this.projections.entries()) {
      if (index > 0) this.options.faultPoint?.('between-inserts');
      const fresh = this.exactlyOnce
        ? freshEvents(
            batch.events,
            await this.appliedUpTo(
              projection.table,
              batch.source,
              epoch,
              tableIds.get(projection.table) ?? '',
            ),
          )
        : [...batch.events];
      if (fresh.length < batch.events.length)
        observer?.duplicatesSkipped?.(batch.events.length - fresh.length);
      if (fresh.length === 0) continue;
      const first = fresh[0]!;
      const last = fresh.at(-1)!;
      // Read once per batch for every rollup that needs it: the whole batch's students, so it
      // answers for whichever part of the batch a table has not applied yet.
      if (projection.readsStudentHistory)
        history ??= await loadStudentHistory(this.analytics, batch.events);
      if (projection.readsSchoolHistory)
        schools ??= await loadSchoolHistory(this.analytics, batch.events);
      const rows = projection
        .rows(fresh, history, schools)
        .map((row) => ({ ...row, source: batch.source }));
      const done = observer?.insertStarted?.(projection.table);
      try {
        await this.analytics.insert(projection.table, rows, {
          // Off, each insert gets a token of its own: the engine must not drop a repeated
          // block by its content hash either, or the negative control would prove nothing.
          deduplicationToken: this.exactlyOnce
            ? `${batch.source}:${first.transactionId}.${first.globalPosition}-${last.transactionId}.${last.globalPosition}:${projection.table}`
            : randomUUID(),
        });
      } catch (error) {
        this.applied.delete(this.key(projection.table, batch.source));
        throw error;
      } finally {
        done?.();
      }
      this.applied.set(this.key(projection.table, batch.source), {
        epoch,
        tableId: tableIds.get(projection.table) ?? '',
        position: { transactionId: last.transactionId, globalPosition: last.globalPosition },
      });
    }
    this.options.faultPoint?.('after-insert');
    if (batch.position === null) return;
    const lastRecordedAt = batch.events.reduce<string | null>(
      (latest, event) => (latest === null || event.recordedAt > latest ? event.recordedAt : latest),
      null,
    );
    await this.analytics.insert('projection_checkpoints', [
      {
        source: batch.source,
        transaction_id: batch.position.transactionId,
        global_position: batch.position.globalPosition,
        last_recorded_at: clickhouseDateTime(lastRecordedAt ?? new Date(0).toISOString()),
        updated_at: clickhouseDateTime(new Date().toISOString()),
      },
    ]);
  }

  /** How far `table` has applied `source`, from the table itself (see the class comment). */
  /**
   * The id of each table, and a refusal while a rebuild swaps one of them: a batch applied then
   * could land beyond what the new table holds and leave a gap, so it waits (the source
   * delivers it again) until the rebuild has swapped and carried the tail over.
   */
  private async tableIds(): Promise<Map<string, string>> {
    const tables = this.projections.map((projection) => projection.table);
    const rows = await this.analytics.query<{ name: string; uuid: string }>(
      `SELECT name, toString(uuid) AS uuid FROM system.tables
       WHERE database = {db:String} AND name IN {names:Array(String)}`,
      { names: [...tables, ...tables.map(swapMarkerOf)] },
    );
    const swapping = rows.find((row) => row.name.endsWith(SWAP_MARKER_SUFFIX));
    if (swapping !== undefined) throw new ProjectionSwapInProgress(swapping.name);
    return new Map(rows.map((row) => [row.name, row.uuid]));
  }

  private async appliedUpTo(
    table: string,
    source: string,
    epoch: number,
    tableId: string,
  ): Promise<LogPosition> {
    const known = this.applied.get(this.key(table, source));
    if (known !== undefined && known.epoch === epoch && known.tableId === tableId)
      return known.position;
    const [row] = await this.analytics.query<{ transaction_id: string; global_position: string }>(
      `SELECT transaction_id, global_position
       FROM {db:Identifier}.{table:Identifier}
       WHERE source = {source:String}
       ORDER BY transaction_id DESC, global_position DESC
       LIMIT 1`,
      { table, source },
    );
    const position =
      row === undefined
        ? START
        : {
            transactionId: Number(row.transaction_id),
            globalPosition: Number(row.global_position),
          };
    this.applied.set(this.key(table, source), { epoch, tableId, position });
    return position;
  }

  private key(table: string, source: string): string {
    return `${table}\u0000${source}`;
  }

  async checkpoint(source: string): Promise<LogPosition> {
    const [row] = await this.analytics.query<{ transaction_id: string; global_position: string }>(
      `SELECT transaction_id, global_position
       FROM {db:Identifier}.projection_checkpoints FINAL
       WHERE source = {source:String}`,
      { source },
    );
    return row === undefined
      ? START
      : { transactionId: Number(row.transaction_id), globalPosition: Number(row.global_position) };
  }

  /** Every source's checkpoint: how far the projection has applied each ordered source. */
  async sourceCheckpoints(): Promise<SourceCheckpoint[]> {
    return (await this.appliedState()).checkpoints;
  }

  /**
   * What the read models are a function of, in one query: every source's checkpoint, and how
   * many rebuilds have been swapped in (a rebuild changes tables without moving a checkpoint).
   */
  async appliedState(): Promise<{ checkpoints: SourceCheckpoint[]; rebuilds: number }> {
    const rows = await this.analytics.query<{
      source: string;
      transaction_id: string;
      global_position: string;
      last_recorded_at: string;
      rebuilds: string;
    }>(
      `SELECT source, transaction_id, global_position, last_recorded_at,
              (SELECT count() FROM {db:Identifier}.projection_rebuilds) AS rebuilds
       FROM {db:Identifier}.projection_checkpoints FINAL
       ORDER BY source`,
    );
    return {
      checkpoints: rows.map((row) => ({
        source: row.source,
        transactionId: Number(row.transaction_id),
        globalPosition: Number(row.global_position),
        recordedAt: new Date(row.last_recorded_at).toISOString(),
      })),
      // No checkpoint yet: nothing applied, nothing rebuilt that a reader could have seen.
      rebuilds: Number(rows[0]?.rebuilds ?? 0),
    };
  }

  async watermark(): Promise<Watermark> {
    const [row] = await this.analytics.query<{
      transaction_id: string;
      global_position: string;
      recorded_at: string;
      sources: string;
    }>(
      `SELECT furthest.1 AS transaction_id, furthest.2 AS global_position, recorded_at, sources
       FROM (
         SELECT max((transaction_id, global_position)) AS furthest,
                max(last_recorded_at) AS recorded_at,
                count() AS sources
         FROM {db:Identifier}.projection_checkpoints FINAL
       )`,
    );
    const sources = Number(row?.sources ?? 0);
    return {
      transactionId: Number(row?.transaction_id ?? 0),
      globalPosition: Number(row?.global_position ?? 0),
      recordedAt:
        sources === 0 || row === undefined ? null : new Date(row.recorded_at).toISOString(),
      sources,
    };
  }
}
