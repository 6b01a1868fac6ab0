import type { AnalyticsMigration } from './migration';

/** The columns every row carries (as migration 0007's facts): the writer's exactly-once key. */
const LOGGED = `
       event_id        UUID,
       global_position UInt64,
       transaction_id  UInt64,
       source          LowCardinality(String) DEFAULT '',
       recorded_at     DateTime64(3, 'UTC')`;

/**
 * Rows in recording order: "as of" a past recorded time subtracts what was recorded after it,
 * one range of the key. An event may give several rows (a transfer leaves one school and joins
 * another), so the table is a MergeTree, not replaced by event; the writer's positions and the
 * insert deduplication window keep it exactly-once.
 */
const ENGINE = `
     ENGINE = MergeTree
     ORDER BY (recorded_at, event_id)
     SETTINGS non_replicated_deduplication_window = 10000`;

/**
 * The rollups the indicators read (issue 15): signed changes, one row per change an event makes,
 * each table carrying aggregate projections at the grains the indicators ask. ClickHouse keeps a
 * projection inside every data part, written with the part and merged with it, so a rollup is
 * exactly as complete as its rows: redelivery, a crash between two tables' inserts and a
 * blue-green rebuild behave as for the fact tables. Queries that group by a projection's keys
 * read the projection (a few rows per school and day) instead of the rows.
 */
export const indicatorRollupsMigration: AnalyticsMigration = {
  id: 9,
  name: 'indicator-rollups',
  statements: [
    // The register (在籍) as signed movements: +1 where a student joins a school's register,
    // −1 where they leave it, in the class they are in. The grade on day D is
    // least(final_grade, grade_base + school year of D): promotion needs no event.
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.register_changes (${LOGGED},
       school_code  String,
       level        LowCardinality(String),
       final_grade  UInt8,
       grade_base   Int16,
       change_year  UInt16,
       changed_on   Date,
       delta        Int8,
       PROJECTION by_year (
         SELECT change_year, school_code, level, final_grade, grade_base, sum(delta)
         GROUP BY change_year, school_code, level, final_grade, grade_base
       ),
       PROJECTION by_day (
         SELECT change_year, changed_on, school_code, level, final_grade, grade_base, sum(delta)
         GROUP BY change_year, changed_on, school_code, level, final_grade, grade_base
       )
     )${ENGINE}`,
    // Dropouts (+1 out of school), and the returns and deaths that end them (−1), each at the
    // dropout's school, level, reason and day: out of school on D is the sum up to D, returns
    // and their days out are counted against the dropout they end.
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.dropout_changes (${LOGGED},
       kind           LowCardinality(String),
       school_code    String,
       district_code  LowCardinality(String),
       level          LowCardinality(String),
       reason         LowCardinality(String),
       dropped_out_on Date,
       changed_on     Date,
       days_out       Int32,
       delta          Int8,
       PROJECTION totals (
         SELECT kind, dropped_out_on, changed_on, school_code, district_code, level, reason,
                days_out, sum(delta)
         GROUP BY kind, dropped_out_on, changed_on, school_code, district_code, level, reason,
                  days_out
       )
     )${ENGINE}`,
    // The rollups read a returning or dying student's dropout back from the facts: a skip index
    // finds a few students' rows without reading every student's.
    `ALTER TABLE {db:Identifier}.student_events
       ADD INDEX IF NOT EXISTS student_lookup student TYPE bloom_filter(0.01) GRANULARITY 1`,
    `ALTER TABLE {db:Identifier}.student_events MATERIALIZE INDEX student_lookup`,
  ],
};
