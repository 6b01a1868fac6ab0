import type { AnalyticsMigration } from './migration';

/**
 * Every event as the log carried it, one row per event id. ReplacingMergeTree on the event id
 * plus the insert deduplication window make a redelivered batch change nothing.
 */
export const rawEventsMigration: AnalyticsMigration = {
  id: 1,
  name: 'raw-events',
  statements: [
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.events (
       event_id        UUID,
       type            LowCardinality(String),
       schema_version  UInt16,
       stream_id       String,
       stream_type     LowCardinality(String),
       stream_version  UInt64,
       global_position UInt64,
       transaction_id  UInt64,
       occurred_at     DateTime64(3, 'UTC'),
       recorded_at     DateTime64(3, 'UTC'),
       district_code   LowCardinality(String),
       actor           String,
       command_id      String,
       correlation_id  String,
       data            String
     )
     ENGINE = ReplacingMergeTree
     PARTITION BY toYYYYMM(recorded_at)
     ORDER BY (type, district_code, event_id)
     SETTINGS non_replicated_deduplication_window = 10000`,
  ],
};
