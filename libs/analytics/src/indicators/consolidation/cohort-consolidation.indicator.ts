import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import {
  CONTRIBUTING_EVENTS,
  SCHOOL_PERIODS,
  SCOPED,
  STUDENT_FACTS,
  holdersOn,
  levelOfGrade,
  schoolYearOf,
} from '../sql-fragments';

/**
 * 巩固率 (cohort): 小学六年巩固率 and 初中三年巩固率 for the cohort graduating in school year Y.
 *
 *   rate = min(100, graduates ÷ (entrants + transfers in − transfers out − deaths) × 100)
 *
 * - The cohort entered grade 1 in Y−5 (primary) or grade 7 in Y−2 (junior). A movement belongs
 *   to it when  year(movement) − (grade − entry grade) = entry year, up to the end of Y.
 * - entrants: new entrants (StudentEnrolled, new-entrant); transfers in: transfer-in
 *   enrolments and transfers received; transfers out: transfers sent. Within a district a
 *   transfer counts in at one school and out at another, so it nets to zero there.
 * - deaths leave the denominator when `deathsLeaveDenominator` is set (default: they do).
 * - graduates: StudentGraduated of the level in Y. A denominator of 0 or less gives no rate.
 * - Attributed to the school holding the cohort at the end of Y (through merges) and its
 *   district then.
 *
 * Parameters: schoolYear (Y, the graduating year), deathsLeaveDenominator, and the common ones.
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
           ${levelOfGrade('grade')} AS level,
           ${schoolYearOf('event_date')} AS year,
           year - (grade - if(level = 'primary', 1, 7)) AS cohort
    FROM student_facts
  )
  WHERE cohort = {schoolYear:UInt16} - if(level = 'primary', 5, 2)
    AND year <= {schoolYear:UInt16}
)`,
  `
cohort_parts AS (
  SELECT school_code AS at_school, level, 'entrants' AS measure, event_id
  FROM movements WHERE type = 'StudentEnrolled' AND entry = 'new-entrant'
  UNION ALL
  SELECT school_code, level, 'transfers_in', event_id
  FROM movements WHERE type = 'StudentEnrolled' AND entry = 'transfer-in'
  UNION ALL
  SELECT to_school_code, level, 'transfers_in', event_id
  FROM movements WHERE type = 'StudentTransferred'
  UNION ALL
  SELECT school_code, level, 'transfers_out', event_id
  FROM movements WHERE type = 'StudentTransferred'
  UNION ALL
  SELECT school_code, level, 'deaths', event_id
  FROM movements WHERE type = 'StudentDeceased'
  UNION ALL
  SELECT school_code, level, 'graduates', event_id
  FROM movements WHERE type = 'StudentGraduated' AND year = {schoolYear:UInt16}
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

export const cohortConsolidationIndicator: IndicatorDefinition = {
  name: 'cohort-consolidation',
  family: 'consolidation',
  title: '小学六年巩固率 / 初中三年巩固率',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: true,
  byGroup: true,
  byPeriod: false,
  figuresSql: `${CONTRIBUTIONS}
SELECT unit,
       level,
       toUInt32(countIf(measure = 'entrants')) AS entrants,
       toUInt32(countIf(measure = 'transfers_in')) AS transfers_in,
       toUInt32(countIf(measure = 'transfers_out')) AS transfers_out,
       toUInt32(countIf(measure = 'deaths')) AS deaths,
       toUInt32(countIf(measure = 'graduates')) AS graduates,
       toInt32(toInt32(entrants) + transfers_in - transfers_out
         - if({deathsLeaveDenominator:UInt8} = 1, deaths, 0)) AS cohort_size,
       if(cohort_size > 0, least(100, graduates / cohort_size * 100), NULL) AS rate
FROM scoped
GROUP BY unit, level
ORDER BY unit, level`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
};
