import type { AnalyticsMigration } from './migration';

/**
 * Every projected row names the source partition it came through and the log position of its
 * event, so the writer can ask a table how far it has applied each source and skip what is
 * already there (projection-writer.ts). `dead_letters` keeps the events the projector could
 * not apply, and which streams are held back behind them.
 */
export const projectionSourcesMigration: AnalyticsMigration = {
  id: 5,
  name: 'projection-sources',
  statements: [
    `ALTER TABLE {db:Identifier}.events
       ADD COLUMN IF NOT EXISTS source LowCardinality(String) DEFAULT '' AFTER transaction_id`,
    `ALTER TABLE {db:Identifier}.lesson_exchanges
       ADD COLUMN IF NOT EXISTS transaction_id UInt64 DEFAULT 0 AFTER global_position,
       ADD COLUMN IF NOT EXISTS source LowCardinality(String) DEFAULT '' AFTER transaction_id`,
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.dead_letters (
       origin       String,
       source       LowCardinality(String),
       stream_id    String,
       event_id     String,
       event_type   String,
       reason       LowCardinality(String),
       detail       String,
       held_behind  String,
       value        String,
       dead_at      DateTime64(3, 'UTC')
     )
     ENGINE = ReplacingMergeTree
     ORDER BY origin
     SETTINGS non_replicated_deduplication_window = 1000`,
  ],
};
