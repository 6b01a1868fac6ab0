import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { registerTotalsOn, rollupTotals } from '../rollup-fragments';
import {
  CONTRIBUTING_EVENTS,
  ON_REGISTER,
  SCHOOL_PERIODS,
  SCOPED,
  STUDENT_FACTS,
  holdersOn,
  registerOn,
  unitOf,
} from '../sql-fragments';

/**
 * 年巩固率 (in-year consolidation): how much of the opening register the year kept.
 *
 *   rate = kept ÷ (on the register at year start − deaths) × 100
 *
 *   kept  = students of the opening register who, at the end of 31 August, are on the register
 *           of a school of the same unit, or graduated during the year at a school of the unit
 *
 * - the opening register: enrolled or suspended (在籍) at the end of 1 September.
 * - only the opening register is followed through the year: a student who arrives after
 *   1 September (late entrant, transfer in) is in the year-end register but neither kept nor in
 *   the base. (Counting the whole year-end register let arrivals make up for losses, so every
 *   school that received as many as it lost read 100 %.)
 * - graduates of the year count as kept: they completed the stage.
 * - a transfer to another school of the same unit is kept at that unit (a move between two
 *   schools of a district keeps the student in the district); a transfer out of the unit is not
 *   kept (`transferred_out`). At school grain every transfer out is one. Dropouts are not kept.
 * - deaths: students of the opening register who died during the year; they leave the base
 *   when `deathsLeaveDenominator` is set (default: they do). kept ≤ base, so the rate never
 *   exceeds 100 and needs no cap.
 * - `enrolled_end` and `graduates` are the whole year-end register and every graduation of
 *   the year at the unit, arrivals included: shown for reference, not the numerator.
 * - attributed to the school holding the students at the end of the year (through merges),
 *   both where a student started and where they ended up.
 * Threshold: none by default. Source: domain.md "Consolidation rate" (in-year rate).
 */
const CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  holdersOn('yearEnd'),
  STUDENT_FACTS,
  registerOn('yearStart'),
  `
year_end_fates AS (
  -- Where each student stands at the end of the year: their last movement up to 31 August,
  -- ordered like the registers (on the register at a school, graduated, died, or gone). The
  -- year-end register is the part of it still on a register (registerOn's rule, one scan less).
  SELECT student,
         last.1 AS type,
         if(last.1 = 'StudentTransferred', last.3, last.2) AS school_code,
         last.4 AS level,
         last.5 AS event_id
  FROM (
    SELECT student,
           argMax(tuple(type, school_code, to_school_code, level, toString(event_id)),
                  tuple(event_date, global_position)) AS last
    FROM student_facts
    WHERE event_date <= {yearEnd:Date}
    GROUP BY student
  )
)`,
  `
opening AS (
  SELECT register.school_code AS at_school,
         register.level AS level,
         register.event_id AS event_id,
         fate.type AS fate,
         fate.school_code AS fate_school,
         fate.event_id AS fate_event_id
  FROM register_yearStart AS register
  INNER JOIN year_end_fates AS fate ON fate.student = register.student
)`,
  `
year_parts AS (
  -- Each student of the opening register once: in the base, and, still on a register or
  -- graduated, 'stayed' (kept or transferred out, depending on the unit of the school where the
  -- student ended up, decided in contributions at the requested grain), or died. One pass over
  -- the opening register, not one per measure: ClickHouse computes a named subquery again
  -- wherever it is used.
  -- (Qualified names: the output's event_id is an alias, and aliases are query-wide.)
  SELECT opening.at_school AS at_school, opening.level AS level, counted.1 AS measure,
         counted.2 AS event_id, counted.3 AS end_school
  FROM opening
  ARRAY JOIN arrayFilter(candidate -> candidate.1 != '', [
    ('enrolled_start', opening.event_id, ''),
    (if(opening.fate IN (${ON_REGISTER}, 'StudentGraduated'), 'stayed', ''),
     opening.fate_event_id, opening.fate_school),
    (if(opening.fate = 'StudentDeceased', 'deaths', ''), opening.fate_event_id, '')
  ]) AS counted
  UNION ALL
  SELECT school_code, level, 'enrolled_end', event_id, ''
  FROM year_end_fates
  WHERE type IN (${ON_REGISTER})
  UNION ALL
  SELECT school_code, level, 'graduates', toString(event_id), ''
  FROM student_facts
  WHERE type = 'StudentGraduated'
    AND event_date > {yearStart:Date} AND event_date <= {yearEnd:Date}
)`,
  `
contributions AS (
  SELECT holder.holder_code AS school_code,
         holder.district_code AS district_code,
         holder.urban_rural_group AS urban_rural_group,
         part.level AS level,
         -- Kept when the school the student ended up at is in the same unit as the one they
         -- started at (and in the requested group): a move within a district is no loss to it.
         if(part.measure = 'stayed',
            if(${unitOf('holder.holder_code', 'holder.district_code')}
                 = ${unitOf('end_holder.holder_code', 'end_holder.district_code')}
               AND ({group:String} = '' OR end_holder.urban_rural_group = {group:String}),
               'kept', 'transferred_out'),
            part.measure) AS measure,
         [part.event_id] AS event_ids
  FROM year_parts AS part
  INNER JOIN holders_yearEnd AS holder ON holder.school_code = part.at_school
  LEFT JOIN holders_yearEnd AS end_holder ON end_holder.school_code = part.end_school
)`,
  SCOPED,
);

