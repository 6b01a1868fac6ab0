import type { PeerIndicator } from './peer-indicator';
import { GRADUATING_CLASS, MOVEMENTS, SCHOOL_PERIODS, holdersOn, schoolYearOf } from './sql';

/**
 * 巩固率 of the class (届) graduating in the school year, per district and level:
 * min(100, graduates ÷ (entrants + transfers in − transfers out − deaths) × 100), given once the
 * year is over. Every movement states its grade, the level's final grade and the class, so the
 * class a movement counts for is the one graduating in  school year + final grade − grade.
 * Repeaters count in the class they are in (the default): a repeat, skip or return into another
 * class leaves one class and joins the other, like a transfer; a final-grade repeat recorded the
 * year after still leaves the class. Every movement counts at the school holding the class at the
 * end of the year (through merges).
 */
const CLASS_CHANGES = `'StudentRepeatedGrade', 'StudentSkippedGrade', 'StudentReturned'`;

export const cohortConsolidationPeer: PeerIndicator = {
  name: 'cohort-consolidation',
  key: ['unit', 'level'],
  sql: `
WITH RECURSIVE
${SCHOOL_PERIODS},
${holdersOn('end', ':yearEnd::date')},
movements AS (
  SELECT *,
         CASE WHEN NOT changes_class THEN 'in'
              WHEN graduates_in = :schoolYear::int THEN 'joined'
              ELSE 'left' END AS part
  FROM (
    SELECT type, school_code, to_school_code, level, data->>'entry' AS entry, year, graduates_in,
           from_class + year + final_grade - grade - class AS left_class_graduating_in,
           from_class <> class AS changes_class
    FROM (
      SELECT events.*, ${schoolYearOf('event_date')} AS year, ${GRADUATING_CLASS} AS graduates_in,
             (data->>'cohort')::int AS class,
             CASE WHEN type IN (${CLASS_CHANGES})
                  THEN (data->>'fromCohort')::int ELSE (data->>'cohort')::int END AS from_class
      FROM events
      -- The class's own movements, and the changes of class that may leave it: both indexed.
      WHERE student IS NOT NULL AND type IN (${MOVEMENTS})
        AND (${GRADUATING_CLASS} = :schoolYear::int OR type IN (${CLASS_CHANGES}))
    ) AS movement
  ) AS classed
  WHERE (year <= :schoolYear::int OR (changes_class AND left_class_graduating_in = :schoolYear::int))
    AND (graduates_in = :schoolYear::int OR left_class_graduating_in = :schoolYear::int)
),
parts AS (
  SELECT school_code AS at_school, level,
         (part = 'in' AND type = 'StudentEnrolled' AND entry = 'new-entrant')::int AS entrants,
         ((part = 'in' AND type = 'StudentEnrolled' AND entry = 'transfer-in') OR part = 'joined')::int
           AS transfers_in,
         ((part = 'in' AND type = 'StudentTransferred') OR part = 'left')::int AS transfers_out,
         (part = 'in' AND type = 'StudentDeceased')::int AS deaths,
         (part = 'in' AND type = 'StudentGraduated' AND year = :schoolYear::int)::int AS graduates
  FROM movements
  UNION ALL
  -- A transfer within the class counts in at the receiving school too.
  SELECT to_school_code, level, 0, 1, 0, 0, 0
  FROM movements
  WHERE part = 'in' AND type = 'StudentTransferred'
),
per_unit AS (
  SELECT holder.district_code AS unit, part.level,
         sum(entrants)::int AS entrants, sum(transfers_in)::int AS transfers_in,
         sum(transfers_out)::int AS transfers_out, sum(deaths)::int AS deaths,
         sum(graduates)::int AS graduates
  FROM parts AS part
  JOIN holders_end AS holder ON holder.school_code = part.at_school
  WHERE holder.district_code <> ''
  GROUP BY 1, 2
  -- A movement that is none of the five (a suspension, say) makes no row.
  HAVING sum(entrants + transfers_in + transfers_out + deaths + graduates) > 0
)
SELECT unit, level, entrants, transfers_in, transfers_out, deaths, graduates, cohort_size,
       CASE WHEN cohort_size > 0 AND current_date > :yearEnd::date
            THEN least(100, graduates::float8 / cohort_size * 100) END AS rate
FROM per_unit
CROSS JOIN LATERAL (
  SELECT entrants + transfers_in - transfers_out
         - CASE WHEN :deathsLeaveDenominator::int = 1 THEN deaths ELSE 0 END AS cohort_size
) AS denominator
ORDER BY unit, level`,
};
