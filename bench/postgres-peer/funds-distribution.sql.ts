import type { PeerIndicator } from './peer-indicator';
import { SCHOOL_PERIODS, districtOf, periodOn } from './sql';

/**
 * 经费 per district in the period: net allocations (yuan), to schools, to weak schools (on the
 * day of each flow), to the district as a whole, to schools without an enrolment; the enrolment
 * of each school's last conditions report of the year; per student (money to schools with an
 * enrolment ÷ the enrolment) and the weak schools' share of the money that reached schools.
 */
export const fundsDistributionPeer: PeerIndicator = {
  name: 'funds-distribution',
  key: ['unit'],
  sql: `
WITH
${SCHOOL_PERIODS},
enrolments AS (
  SELECT DISTINCT ON (school_code) school_code, event_date AS reported_on, data,
         (data->>'primaryEnrolment')::int + (data->>'juniorEnrolment')::int AS enrolment
  FROM events
  WHERE type = 'SchoolConditionsReported' AND (data->>'schoolYear')::int = :schoolYear::int
  ORDER BY school_code, global_position DESC
),
flows AS (
  SELECT ${districtOf('period', "flow.data->>'districtCode'")} AS unit,
         flow.school_code,
         coalesce(period.weak, false) AS weak,
         enrolled.school_code IS NOT NULL AS has_enrolment,
         CASE WHEN flow.type = 'AllocationRevoked' THEN -1 ELSE 1 END
           * (flow.data->>'amountFen')::bigint AS amount_fen
  FROM events AS flow
  ${periodOn('period', 'flow.school_code', 'flow.event_date')}
  LEFT JOIN enrolments AS enrolled
    ON enrolled.school_code = flow.school_code AND enrolled.enrolment > 0
  WHERE flow.type IN ('FundsAllocated', 'AllocationRevoked')
    AND flow.event_date BETWEEN :from::date AND :to::date
),
flow_figures AS (
  SELECT unit,
         sum(amount_fen) AS allocated,
         coalesce(sum(amount_fen) FILTER (WHERE school_code IS NOT NULL), 0) AS to_schools,
         coalesce(sum(amount_fen) FILTER (WHERE school_code IS NOT NULL AND weak), 0) AS to_weak,
         coalesce(sum(amount_fen) FILTER (WHERE school_code IS NULL), 0) AS to_district,
         coalesce(sum(amount_fen) FILTER (WHERE school_code IS NOT NULL AND NOT has_enrolment), 0)
           AS without_enrolment,
         coalesce(sum(amount_fen) FILTER (WHERE has_enrolment), 0) AS with_enrolment
  FROM flows
  GROUP BY unit
),
enrolment_figures AS (
  SELECT ${districtOf('period', "report.data->>'districtCode'")} AS unit,
         sum(report.enrolment) AS enrolment
  FROM enrolments AS report
  ${periodOn('period', 'report.school_code', 'report.reported_on')}
  GROUP BY 1
)
SELECT unit,
       coalesce(allocated, 0)::float8 / 100 AS allocated_yuan,
       coalesce(to_schools, 0)::float8 / 100 AS to_schools_yuan,
       coalesce(to_weak, 0)::float8 / 100 AS to_weak_schools_yuan,
       coalesce(to_district, 0)::float8 / 100 AS to_district_yuan,
       coalesce(without_enrolment, 0)::float8 / 100 AS to_schools_without_enrolment_yuan,
       coalesce(enrolment, 0)::int AS enrolment,
       CASE WHEN enrolment > 0 THEN coalesce(with_enrolment, 0)::float8 / 100 / enrolment END
         AS per_student_yuan,
       CASE WHEN coalesce(to_schools, 0) <> 0 THEN to_weak::float8 / to_schools * 100 END
         AS weak_school_share
FROM flow_figures
FULL JOIN enrolment_figures USING (unit)
WHERE unit <> ''
ORDER BY unit`,
};
