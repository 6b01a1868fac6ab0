import { GRADUATING_CLASS } from './sql';

/**
 * What the peer adds to the product's own event table (libs/event-store/src/sql/schema.ts,
 * applied first by `SqlEventStore.migrate`): stored generated columns for the payload fields
 * the indicator queries filter, join and sort on, and indexes on them. The JSONB payload stays
 * the source; every other field is read from it at query time.
 */

/**
 * The day an event is dated by its payload (valid time), whatever its type: a movement's
 * `date`, a hierarchy change's `effectiveOn` or `registeredOn`, a report's `reportedOn`, an
 * allocation's `allocatedOn`, … A generated column needs an immutable expression; the text to
 * date cast is only stable because of DateStyle, which does not change how an ISO 8601 date
 * (YYYY-MM-DD, all the payloads carry) is read.
 */
const EVENT_DAY_FUNCTION = `
CREATE FUNCTION event_day(data jsonb) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (coalesce(data->>'date', data->>'effectiveOn', data->>'registeredOn', data->>'reportedOn',
                 data->>'allocatedOn', data->>'revokedOn', data->>'budgetedOn', data->>'startDate',
                 data->>'endedOn', data->>'endDate'))::date`;

export const PEER_COLUMNS: readonly string[] = [
  EVENT_DAY_FUNCTION,
  `ALTER TABLE events
     ADD COLUMN event_date      date     GENERATED ALWAYS AS (event_day(data)) STORED,
     ADD COLUMN student         text     GENERATED ALWAYS AS (data->>'student') STORED,
     ADD COLUMN school_code     text     GENERATED ALWAYS AS (data->>'schoolCode') STORED,
     ADD COLUMN to_school_code  text     GENERATED ALWAYS AS (data->>'toSchoolCode') STORED,
     ADD COLUMN level           text     GENERATED ALWAYS AS (data->>'level') STORED,
     ADD COLUMN grade           smallint GENERATED ALWAYS AS ((data->>'grade')::smallint) STORED,
     ADD COLUMN final_grade     smallint GENERATED ALWAYS AS ((data->>'finalGrade')::smallint) STORED`,
];

export interface PeerIndex {
  readonly name: string;
  readonly definition: string;
  /** Why it is there: the queries it serves. */
  readonly serves: string;
}

/** Created after the load (one build each, not one insert at a time), then ANALYZE. */
export const PEER_INDEXES: readonly PeerIndex[] = [
  {
    name: 'events_type_event_date',
    definition: 'ON events (type, event_date)',
    serves:
      'every read of one event type in a period: dropouts, graduations, reports, rotations, pairings, funds, hierarchy changes, lessons',
  },
  {
    name: 'events_student_movements',
    definition:
      'ON events (student, event_date DESC, global_position DESC) INCLUDE (type, school_code, to_school_code, level, grade, final_grade) WHERE student IS NOT NULL',
    serves:
      "each student's last movement up to a day (DISTINCT ON, in index order, index-only): the registers, year-end fates, out of school; the returns of a dropout",
  },
  {
    name: 'events_student_class',
    definition: `ON events (${GRADUATING_CLASS}) WHERE student IS NOT NULL`,
    serves:
      'the movements of the class (届) graduating in a school year, from the grade and final grade each movement states (cohort consolidation)',
  },
  {
    name: 'events_district_type_event_date',
    definition: 'ON events (district_code, type, event_date)',
    serves: "one district's lesson exchanges in one month (the dashboard's per-cell question)",
  },
];
