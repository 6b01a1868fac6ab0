import { SCHOOL_PERIODS, districtOf, periodOn } from './sql';

/**
 * The resources of the balance rules, per school and level, from each school's last conditions
 * (办学条件) and staffing (师资) reports of the school year (the last recorded wins), attributed
 * to the school's district and group on the conditions report's day. A nine-year school's
 * quantities are split between its levels by weighted enrolment (primary : junior =
 * 1 : :juniorWeight); a level without students is left out; a school without a staffing report
 * has no teacher resources (unknown, not zero). `value` is per student, or per 100 students.
 */
const RESOURCES: readonly (readonly [string, 'conditions' | 'staffing', string, 1 | 100])[] = [
  ['floor_area', 'conditions', 'teachingAuxiliaryAreaM2', 1],
  ['sports_area', 'conditions', 'sportsAreaM2', 1],
  ['equipment_value', 'conditions', 'equipmentValueYuan', 1],
  ['computers', 'conditions', 'computers', 100],
  ['books', 'conditions', 'books', 1],
  ['teachers', 'staffing', 'fullTimeTeachers', 100],
  ['above_qualification_teachers', 'staffing', 'aboveQualificationTeachers', 100],
  ['intermediate_title_teachers', 'staffing', 'intermediateTitleTeachers', 100],
  ['backbone_teachers', 'staffing', 'backboneTeachers', 100],
  ['pe_arts_teachers', 'staffing', 'peArtsTeachers', 100],
  ['multimedia_classrooms', 'conditions', 'networkedMultimediaClassrooms', 100],
];

export const BASIC_BALANCE = [
  'floor_area',
  'sports_area',
  'equipment_value',
  'computers',
  'books',
  'teachers',
  'above_qualification_teachers',
  'intermediate_title_teachers',
];

export const HIGH_QUALITY = [
  'above_qualification_teachers',
  'backbone_teachers',
  'pe_arts_teachers',
  'floor_area',
  'sports_area',
  'equipment_value',
  'multimedia_classrooms',
];

export const inList = (names: readonly string[]): string =>
  names.map((name) => `'${name}'`).join(', ');

export const SCHOOL_RESOURCES = `
${SCHOOL_PERIODS},
school_reports AS (
  -- Each school's last conditions and last staffing report of the year, side by side: one
  -- pass over the year's reports, no self-join.
  SELECT school_code,
         (array_agg(data ORDER BY global_position DESC)
            FILTER (WHERE type = 'SchoolConditionsReported'))[1] AS conditions,
         (array_agg(event_date ORDER BY global_position DESC)
            FILTER (WHERE type = 'SchoolConditionsReported'))[1] AS reported_on,
         (array_agg(data ORDER BY global_position DESC)
            FILTER (WHERE type = 'SchoolStaffingReported'))[1] AS staffing
  FROM events
  WHERE type IN ('SchoolConditionsReported', 'SchoolStaffingReported')
    AND (data->>'schoolYear')::int = :schoolYear::int
  GROUP BY school_code
),
school_levels AS (
  SELECT report.school_code,
         ${districtOf('period', "report.conditions->>'districtCode'")} AS district_code,
         coalesce(period.urban_rural_group, '') AS urban_rural_group,
         report.conditions, report.staffing,
         split.level, split.enrolment, split.share
  FROM school_reports AS report
  ${periodOn('period', 'report.school_code', 'report.reported_on')}
  CROSS JOIN LATERAL (
    SELECT (report.conditions->>'primaryEnrolment')::int AS primary_enrolment,
           (report.conditions->>'juniorEnrolment')::int AS junior_enrolment
  ) AS enrolled
  CROSS JOIN LATERAL (
    SELECT enrolled.primary_enrolment + :juniorWeight::float8 * enrolled.junior_enrolment AS weighted
  ) AS weighing
  CROSS JOIN LATERAL (VALUES
    ('primary', enrolled.primary_enrolment, enrolled.primary_enrolment / weighing.weighted),
    ('junior', enrolled.junior_enrolment,
     :juniorWeight::float8 * enrolled.junior_enrolment / weighing.weighted)
  ) AS split (level, enrolment, share)
  WHERE report.conditions IS NOT NULL AND weighing.weighted > 0 AND split.enrolment > 0
),
school_resources AS (
  SELECT school.school_code, school.district_code, school.urban_rural_group, school.level,
         school.enrolment, school.share, resource.measure,
         resource.quantity * school.share * resource.scale / school.enrolment AS value
  FROM school_levels AS school
  CROSS JOIN LATERAL (VALUES
    ${RESOURCES.map(
      ([measure, report, field, scale]) =>
        `('${measure}', (school.${report}->>'${field}')::float8, ${scale}, ${report === 'staffing'})`,
    ).join(',\n    ')}
  ) AS resource (measure, quantity, scale, staffed)
  WHERE NOT resource.staffed OR school.staffing IS NOT NULL
)`;

/**
 * Per unit, level and resource: schools, students, the enrolment-weighted mean X̄ and the
 * population deviation S, and CV = S ÷ X̄ (none when X̄ is 0), over `resources` (a CTE with
 * unit, level, measure, enrolment, value).
 */
export const coefficients = (resources: string): string => `
unit_means AS (
  SELECT *, sum(enrolment * value) OVER unit_level / sum(enrolment) OVER unit_level AS unit_mean
  FROM ${resources}
  WINDOW unit_level AS (PARTITION BY unit, level, measure)
),
per_indicator AS (
  SELECT unit, level, measure AS indicator, schools, students, mean, deviation,
         CASE WHEN mean > 0 THEN deviation / mean END AS cv
  FROM (
    SELECT unit, level, measure, count(*)::int AS schools, sum(enrolment)::int AS students,
           min(unit_mean) AS mean,
           sqrt(sum(enrolment * power(value - unit_mean, 2)) / sum(enrolment)) AS deviation
    FROM unit_means
    GROUP BY unit, level, measure
  ) AS per_resource
)`;
