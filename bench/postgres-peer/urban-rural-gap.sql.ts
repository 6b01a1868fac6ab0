import type { PeerIndicator } from './peer-indicator';
import { SCHOOL_RESOURCES } from './school-resources.sql';

/**
 * 城乡差距 per district, level and resource: each group's total per student (Σ amount ÷ Σ
 * students over its schools) and rural ÷ urban. The eleven resources of the balance rules, plus
 * the school year's net allocations per student (yuan) and the rotations starting in the year
 * at the school, per 100 students, both split between a nine-year school's levels like the rest.
 */
export const urbanRuralGapPeer: PeerIndicator = {
  name: 'urban-rural-gap',
  key: ['unit', 'level', 'indicator'],
  sql: `
WITH
${SCHOOL_RESOURCES},
school_funds AS (
  SELECT school_code,
         sum(CASE WHEN type = 'AllocationRevoked' THEN -1 ELSE 1 END * (data->>'amountFen')::bigint)::float8
           / 100 AS yuan
  FROM events
  WHERE type IN ('FundsAllocated', 'AllocationRevoked') AND school_code IS NOT NULL
    AND event_date BETWEEN :yearStart::date AND :yearEnd::date
  GROUP BY school_code
),
school_rotations AS (
  SELECT to_school_code AS school_code, count(*) AS teachers
  FROM events
  WHERE type = 'TeacherRotationStarted' AND event_date BETWEEN :yearStart::date AND :yearEnd::date
  GROUP BY to_school_code
),
resources AS (
  SELECT district_code, urban_rural_group, level, measure, enrolment, value
  FROM school_resources
  UNION ALL
  SELECT school.district_code, school.urban_rural_group, school.level, 'funds', school.enrolment,
         coalesce(funds.yuan, 0) * school.share / school.enrolment
  FROM school_levels AS school
  LEFT JOIN school_funds AS funds ON funds.school_code = school.school_code
  UNION ALL
  SELECT school.district_code, school.urban_rural_group, school.level,
         'rotated_teachers_received', school.enrolment,
         coalesce(rotated.teachers, 0) * school.share / school.enrolment * 100
  FROM school_levels AS school
  LEFT JOIN school_rotations AS rotated ON rotated.school_code = school.school_code
),
per_group AS (
  SELECT district_code AS unit, level, measure AS indicator,
         sum(value * enrolment) FILTER (WHERE urban_rural_group = 'urban')
           / nullif(sum(enrolment) FILTER (WHERE urban_rural_group = 'urban'), 0) AS urban,
         sum(value * enrolment) FILTER (WHERE urban_rural_group = 'town')
           / nullif(sum(enrolment) FILTER (WHERE urban_rural_group = 'town'), 0) AS town,
         sum(value * enrolment) FILTER (WHERE urban_rural_group = 'rural')
           / nullif(sum(enrolment) FILTER (WHERE urban_rural_group = 'rural'), 0) AS rural
  FROM resources
  WHERE district_code <> ''
  GROUP BY 1, 2, 3
)
SELECT unit, level, indicator, urban, town, rural,
       CASE WHEN urban > 0 THEN rural / urban END AS ratio
FROM per_group
ORDER BY unit, level, indicator`,
};
