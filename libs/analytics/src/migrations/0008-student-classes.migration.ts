import type { AnalyticsMigration } from './migration';

/**
 * The school year (issue 14): each student movement carries its level, the level's final grade,
 * the class (届) the student is in and the class they entered the level with; repeats and skips
 * also the class they left. Rows projected before this migration were written under 六三制 with
 * no repeats: the defaults compute what the schema-1 upcaster does for them.
 */
export const studentClassesMigration: AnalyticsMigration = {
  id: 8,
  name: 'student-classes',
  statements: [
    `ALTER TABLE {db:Identifier}.student_events
       ADD COLUMN IF NOT EXISTS level LowCardinality(String)
         DEFAULT if(grade <= 6, 'primary', 'junior') AFTER grade,
       ADD COLUMN IF NOT EXISTS final_grade UInt8
         DEFAULT if(grade <= 6, 6, 9) AFTER level,
       ADD COLUMN IF NOT EXISTS cohort UInt16
         DEFAULT if(toMonth(event_date) >= 9, toYear(event_date), toYear(event_date) - 1)
                 - (grade - if(grade <= 6, 1, 7)) AFTER final_grade,
       ADD COLUMN IF NOT EXISTS entry_cohort UInt16 DEFAULT cohort AFTER cohort,
       ADD COLUMN IF NOT EXISTS from_cohort UInt16 DEFAULT cohort AFTER entry_cohort`,
  ],
};
