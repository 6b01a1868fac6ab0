import type { AnalyticsMigration } from './migration';

/**
 * The annual reports' values one per row (school-report-values.projection.ts): each conditions
 * or staffing report gives a row per quantity it reports (enrolment by level, floor area,
 * teachers…), keyed by school year, school and quantity. The balance indicators read each
 * school's last value of each quantity from it in one grouping, where reading `school_reports`
 * took a tuple per report kind, a map of the resources and an ARRAY JOIN over them, which the
 * engine planned for every request (the cost of these indicators is planning, not data: a few
 * thousand reports a year). A redelivered report replaces its own rows (the key holds the event
 * and the quantity); a question as of a past recorded time reads the rows recorded by then.
 * A deployment migrated from an earlier version fills it with
 * `npm run projections:rebuild -- school_report_values` (docs/operations.md).
 */
export const schoolReportValuesMigration: AnalyticsMigration = {
  id: 12,
  name: 'school-report-values',
  statements: [
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.school_report_values (
       event_id        UUID,
       global_position UInt64,
       transaction_id  UInt64,
       source          LowCardinality(String) DEFAULT '',
       recorded_at     DateTime64(3, 'UTC'),
       school_code     String,
       district_code   LowCardinality(String),
       school_year     UInt16,
       reported_on     Date,
       report          LowCardinality(String),
       measure         LowCardinality(String),
       amount          Float64
     )
     ENGINE = ReplacingMergeTree
     ORDER BY (school_year, school_code, measure, event_id)
     SETTINGS non_replicated_deduplication_window = 10000`,
  ],
};
