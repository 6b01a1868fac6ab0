import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { levelOfRow, numberCell } from '../indicator-thresholds';
import { rollupTotals } from '../rollup-fragments';
import {
  CONTRIBUTING_EVENTS,
  SCHOOL_PERIODS,
  SCOPED,
  STUDENT_FACTS,
  holdersOn,
  schoolYearOf,
} from '../sql-fragments';

/**
 * 巩固率 (cohort): 小学六年巩固率 and 初中三年巩固率 for the class (届) graduating in school year Y.
 *
 *   rate = min(100, graduates ÷ (entrants + transfers in − transfers out − deaths) × 100)
 *
 * - Every movement states the student's grade that day (promotion on 1 September included), the
 *   level's final grade and the class: so the class graduating in Y is the one whose movements
 *   satisfy  year + (final grade − grade) = Y  — six (or five) primary years, three (or four)
 *   junior, whatever the province's 学制.
 * - entrants: new entrants (StudentEnrolled, new-entrant); transfers in: transfer-in enrolments
 *   and transfers received; transfers out: transfers sent. Within a district a transfer counts
 *   in at one school and out at another, so it nets to zero there.
 * - Repeaters (`repeatersCountIn`): `class` (default) counts a student in the class they are in:
 *   a repeat (留级), a skip (跳级) or a return into another class moves them out of one class and
 *   into the next (or the one before), like a transfer. `entry` keeps every student in the class
 *   they entered the level with; a repeater then graduates after their class and is no graduate
 *   of it, a skipper before and is one.
 * - deaths leave the denominator when `deathsLeaveDenominator` is set (default: they do).
 * - graduates: StudentGraduated of the class, in Y (`entry`: up to Y). A denominator of 0 or
 *   less gives no rate, and so does a year not over yet (as of the question and today): the
 *   measures so far show, the rate waits for the class's graduation season to end.
 * - Attributed to the school holding the class at the end of Y (through merges) and its
 *   district then.
 *
 * Parameters: schoolYear (Y, the graduating year), deathsLeaveDenominator, repeatersCountIn
 * (1: class, 0: entry), and the common ones.
 * Threshold: 初中三年巩固率 ≥ 95% (2017 high-quality balance rules); primary: none by default.
 * Source: domain.md "Consolidation rate"; seed 003 (小学六年巩固率 99.6, 初中三年巩固率 98.3).
 */
const CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  holdersOn('yearEnd'),
  STUDENT_FACTS,
  `
movements AS (
  SELECT *
  FROM (
    SELECT *,
           ${schoolYearOf('event_date')} AS year,
           -- The years of the level less one: a class graduates in (its cohort + this).
           toInt32(year) + final_grade - grade - cohort AS span,
           cohort + span AS graduates_in,
           from_cohort + span AS left_class_graduating_in,
           entry_cohort + span AS entry_class_graduates_in,
           type IN ('StudentRepeatedGrade', 'StudentSkippedGrade', 'StudentReturned')
             AND from_cohort != cohort AS changes_class
    FROM student_facts
  )
  -- Up to Y; and after it, a repeat of a student held in the final grade, who leaves the class
  -- they did not graduate with when the repeat is recorded the year after.
  WHERE (year <= {schoolYear:UInt16} OR (changes_class AND left_class_graduating_in = {schoolYear:UInt16}))
    AND if({repeatersCountIn:UInt8} = 1,
           graduates_in = {schoolYear:UInt16} OR left_class_graduating_in = {schoolYear:UInt16},
           entry_class_graduates_in = {schoolYear:UInt16})
)`,
  `
class_movements AS (
  -- Each movement as it counts for the class graduating in Y: 'in' the class, or, for a change
  -- of class, 'joined' or 'left' it (by class: only when repeaters count in their class).
  SELECT *,
         multiIf({repeatersCountIn:UInt8} = 0 OR NOT changes_class, 'in',
                 graduates_in = {schoolYear:UInt16}, 'joined', 'left') AS part
  FROM movements
)`,
  `
cohort_parts AS (
  SELECT school_code AS at_school, level, 'entrants' AS measure, event_id
  FROM class_movements
  WHERE part = 'in' AND type = 'StudentEnrolled' AND entry = 'new-entrant'
  UNION ALL
  SELECT school_code, level, 'transfers_in', event_id
  FROM class_movements
  WHERE (part = 'in' AND type = 'StudentEnrolled' AND entry = 'transfer-in') OR part = 'joined'
  UNION ALL
  SELECT to_school_code, level, 'transfers_in', event_id
  FROM class_movements WHERE part = 'in' AND type = 'StudentTransferred'
  UNION ALL
  SELECT school_code, level, 'transfers_out', event_id
  FROM class_movements WHERE (part = 'in' AND type = 'StudentTransferred') OR part = 'left'
  UNION ALL
  SELECT school_code, level, 'deaths', event_id
  FROM class_movements WHERE part = 'in' AND type = 'StudentDeceased'
  UNION ALL
  SELECT school_code, level, 'graduates', event_id
  FROM class_movements
  WHERE part = 'in' AND type = 'StudentGraduated'
    AND (year = {schoolYear:UInt16} OR {repeatersCountIn:UInt8} = 0)
)`,
  `
contributions AS (
  SELECT holder.holder_code AS school_code,
         holder.district_code AS district_code,
         holder.urban_rural_group AS urban_rural_group,
         part.level AS level,
         part.measure AS measure,
         [toString(part.event_id)] AS event_ids
  FROM cohort_parts AS part
  INNER JOIN holders_yearEnd AS holder ON holder.school_code = part.at_school
)`,
  SCOPED,
);

