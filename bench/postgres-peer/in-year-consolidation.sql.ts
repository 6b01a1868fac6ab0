import type { PeerIndicator } from './peer-indicator';
import { ON_REGISTER, SCHOOL_PERIODS, holdersOn, lastMovementsOn, registerOn } from './sql';

/**
 * 年巩固率 per district and level: of the students on a register at the end of 1 September,
 * those who at the end of 31 August are on a register of (or graduated during the year from) a
 * school of the same district are kept; rate = kept ÷ (opening register − deaths) × 100. Both
 * ends are attributed to the school holding them at the year's end, through merges. The
 * year-end register and the year's graduations are shown beside it.
 */
export const inYearConsolidationPeer: PeerIndicator = {
  name: 'in-year-consolidation',
  key: ['unit', 'level'],
  sql: `
WITH RECURSIVE
${SCHOOL_PERIODS},
${holdersOn('end', ':yearEnd::date')},
${registerOn('start', ':yearStart::date')},
fates AS (
  -- Where each student stands at the end of the year (on a register, graduated, died, gone).
  SELECT student, type, level,
         CASE WHEN type = 'StudentTransferred' THEN to_school_code ELSE school_code END AS school_code
  FROM (${lastMovementsOn(':yearEnd::date')}
  ) AS last_movement
),
opening AS (
  SELECT holder.district_code AS unit, register.level,
         count(*) AS enrolled_start,
         count(*) FILTER (WHERE fate.type = 'StudentDeceased') AS deaths,
         count(*) FILTER (WHERE fate.type IN (${ON_REGISTER}, 'StudentGraduated')
                            AND coalesce(end_holder.district_code, '') = holder.district_code) AS kept,
         count(*) FILTER (WHERE fate.type IN (${ON_REGISTER}, 'StudentGraduated')
                            AND coalesce(end_holder.district_code, '') <> holder.district_code)
           AS transferred_out
  FROM register_start AS register
  JOIN fates AS fate ON fate.student = register.student
  JOIN holders_end AS holder ON holder.school_code = register.school_code
  LEFT JOIN holders_end AS end_holder ON end_holder.school_code = fate.school_code
  GROUP BY 1, 2
),
year_end AS (
  SELECT holder.district_code AS unit, fate.level, count(*) AS enrolled_end
  FROM fates AS fate
  JOIN holders_end AS holder ON holder.school_code = fate.school_code
  WHERE fate.type IN (${ON_REGISTER})
  GROUP BY 1, 2
),
graduations AS (
  SELECT holder.district_code AS unit, graduate.level, count(*) AS graduates
  FROM events AS graduate
  JOIN holders_end AS holder ON holder.school_code = graduate.school_code
  WHERE graduate.type = 'StudentGraduated'
    AND graduate.event_date > :yearStart::date AND graduate.event_date <= :yearEnd::date
  GROUP BY 1, 2
)
SELECT unit, level,
       coalesce(enrolled_start, 0)::int AS enrolled_start,
       coalesce(enrolled_end, 0)::int AS enrolled_end,
       coalesce(graduates, 0)::int AS graduates,
       coalesce(deaths, 0)::int AS deaths,
       coalesce(kept, 0)::int AS kept,
       coalesce(transferred_out, 0)::int AS transferred_out,
       base,
       CASE WHEN base > 0 THEN coalesce(kept, 0)::float8 / base * 100 END AS rate
FROM opening
FULL JOIN year_end USING (unit, level)
FULL JOIN graduations USING (unit, level)
CROSS JOIN LATERAL (
  SELECT (coalesce(enrolled_start, 0) - CASE WHEN :deathsLeaveDenominator::int = 1 THEN coalesce(deaths, 0) ELSE 0 END)::int
           AS base
) AS denominator
WHERE unit <> ''
ORDER BY unit, level`,
};
