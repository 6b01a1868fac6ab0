import type { LogPosition, RecordedEvent } from '@junheng/event-store';
import type { AnalyticsClient } from '../client/analytics-client';
import { clickhouseDateTime } from './projection';
import type { Projection } from './projection';

export interface ProjectedBatch {
  readonly events: readonly RecordedEvent[];
  readonly batchId: string;
  readonly source: string;
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

/**
 * Writes a batch into every projection, then the source's checkpoint. Each insert carries a
 * deduplication token derived from the batch id, and every table replaces by event id, so a
 * batch delivered twice leaves the tables as they were. A failed insert throws: the caller
 * must not acknowledge the batch.
 */
export class ProjectionWriter {
  constructor(
    private readonly analytics: AnalyticsClient,
    private readonly projections: readonly Projection[],
  ) {}

  async apply(batch: ProjectedBatch): Promise<void> {
    for (const projection of this.projections) {
      await this.analytics.insert(projection.table, projection.rows(batch.events), {
        deduplicationToken: `${batch.batchId}:${projection.table}`,
      });
    }
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

  async checkpoint(source: string): Promise<LogPosition> {
    const [row] = await this.analytics.query<{ transaction_id: string; global_position: string }>(
      `SELECT transaction_id, global_position
       FROM {db:Identifier}.projection_checkpoints FINAL
       WHERE source = {source:String}`,
      { source },
    );
    return row === undefined
      ? { transactionId: 0, globalPosition: 0 }
      : { transactionId: Number(row.transaction_id), globalPosition: Number(row.global_position) };
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
