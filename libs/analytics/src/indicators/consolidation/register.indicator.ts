import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { registerTotalsOn } from '../rollup-fragments';
import {
  CONTRIBUTING_EVENTS,
  SCHOOL_PERIODS,
  SCOPED,
  STUDENT_FACTS,
  holdersOn,
  registerOn,
} from '../sql-fragments';

/**
 * 在籍学生数: the students on the register (enrolled or suspended) on the snapshot day, by level
 * and by grade.
 *
 *   students = students whose last movement up to the day leaves them on a register
 *   by_grade = the same by their grade that day: the grade their last movement stated, one more
 *              for each 1 September since (升级), held at the level's final grade
 *
 * - The snapshot day is the end of the requested month or term, or of the school year; a year
 *   still running is read on the as-of day (`registerDay`).
 * - Attributed to the school holding the student's school on the day (through merges) and its
 *   district then.
 *
 * Parameters: schoolYear, month or term, and the common ones. No threshold.
 * Source: domain.md "The school year turns over"; the 学籍 register (在籍 = 在校 + 休学).
 *
 * Read from `register_changes` (the register as signed movements, by year and by day); the
 * facts below find each student's last movement.
 */
const ROLLUP_CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  holdersOn('registerDay'),
  registerTotalsOn('registerDay'),
  `
contributions AS (
  SELECT holder.holder_code AS school_code,
         holder.district_code AS district_code,
         holder.urban_rural_group AS urban_rural_group,
         register.level AS level,
         toString(register.grade) AS measure,
         toUInt32(register.students) AS n
  FROM register_registerDay AS register
  INNER JOIN holders_registerDay AS holder ON holder.school_code = register.school_code
)`,
  SCOPED,
);

const FIGURES = (students: string): string => `
SELECT unit,
       level,
       toUInt32(sum(${students})) AS students,
       CAST(sumMap(map(measure, toUInt32(${students}))), 'Map(String, UInt32)') AS by_grade
FROM scoped
GROUP BY unit, level
ORDER BY unit, level`;

const CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  holdersOn('registerDay'),
  STUDENT_FACTS,
  registerOn('registerDay'),
  `
contributions AS (
  SELECT holder.holder_code AS school_code,
         holder.district_code AS district_code,
         holder.urban_rural_group AS urban_rural_group,
         register.level AS level,
         toString(register.grade) AS measure,
         [register.event_id] AS event_ids
  FROM register_registerDay AS register
  INNER JOIN holders_registerDay AS holder ON holder.school_code = register.school_code
)`,
  SCOPED,
);

export const registerIndicator: IndicatorDefinition = {
  name: 'register',
  family: 'consolidation',
  title: '在籍学生数（分年级）',
  thresholdsInBrief: 'none',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: true,
  byGroup: true,
  byPeriod: true,
  figuresSql: `${ROLLUP_CONTRIBUTIONS}${FIGURES('n')}`,
  factsSql: `${CONTRIBUTIONS}${FIGURES('1')}`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
  headline: { column: 'students', valueUnit: 'count' },
};
