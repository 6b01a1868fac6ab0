import type { RecordedEvent } from '@junheng/event-store';
import type { SchoolHistory } from './school-periods.projection';
import type { StudentHistory } from './student-history';

/**
 * One read model: the rows a batch of events adds to one table. Pure. Every row carries its
 * event's `transaction_id` and `global_position`; the writer adds `source`, and reads them back
 * to learn how far the table has applied each source.
 */
export interface Projection {
  readonly table: string;
  /**
   * A rollup whose rows depend on a student's earlier movements (a return ends a dropout it
   * does not describe): the writer reads them first (student-history.ts) and passes them in.
   */
  readonly readsStudentHistory?: boolean;
  /** A dimension whose rows depend on a school's earlier hierarchy changes (the periods). */
  readonly readsSchoolHistory?: boolean;
  rows(
    events: readonly RecordedEvent[],
    history?: StudentHistory,
    schools?: SchoolHistory,
  ): object[];
}

/** ClickHouse DateTime64 input: `2024-10-15 08:00:00.000` in UTC. */
export function clickhouseDateTime(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '');
}
