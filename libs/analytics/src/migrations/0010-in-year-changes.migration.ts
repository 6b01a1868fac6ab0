import type { AnalyticsMigration } from './migration';

/**
 * The in-year consolidation rollup (issue 15; in-year-changes.projection.ts): each movement
 * during a school year moves its student from one year-end fate to another, keyed by where the
 * student began the year. Rows in recording order as migration 0009's, with an aggregate
 * projection by year, school, level and fate: a year's figures read a few rows per school.
 */
export const inYearChangesMigration: AnalyticsMigration = {
  id: 10,
  name: 'in-year-changes',
  statements: [
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.in_year_changes (
       event_id         UUID,
       global_position  UInt64,
       transaction_id   UInt64,
       source           LowCardinality(String) DEFAULT '',
       recorded_at      DateTime64(3, 'UTC'),
       school_year      UInt16,
       kind             LowCardinality(String),
       school_code      String,
       level            LowCardinality(String),
       fate_school_code String,
       delta            Int8,
       PROJECTION totals (
         SELECT school_year, kind, school_code, level, fate_school_code, sum(delta)
         GROUP BY school_year, kind, school_code, level, fate_school_code
       )
     )
     ENGINE = MergeTree
     ORDER BY (recorded_at, event_id)
     SETTINGS non_replicated_deduplication_window = 10000`,
  ],
};
