import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { CONTRIBUTING_EVENTS, SCHOOL_PERIODS, SCOPED, attributedOn } from '../sql-fragments';

/**
 * Where the funds went in a period: per student, by urban-rural group, and to weak schools.
 *
 *   allocated         = Σ allocations − Σ revocations dated in the period (yuan)
 *   per student       = allocated to schools with an enrolment ÷ their enrolment
 *   weak school share = allocated to weak schools (薄弱学校) ÷ allocated to schools × 100
 *
 * - an allocation counts for the school (and its district, group and weak flag) on the day it
 *   was allocated; money given to a district as a whole counts in the district's total
 *   (`to_district`) but for no school and no group. A revocation counts on the day it was revoked.
 * - the weak school share is a share of the money that reached schools: money given to a
 *   district as a whole has not reached any school yet, weak or not, so it is in neither side.
 * - a school's enrolment is that of its last conditions report of the school year. Money to a
 *   school without one (or reporting no students) has no students to be divided by: it is left
 *   out of the per-student figure, which would otherwise count its yuan over other schools'
 *   students, and shown on its own as `to_schools_without_enrolment`. It still counts in the
 *   allocated, to-schools and weak-share figures.
 * - per student by group: ask with `group` = urban / town / rural.
 * Threshold: none by default. Source: domain.md indicator 7; seed 004.
 */
const CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  `
flows AS (
  SELECT *
  FROM {db:Identifier}.fund_flows FINAL
  WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND type IN ('allocated', 'revoked')
    AND flow_date BETWEEN {from:Date} AND {to:Date}
)`,
  attributedOn('flows', 'flows', 'school_code', 'flow_date', 'district_code'),
  `
enrolments AS (
  SELECT last.1 AS school_code, last.2 AS district_code, last.3 AS reported_on,
         last.4 AS enrolment, last.5 AS event_id
  FROM (
    SELECT argMax(tuple(school_code, district_code, reported_on,
                      primary_enrolment + junior_enrolment, event_id), global_position) AS last
    FROM {db:Identifier}.school_reports FINAL
    WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')}
      AND report = 'conditions' AND school_year = {schoolYear:UInt16}
    GROUP BY school_code
  )
)`,
  attributedOn('enrolments', 'enrolments', 'school_code', 'reported_on', 'district_code'),
  `
contributions AS (
  SELECT school_code,
         attributed_district AS district_code,
         if(school_code = '', '', attributed_group) AS urban_rural_group,
         '' AS level,
         multiIf(school_code = '', 'to_district', attributed_weak = 1, 'to_weak_school', 'to_school')
           AS measure,
         amount_fen,
         -- Whether the money can be divided by the school's students (per_student_yuan).
         school_code != '' AND school_code IN (SELECT school_code FROM enrolments WHERE enrolment > 0)
           AS has_enrolment,
         toUInt32(0) AS enrolment,
         [toString(event_id)] AS event_ids
  FROM attributed_flows
  UNION ALL
  SELECT school_code, attributed_district, attributed_group, '', 'enrolment', 0, 0, enrolment,
         [toString(event_id)]
  FROM attributed_enrolments
)`,
  SCOPED,
);

export const fundsDistributionIndicator: IndicatorDefinition = {
  name: 'funds-distribution',
  family: 'funds',
  title: '经费生均 / 薄弱学校占比',
  thresholdsInBrief: 'none',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: false,
  byGroup: true,
  byPeriod: true,
  figuresSql: `${CONTRIBUTIONS}
SELECT unit,
       sum(amount_fen) / 100 AS allocated_yuan,
       sumIf(amount_fen, measure IN ('to_school', 'to_weak_school')) / 100 AS to_schools_yuan,
       sumIf(amount_fen, measure = 'to_weak_school') / 100 AS to_weak_schools_yuan,
       sumIf(amount_fen, measure = 'to_district') / 100 AS to_district_yuan,
       sumIf(amount_fen, measure IN ('to_school', 'to_weak_school') AND NOT has_enrolment) / 100
         AS to_schools_without_enrolment_yuan,
       toUInt32(sum(enrolment)) AS enrolment,
       if(enrolment > 0,
          sumIf(amount_fen, measure IN ('to_school', 'to_weak_school') AND has_enrolment) / 100
            / enrolment,
          NULL) AS per_student_yuan,
       if(to_schools_yuan != 0, to_weak_schools_yuan / to_schools_yuan * 100, NULL) AS weak_school_share
FROM scoped
GROUP BY unit
ORDER BY unit`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
  headline: { column: 'per_student_yuan', valueUnit: 'yuan' },
};