/**
 * Read from the rollups: the opening register and the year-end register from
 * `register_changes`, each opening student's fate from `in_year_changes` (their school at the
 * start, `stayed` there unless a movement of the year moved them to another fate), graduations
 * from the same table. The facts below compute the same, student by student.
 */
const ROLLUP_CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  holdersOn('yearEnd'),
  registerTotalsOn('yearStart'),
  registerTotalsOn('yearEnd'),
  rollupTotals('year_changes', 'in_year_changes', 'kind, school_code, level, fate_school_code', [
    'school_year = {schoolYear:UInt16}',
  ]),
  `
year_parts AS (
  SELECT school_code AS at_school, level, 'enrolled_start' AS measure, students AS n,
         '' AS end_school
  FROM register_yearStart
  UNION ALL
  -- Each opening student ends the year where they began it until a movement says otherwise.
  SELECT school_code, level, 'stayed', students, school_code
  FROM register_yearStart
  UNION ALL
  SELECT school_code, level, multiIf(kind = 'stayed', 'stayed', kind = 'died', 'deaths', kind),
         delta, fate_school_code
  FROM year_changes
  WHERE kind IN ('stayed', 'died', 'graduated')
  UNION ALL
  SELECT school_code, level, 'enrolled_end', students, ''
  FROM register_yearEnd
)`,
  `
contributions AS (
  SELECT holder.holder_code AS school_code,
         holder.district_code AS district_code,
         holder.urban_rural_group AS urban_rural_group,
         part.level AS level,
         if(part.measure = 'stayed',
            if(${unitOf('holder.holder_code', 'holder.district_code')}
                 = ${unitOf('end_holder.holder_code', 'end_holder.district_code')}
               AND ({group:String} = '' OR end_holder.urban_rural_group = {group:String}),
               'kept', 'transferred_out'),
            if(part.measure = 'graduated', 'graduates', part.measure)) AS measure,
         part.n AS n
  FROM year_parts AS part
  INNER JOIN holders_yearEnd AS holder ON holder.school_code = part.at_school
  LEFT JOIN holders_yearEnd AS end_holder ON end_holder.school_code = part.end_school
)`,
  SCOPED,
);

const FIGURES = (count: (measure: string) => string): string => `
SELECT unit,
       level,
       toUInt32(${count('enrolled_start')}) AS enrolled_start,
       toUInt32(${count('enrolled_end')}) AS enrolled_end,
       toUInt32(${count('graduates')}) AS graduates,
       toUInt32(${count('deaths')}) AS deaths,
       toUInt32(${count('kept')}) AS kept,
       toUInt32(${count('transferred_out')}) AS transferred_out,
       toInt32(toInt32(enrolled_start) - if({deathsLeaveDenominator:UInt8} = 1, deaths, 0)) AS base,
       if(base > 0, kept / base * 100, NULL) AS rate
FROM scoped
GROUP BY unit, level
ORDER BY unit, level`;

export const inYearConsolidationIndicator: IndicatorDefinition = {
  name: 'in-year-consolidation',
  family: 'consolidation',
  title: '年巩固率',
  thresholdsInBrief: 'none',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: true,
  byGroup: true,
  byPeriod: false,
  figuresSql: `${ROLLUP_CONTRIBUTIONS}${FIGURES((measure) => `sumIf(n, measure = '${measure}')`)}`,
  factsSql: `${CONTRIBUTIONS}${FIGURES((measure) => `countIf(measure = '${measure}')`)}`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
  headline: { column: 'rate', valueUnit: 'percent' },
};
