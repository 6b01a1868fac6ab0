import type { AnalyticsClient } from '../client/analytics-client';
import { clickhouseDateTime } from '../projections/projection';

export interface DeadLetterRow {
  readonly origin: string;
  readonly source: string;
  readonly streamId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly reason: string;
  readonly detail: string;
  readonly heldBehind: string;
  readonly value: string;
}

/**
 * The dead letters as ClickHouse keeps them (table `dead_letters`, one row per origin): for
 * inspectors, and so a restarted projector still knows which streams are held back.
 */
export class DeadLetterStore {
  constructor(private readonly analytics: AnalyticsClient) {}

  async record(letters: readonly DeadLetterRow[], at: Date): Promise<void> {
    if (letters.length === 0) return;
    await this.analytics.insert(
      'dead_letters',
      letters.map((letter) => ({
        origin: letter.origin,
        source: letter.source,
        stream_id: letter.streamId,
        event_id: letter.eventId,
        event_type: letter.eventType,
        reason: letter.reason,
        detail: letter.detail,
        held_behind: letter.heldBehind,
        value: letter.value,
        dead_at: clickhouseDateTime(at.toISOString()),
      })),
      // A redelivered batch dead-letters the same origins again: dropped as a retry.
      { deduplicationToken: `dead-letters:${letters.map((letter) => letter.origin).join(',')}` },
    );
  }

  /** Each held stream with the origin of the poison message it waits behind. */
  async heldStreams(): Promise<Map<string, string>> {
    const rows = await this.analytics.query<{ stream_id: string; behind: string }>(
      `SELECT stream_id, argMin(origin, dead_at) AS behind
       FROM {db:Identifier}.dead_letters FINAL
       WHERE stream_id != '' AND reason != 'held-back'
       GROUP BY stream_id`,
    );
    return new Map(rows.map((row) => [row.stream_id, row.behind]));
  }

  async count(): Promise<Record<string, number>> {
    const rows = await this.analytics.query<{ reason: string; letters: string }>(
      `SELECT reason, count() AS letters FROM {db:Identifier}.dead_letters FINAL GROUP BY reason`,
    );
    return Object.fromEntries(rows.map((row) => [row.reason, Number(row.letters)]));
  }
}
