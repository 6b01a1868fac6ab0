import type { AnalyticsMigration } from './migration';

/**
 * The effective-dated school hierarchy as a dimension (school-periods.projection.ts): one row
 * per school and day from which its district, urban-rural code, level, weak flag and merge
 * hold, folded when a change is projected. The rows of a school's latest change replace the
 * earlier ones (the version is the change's position in the log), so `FINAL` reads the
 * hierarchy as it stands now in a few thousand rows. A deployment migrated from an earlier
 * version fills it with `npm run projections:rebuild -- school_periods` (docs/operations.md).
 */
export const schoolPeriodsMigration: AnalyticsMigration = {
  id: 11,
  name: 'school-periods',
  statements: [
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.school_periods (
       event_id         UUID,
       global_position  UInt64,
       transaction_id   UInt64,
       source           LowCardinality(String) DEFAULT '',
       recorded_at      DateTime64(3, 'UTC'),
       school_code      String,
       valid_from       Date,
       district_code    LowCardinality(String),
       urban_rural_code LowCardinality(String),
       level            LowCardinality(String),
       weak             Int8,
       merged_into      String,
       closed           UInt8
     )
     ENGINE = ReplacingMergeTree(global_position)
     ORDER BY (school_code, valid_from)
     SETTINGS non_replicated_deduplication_window = 10000`,
  ],
};
