import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import {
  CONTRIBUTING_EVENTS,
  SCHOOL_PERIODS,
  SCOPED,
  STUDENT_FACTS,
  holdersOn,
  levelOfGrade,
  registerOn,
} from '../sql-fragments';

/**
 * 年巩固率 (in-year consolidation): how much of the opening register the year kept.
 *
 *   rate = min(100, (on the register at year end + graduated in the year)
 *                   ÷ (on the register at year start − deaths in the year) × 100)
 *
 * - on the register: enrolled or suspended (在籍) at the end of 1 September / 31 August.
 * - graduates of the year count as kept: they completed the stage (a year-end register without
 *   them would read every graduating class as lost).
 * - deaths leave the denominator when `deathsLeaveDenominator` is set (default: they do).
 * - attributed to the school holding the students at the end of the year (through merges).
 * Threshold: none by default. Source: domain.md "Consolidation rate" (in-year rate).
 */
const CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  holdersOn('yearEnd'),
  STUDENT_FACTS,
  registerOn('yearStart'),
  registerOn('yearEnd'),
  `
year_parts AS (
  SELECT school_code AS at_school, ${levelOfGrade('grade')} AS level, 'enrolled_start' AS measure, event_id
  FROM register_yearStart
  UNION ALL
  SELECT school_code, ${levelOfGrade('grade')}, 'enrolled_end', event_id
  FROM register_yearEnd
  UNION ALL
  SELECT school_code, ${levelOfGrade('grade')}, if(type = 'StudentGraduated', 'graduates', 'deaths'), toString(event_id)
  FROM student_facts
  WHERE type IN ('StudentGraduated', 'StudentDeceased')
    AND event_date > {yearStart:Date} AND event_date <= {yearEnd:Date}
)`,
  `
contributions AS (
  SELECT holder.holder_code AS school_code,
         holder.district_code AS district_code,
         holder.urban_rural_group AS urban_rural_group,
         part.level AS level,
         part.measure AS measure,
         [part.event_id] AS event_ids
  FROM year_parts AS part
  INNER JOIN holders_yearEnd AS holder ON holder.school_code = part.at_school
)`,
  SCOPED,
);

export const inYearConsolidationIndicator: IndicatorDefinition = {
  name: 'in-year-consolidation',
  family: 'consolidation',
  title: '年巩固率',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: true,
  byGroup: true,
  byPeriod: false,
  figuresSql: `${CONTRIBUTIONS}
SELECT unit,
       level,
       toUInt32(countIf(measure = 'enrolled_start')) AS enrolled_start,
       toUInt32(countIf(measure = 'enrolled_end')) AS enrolled_end,
       toUInt32(countIf(measure = 'graduates')) AS graduates,
       toUInt32(countIf(measure = 'deaths')) AS deaths,
       toInt32(toInt32(enrolled_start) - if({deathsLeaveDenominator:UInt8} = 1, deaths, 0)) AS base,
       if(base > 0, least(100, (enrolled_end + graduates) / base * 100), NULL) AS rate
FROM scoped
GROUP BY unit, level
ORDER BY unit, level`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
};
