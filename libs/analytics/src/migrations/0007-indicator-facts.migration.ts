import type { AnalyticsMigration } from './migration';

/** Columns every fact row carries: its event, where it sits in the log, when it was recorded. */
const LOGGED = `
       event_id        UUID,
       global_position UInt64,
       transaction_id  UInt64,
       source          LowCardinality(String) DEFAULT '',
       recorded_at     DateTime64(3, 'UTC')`;

const ENGINE = `
     ENGINE = ReplacingMergeTree
     ORDER BY event_id
     SETTINGS non_replicated_deduplication_window = 10000`;

/**
 * The facts the district indicators are computed from (issue 6), one row per event, so that
 * every indicator can be asked "as of" a recorded time and drilled down to its events. State
 * (who is enrolled where on a day, which school a code belongs to) is derived at query time
 * from these rows: a late-recorded event restates the figures it touches, and nothing else.
 */
export const indicatorFactsMigration: AnalyticsMigration = {
  id: 7,
  name: 'indicator-facts',
  statements: [
    // The effective-dated hierarchy: an empty string or -1 means "unchanged by this event".
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.school_changes (${LOGGED},
       school_code      String,
       change           LowCardinality(String),
       effective_on     Date,
       name             String,
       district_code    LowCardinality(String),
       urban_rural_code LowCardinality(String),
       level            LowCardinality(String),
       weak             Int8,
       into_school_code String,
       closed           UInt8
     )${ENGINE}`,
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.school_reports (${LOGGED},
       school_code                    String,
       district_code                  LowCardinality(String),
       report                         LowCardinality(String),
       school_year                    UInt16,
       reported_on                    Date,
       primary_enrolment              UInt32,
       junior_enrolment               UInt32,
       teaching_auxiliary_area_m2     Float64,
       sports_area_m2                 Float64,
       equipment_value_yuan           Float64,
       computers                      UInt32,
       books                          UInt32,
       networked_multimedia_classrooms UInt32,
       full_time_teachers             UInt32,
       above_qualification_teachers   UInt32,
       intermediate_title_teachers    UInt32,
       backbone_teachers              UInt32,
       pe_arts_teachers               UInt32,
       rotation_eligible_teachers     UInt32
     )${ENGINE}`,
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.student_events (${LOGGED},
       student          String,
       type             LowCardinality(String),
       school_code      String,
       district_code    LowCardinality(String),
       grade            UInt8,
       event_date       Date,
       entry            LowCardinality(String),
       to_school_code   String,
       to_district_code LowCardinality(String),
       reason           LowCardinality(String),
       means            LowCardinality(String),
       days_out         Int32
     )${ENGINE}`,
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.teacher_rotations (${LOGGED},
       type               LowCardinality(String),
       rotation_id        String,
       teacher            String,
       from_school_code   String,
       from_district_code LowCardinality(String),
       to_school_code     String,
       to_district_code   LowCardinality(String),
       kind               LowCardinality(String),
       subject            LowCardinality(String),
       backbone           UInt8,
       event_date         Date
     )${ENGINE}`,
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.pairing_changes (${LOGGED},
       type                     LowCardinality(String),
       pairing_id               String,
       programme                String,
       supporting_school_code   String,
       supporting_district_code LowCardinality(String),
       receiving_school_code    String,
       receiving_district_code  LowCardinality(String),
       forms                    Array(LowCardinality(String)),
       start_date               Date,
       end_date                 Date
     )${ENGINE}`,
    // Revocations are negative amounts: a sum is the net allocation as of any recorded time.
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.fund_flows (${LOGGED},
       type          LowCardinality(String),
       programme_id  String,
       name          String,
       level         LowCardinality(String),
       owner_code    LowCardinality(String),
       fiscal_year   UInt16,
       budget_fen    Int64,
       allocation_id String,
       district_code LowCardinality(String),
       school_code   String,
       amount_fen    Int64,
       purpose       LowCardinality(String),
       flow_date     Date
     )${ENGINE}`,
    `ALTER TABLE {db:Identifier}.lesson_exchanges
       ADD COLUMN IF NOT EXISTS pairing_id String DEFAULT '' AFTER attendees`,
  ],
};
