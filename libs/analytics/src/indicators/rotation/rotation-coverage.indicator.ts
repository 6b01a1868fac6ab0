import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { numberCell } from '../indicator-thresholds';
import { CONTRIBUTING_EVENTS, SCHOOL_PERIODS, SCOPED, attributedOn } from '../sql-fragments';

/**
 * 交流轮岗 coverage: teachers who started a rotation in the period over the teachers eligible
 * for rotation, and the backbone teachers' share of those rotated.
 *
 *   coverage       = rotated teachers ÷ eligible teachers × 100        (≥ 10%)
 *   backbone share = rotated backbone teachers ÷ rotated teachers × 100 (≥ 20%)
 *
 * - rotated teachers: distinct teachers with a TeacherRotationStarted dated in the period
 *   (any kind: rotation, supported teaching, secondment), counted at the school they left, on
 *   the day they left; `rotations` counts person-times (人次), which add up across schools.
 * - eligible: Σ rotation-eligible teachers of the schools' last staffing report of the year.
 * Not split by level: teachers are reported per school. Thresholds configurable.
 * Source: domain.md indicator 5; 关于推进县（区）域内义务教育学校校长教师交流轮岗的意见 (2014);
 * seed 001 (one cadre and at least two teachers a year per pair), seed 002 (129 teachers, 107 人次).
 */
const CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  `
started AS (
  SELECT *
  FROM {db:Identifier}.teacher_rotations FINAL
  WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')}
    AND type = 'started' AND event_date BETWEEN {from:Date} AND {to:Date}
)`,
  attributedOn('rotations', 'started', 'from_school_code', 'event_date', 'from_district_code'),
  `
staffing AS (
  SELECT last.1 AS school_code, last.2 AS district_code, last.3 AS reported_on,
         last.4 AS eligible, last.5 AS event_id
  FROM (
    SELECT argMax(tuple(school_code, district_code, reported_on, rotation_eligible_teachers, event_id),
                global_position) AS last
    FROM {db:Identifier}.school_reports FINAL
    WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')}
      AND report = 'staffing' AND school_year = {schoolYear:UInt16}
    GROUP BY school_code
  )
)`,
  attributedOn('staffing', 'staffing', 'school_code', 'reported_on', 'district_code'),
  `
contributions AS (
  SELECT from_school_code AS school_code,
         attributed_district AS district_code,
         attributed_group AS urban_rural_group,
         '' AS level,
         if(backbone = 1, 'backbone_rotation', 'rotation') AS measure,
         teacher,
         toUInt32(0) AS eligible,
         [toString(event_id)] AS event_ids
  FROM attributed_rotations
  UNION ALL
  SELECT school_code, attributed_district, attributed_group, '', 'eligible', '', eligible,
         [toString(event_id)]
  FROM attributed_staffing
)`,
  SCOPED,
);

export const rotationCoverageIndicator: IndicatorDefinition = {
  name: 'rotation-coverage',
  family: 'rotation',
  title: '交流轮岗比例 / 骨干教师比例',
  thresholdsInBrief: '≥ 10%, backbone ≥ 20%',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: false,
  byGroup: true,
  byPeriod: true,
  figuresSql: `${CONTRIBUTIONS}
SELECT unit,
       toUInt32(uniqExactIf(teacher, measure IN ('rotation', 'backbone_rotation'))) AS rotated_teachers,
       toUInt32(countIf(measure IN ('rotation', 'backbone_rotation'))) AS rotations,
       toUInt32(uniqExactIf(teacher, measure = 'backbone_rotation')) AS backbone_teachers,
       toUInt32(sum(eligible)) AS eligible_teachers,
       if(eligible_teachers > 0, rotated_teachers / eligible_teachers * 100, NULL) AS coverage,
       if(rotated_teachers > 0, backbone_teachers / rotated_teachers * 100, NULL) AS backbone_share
FROM scoped
GROUP BY unit
ORDER BY unit`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
  headline: { column: 'coverage', valueUnit: 'percent' },
  verdict: (row, _grain, thresholds) => {
    const coverage = numberCell(row.coverage);
    const backbone = numberCell(row.backbone_share);
    const rules: string[] = [];
    if (coverage !== null && coverage < thresholds.rotationCoverageMin)
      rules.push(`coverage-below-${thresholds.rotationCoverageMin}`);
    if (backbone !== null && backbone < thresholds.backboneShareMin)
      rules.push(`backbone-share-below-${thresholds.backboneShareMin}`);
    return rules;
  },
};
