import type { RecordedEvent } from '@junheng/event-store';

/**
 * One read model: the rows a batch of events adds to one table. Pure. Every row carries its
 * event's `transaction_id` and `global_position`; the writer adds `source`, and reads them back
 * to learn how far the table has applied each source.
 */
export interface Projection {
  readonly table: string;
  rows(events: readonly RecordedEvent[]): object[];
}

/** ClickHouse DateTime64 input: `2024-10-15 08:00:00.000` in UTC. */
export function clickhouseDateTime(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '');
}
