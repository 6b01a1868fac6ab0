import type { AnalyticsMigration } from './migration';

/** The lesson-exchange projection: one row per LessonExchanged event. */
export const lessonExchangesMigration: AnalyticsMigration = {
  id: 2,
  name: 'lesson-exchanges',
  statements: [
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.lesson_exchanges (
       event_id             UUID,
       district_code        LowCardinality(String),
       month                Date,
       exchange_date        Date,
       host_school_code     String,
       visiting_school_code String,
       kind                 LowCardinality(String),
       subject              LowCardinality(String),
       attendees            UInt32,
       global_position      UInt64,
       recorded_at          DateTime64(3, 'UTC')
     )
     ENGINE = ReplacingMergeTree
     ORDER BY (district_code, month, event_id)
     SETTINGS non_replicated_deduplication_window = 10000`,
  ],
};
