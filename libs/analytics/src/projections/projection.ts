import type { RecordedEvent } from '@junheng/event-store';

/** One read model: the rows a batch of events adds to one table. Pure and idempotent. */
export interface Projection {
  readonly table: string;
  rows(events: readonly RecordedEvent[]): object[];
}

/** ClickHouse DateTime64 input: `2024-10-15 08:00:00.000` in UTC. */
export function clickhouseDateTime(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '');
}
