import type { AnalyticsMigration } from './migration';

/** The columns every row carries (as migration 0009's rollups): the writer's exactly-once key. */
const LOGGED = `
       event_id         UUID,
       global_position  UInt64,
       transaction_id   UInt64,
       source           LowCardinality(String) DEFAULT '',
       recorded_at      DateTime64(3, 'UTC')`;

/** Rows in recording order, as migration 0009's: "as of" T subtracts one range of the key. */
const ENGINE = `
     ENGINE = MergeTree
     ORDER BY (recorded_at, event_id)
     SETTINGS non_replicated_deduplication_window = 10000`;

/**
 * The consolidation rollups (issue 15), each with an aggregate projection at the grain its
 * indicator reads: a year's or a class's figures read a few rows per school.
 */
export const consolidationRollupsMigration: AnalyticsMigration = {
  id: 10,
  name: 'consolidation-rollups',
  statements: [
    // In-year consolidation (in-year-changes.projection.ts): each movement during a school year
    // moves its student from one year-end fate to another, keyed by where they began the year.
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.in_year_changes (${LOGGED},
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
     )${ENGINE}`,
    // Cohort consolidation (cohort-changes.projection.ts): each movement counted for each class
    // it concerns, by the year the class graduates in, both ways repeaters may be counted.
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.cohort_changes (${LOGGED},
       mode        LowCardinality(String),
       class_year  UInt16,
       measure     LowCardinality(String),
       school_code String,
       level       LowCardinality(String),
       delta       Int8,
       PROJECTION totals (
         SELECT mode, class_year, measure, school_code, level, sum(delta)
         GROUP BY mode, class_year, measure, school_code, level
       )
     )${ENGINE}`,
  ],
};
