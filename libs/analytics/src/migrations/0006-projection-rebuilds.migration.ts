import type { AnalyticsMigration } from './migration';

/** Each blue-green rebuild of a projection table: its version, when it swapped, how much. */
export const projectionRebuildsMigration: AnalyticsMigration = {
  id: 6,
  name: 'projection-rebuilds',
  statements: [
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.projection_rebuilds (
       table_name   LowCardinality(String),
       version      UInt32,
       started_at   DateTime64(3, 'UTC'),
       swapped_at   DateTime64(3, 'UTC'),
       rows_built   UInt64,
       rows_carried UInt64
     )
     ENGINE = MergeTree
     ORDER BY (table_name, version)`,
  ],
};