/**
 * Read from the rollup `cohort_changes`: each movement counted for the classes it concerns when
 * it was projected (cohort-changes.projection.ts). The facts above compute the same, student by
 * student.
 */
const ROLLUP_CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  holdersOn('yearEnd'),
  rollupTotals('class_changes', 'cohort_changes', 'measure, school_code, level', [
    `mode = if({repeatersCountIn:UInt8} = 1, 'class', 'entry') AND class_year = {schoolYear:UInt16}`,
  ]),
  `
contributions AS (
  SELECT holder.holder_code AS school_code,
         holder.district_code AS district_code,
         holder.urban_rural_group AS urban_rural_group,
         part.level AS level,
         part.measure AS measure,
         part.delta AS n
  FROM class_changes AS part
  INNER JOIN holders_yearEnd AS holder ON holder.school_code = part.school_code
)`,
  SCOPED,
);

const FIGURES = (count: (measure: string) => string): string => `
SELECT unit,
       level,
       toUInt32(${count('entrants')}) AS entrants,
       toUInt32(${count('transfers_in')}) AS transfers_in,
       toUInt32(${count('transfers_out')}) AS transfers_out,
       toUInt32(${count('deaths')}) AS deaths,
       toUInt32(${count('graduates')}) AS graduates,
       toInt32(toInt32(entrants) + transfers_in - transfers_out
         - if({deathsLeaveDenominator:UInt8} = 1, deaths, 0)) AS cohort_size,
       -- A class's rate is given once its last school year is over (as of the question, and
       -- today): before, its graduates are still to come, and a rate would read as a breach.
       if(cohort_size > 0
            AND least(toDate32({asOf:DateTime64(3, 'UTC')}), today()) > {yearEnd:Date},
          least(100, graduates / cohort_size * 100), NULL) AS rate
FROM scoped
GROUP BY unit, level
ORDER BY unit, level`;

export const cohortConsolidationIndicator: IndicatorDefinition = {
  name: 'cohort-consolidation',
  family: 'consolidation',
  title: '小学六年巩固率 / 初中三年巩固率',
  thresholdsInBrief: 'junior ≥ 95%',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: true,
  byGroup: true,
  byPeriod: false,
  figuresSql: `${ROLLUP_CONTRIBUTIONS}${FIGURES((measure) => `sumIf(n, measure = '${measure}')`)}`,
  factsSql: `${CONTRIBUTIONS}${FIGURES((measure) => `countIf(measure = '${measure}')`)}`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
  headline: { column: 'rate', valueUnit: 'percent' },
  verdict: (row, _grain, thresholds) => {
    const min = thresholds.cohortConsolidationMin[levelOfRow(row)];
    const rate = numberCell(row.rate);
    return min !== null && rate !== null && rate < min ? [`consolidation-below-${min}`] : [];
  },
};
