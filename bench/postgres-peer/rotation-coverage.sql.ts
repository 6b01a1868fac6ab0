import type { PeerIndicator } from './peer-indicator';
import { SCHOOL_PERIODS, districtOf, periodOn } from './sql';

/**
 * 交流轮岗 per district: distinct teachers who started a rotation in the period (at the school
 * they left, in its district that day), their person-times, the backbone teachers among them,
 * and the rotation-eligible teachers of each school's last staffing report of the year.
 */
export const rotationCoveragePeer: PeerIndicator = {
  name: 'rotation-coverage',
  key: ['unit'],
  sql: `
WITH
${SCHOOL_PERIODS},
rotated AS (
  SELECT ${districtOf('period', "rotation.data->>'fromDistrictCode'")} AS unit,
         count(DISTINCT rotation.data->>'teacher') AS rotated_teachers,
         count(*) AS rotations,
         count(DISTINCT rotation.data->>'teacher') FILTER (WHERE (rotation.data->>'backbone')::boolean)
           AS backbone_teachers
  FROM events AS rotation
  ${periodOn('period', "rotation.data->>'fromSchoolCode'", 'rotation.event_date')}
  WHERE rotation.type = 'TeacherRotationStarted'
    AND rotation.event_date BETWEEN :from::date AND :to::date
  GROUP BY 1
),
staffing AS (
  SELECT DISTINCT ON (school_code) school_code, event_date AS reported_on, data
  FROM events
  WHERE type = 'SchoolStaffingReported' AND (data->>'schoolYear')::int = :schoolYear::int
  ORDER BY school_code, global_position DESC
),
eligible AS (
  SELECT ${districtOf('period', "report.data->>'districtCode'")} AS unit,
         sum((report.data->>'rotationEligibleTeachers')::int) AS eligible_teachers
  FROM staffing AS report
  ${periodOn('period', 'report.school_code', 'report.reported_on')}
  GROUP BY 1
)
SELECT unit,
       coalesce(rotated_teachers, 0)::int AS rotated_teachers,
       coalesce(rotations, 0)::int AS rotations,
       coalesce(backbone_teachers, 0)::int AS backbone_teachers,
       coalesce(eligible_teachers, 0)::int AS eligible_teachers,
       CASE WHEN eligible_teachers > 0
            THEN coalesce(rotated_teachers, 0)::float8 / eligible_teachers * 100 END AS coverage,
       CASE WHEN rotated_teachers > 0
            THEN backbone_teachers::float8 / rotated_teachers * 100 END AS backbone_share
FROM rotated
FULL JOIN eligible USING (unit)
WHERE unit <> ''
ORDER BY unit`,
};
