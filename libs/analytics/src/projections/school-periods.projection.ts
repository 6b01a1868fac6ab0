import type { RecordedEvent } from '@junheng/event-store';
import type { AnalyticsClient } from '../client/analytics-client';
import { loggedColumns } from './fact-row';
import type { Projection } from './projection';
import { HIERARCHY_TYPES, schoolChangeOf } from './school-changes.projection';
import type { SchoolChange } from './school-changes.projection';

/** A school's hierarchy change with its place in the log. */
export interface LoggedSchoolChange extends SchoolChange {
  readonly event_id: string;
  readonly transaction_id: number;
  readonly global_position: number;
}

/** What the periods projection needs to know: each school's changes up to an event. */
export interface SchoolHistory {
  /** The changes of `event`'s school up to and including `event`, in log order. */
  changesUpTo(event: RecordedEvent): readonly LoggedSchoolChange[];
}

/** One period of a school's hierarchy: from `valid_from` on, until the next period's day. */
export interface SchoolPeriod {
  readonly school_code: string;
  readonly valid_from: string;
  readonly district_code: string;
  readonly urban_rural_code: string;
  readonly level: string;
  readonly weak: number;
  readonly merged_into: string;
  readonly closed: number;
}

const logOrder = (a: LoggedSchoolChange, b: LoggedSchoolChange): number =>
  a.transaction_id - b.transaction_id || a.global_position - b.global_position;

/**
 * A school's changes folded into periods, exactly as sql-fragments.ts `SCHOOL_PERIODS` folds
 * `school_changes` for a question as of a past recorded time: in effective-date order (then
 * log order), each field is the last value any change set so far ('' / -1: unchanged), closed
 * once closed; one period per effective day, the state after that day's last change.
 */
export function periodsOf(changes: readonly LoggedSchoolChange[]): SchoolPeriod[] {
  const ordered = [...changes].sort(
    (a, b) =>
      (a.effective_on < b.effective_on ? -1 : a.effective_on > b.effective_on ? 1 : 0) ||
      a.global_position - b.global_position,
  );
  const periods = new Map<string, SchoolPeriod>();
  let state: Omit<SchoolPeriod, 'valid_from'> | undefined;
  for (const change of ordered) {
    state = {
      school_code: change.school_code,
      district_code: change.district_code || (state?.district_code ?? ''),
      urban_rural_code: change.urban_rural_code || (state?.urban_rural_code ?? ''),
      level: change.level || (state?.level ?? ''),
      weak: change.weak === -1 ? (state?.weak ?? 0) : change.weak,
      merged_into: change.into_school_code || (state?.merged_into ?? ''),
      closed: Math.max(change.closed, state?.closed ?? 0),
    };
    periods.set(change.effective_on, { ...state, valid_from: change.effective_on });
  }
  return [...periods.values()];
}

/**
 * `school_periods` (migration 0011): the effective-dated hierarchy dimension, folded once when
 * a change is projected instead of on every indicator query (each query named the fold two to
 * five times, and ClickHouse planned it each time). A change rewrites every period of its
 * school, since a change dated earlier than others carries forward into the later periods;
 * the rows of the latest change replace the earlier ones (ReplacingMergeTree by position).
 *
 * A row is a function of the log up to its event (the school's changes read back from
 * `school_changes`, then taken up to the event's position), so a redelivery or a rebuild
 * writes the same rows. It answers questions asked as of now; a question as of a past
 * recorded time folds `school_changes` up to that time in the query.
 */
export const schoolPeriodsProjection: Projection = {
  table: 'school_periods',
  readsSchoolHistory: true,
  rows: (events, _students, schools) =>
    events
      .filter((event) => HIERARCHY_TYPES.has(event.type))
      .flatMap((event) =>
        periodsOf(schools?.changesUpTo(event) ?? [changeWithPosition(event)]).map((period) => ({
          ...loggedColumns(event),
          ...period,
        })),
      ),
};

function changeWithPosition(event: RecordedEvent): LoggedSchoolChange {
  return {
    ...schoolChangeOf(event),
    event_id: event.eventId,
    transaction_id: event.transactionId,
    global_position: event.globalPosition,
  };
}

/**
 * Reads back the changes of the batch's schools from `school_changes` (written before the
 * periods, the batch's own possibly included) and adds the batch's own: a school has a handful
 * of changes, so this reads a few rows per school the batch changes.
 */
export async function loadSchoolHistory(
  analytics: AnalyticsClient,
  events: readonly RecordedEvent[],
): Promise<SchoolHistory> {
  const changes = events.filter((event) => HIERARCHY_TYPES.has(event.type));
  const schools = [...new Set(changes.map((event) => schoolChangeOf(event).school_code))];
  const rows =
    schools.length === 0
      ? []
      : await analytics.query<
          Omit<LoggedSchoolChange, 'transaction_id' | 'global_position'> & {
            transaction_id: string;
            global_position: string;
            weak: number | string;
            closed: number | string;
          }
        >(
          `SELECT toString(event_id) AS event_id, transaction_id, global_position, school_code,
                  change, toString(effective_on) AS effective_on, name, district_code,
                  urban_rural_code, level, weak, into_school_code, closed
           FROM {db:Identifier}.school_changes
           WHERE school_code IN {schools:Array(String)}
           LIMIT 1 BY event_id`,
          { schools },
        );
  const bySchool = new Map<string, Map<string, LoggedSchoolChange>>();
  const remember = (change: LoggedSchoolChange): void => {
    const known = bySchool.get(change.school_code) ?? new Map<string, LoggedSchoolChange>();
    known.set(change.event_id, change);
    bySchool.set(change.school_code, known);
  };
  for (const row of rows)
    remember({
      ...row,
      transaction_id: Number(row.transaction_id),
      global_position: Number(row.global_position),
      weak: Number(row.weak),
      closed: Number(row.closed),
    });
  for (const event of changes) remember(changeWithPosition(event));
  return {
    changesUpTo(event) {
      const self = changeWithPosition(event);
      return [...(bySchool.get(self.school_code)?.values() ?? [])]
        .filter((change) => logOrder(change, self) <= 0)
        .sort(logOrder);
    },
  };
}
