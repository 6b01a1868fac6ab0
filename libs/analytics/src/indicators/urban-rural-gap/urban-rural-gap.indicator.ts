import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { numberCell } from '../indicator-thresholds';
import { CONTRIBUTING_EVENTS, SCOPED } from '../sql-fragments';
import {
  SCHOOL_RESOURCES_FROM_REPORTS,
  schoolResourceValues,
  schoolResources,
} from '../balance/school-resources.sql';
import type { JoinedMeasure } from '../balance/school-resources.sql';

/**
 * 城乡差距: for each resource, the rural (乡村) schools' value per student over the urban (城区)
 * schools', within the unit and level.
 *
 *   group value = Σ amount_i ÷ Σ P_i over the group's schools (the group's total per student)
 *   ratio       = rural value ÷ urban value      (1.0 is parity)
 *
 * Resources: the eleven conditions and staffing indicators of the balance rules, plus funds
 * allocated in the school year per student (net of revocations, yuan) and teachers rotated
 * in per 100 students (rotations starting in the school year). A nine-year school's amounts
 * are split between levels by weighted enrolment; the town group (镇区) is shown, not compared.
 * Threshold (configurable): parity is 0.97-1.03 (the SDG 4.5.1 convention); a ratio below the
 * band breaches.
 * Source: domain.md indicator 3.
 */
// Funds allocated and teachers rotated in during the school year, per school.
const SOURCES = [
  `
school_funds AS (
  SELECT school_code, sum(amount_fen) / 100 AS yuan, groupArray(toString(event_id)) AS ids
  FROM {db:Identifier}.fund_flows FINAL
  WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')}
    AND type IN ('allocated', 'revoked') AND school_code != ''
    AND flow_date BETWEEN {yearStart:Date} AND {yearEnd:Date}
  GROUP BY school_code
)`,
  `
school_rotations AS (
  SELECT to_school_code AS school_code, count() AS teachers, groupArray(toString(event_id)) AS ids
  FROM {db:Identifier}.teacher_rotations FINAL
  WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')}
    AND type = 'started' AND event_date BETWEEN {yearStart:Date} AND {yearEnd:Date}
  GROUP BY to_school_code
)`,
];

const JOINED: readonly JoinedMeasure[] = [
  { measure: 'funds', source: 'school_funds', quantity: 'yuan', scale: 1 },
  {
    measure: 'rotated_teachers_received',
    source: 'school_rotations',
    quantity: 'teachers',
    scale: 100,
  },
];

const CONTRIBUTIONS_OF = `
contributions AS (
  SELECT school_code, district_code, urban_rural_group, level, enrolment, event_ids, measure, value
  FROM school_resources
)`;

// The figures from the reports' values (the rollup), their facts from the reports: the report
// resources, then funds and rotated teachers joined to the same school levels.
const CONTRIBUTIONS = withClauses(
  ...SOURCES,
  ...schoolResourceValues(JOINED),
  CONTRIBUTIONS_OF,
  SCOPED,
);
const FACTS = withClauses(
  ...SCHOOL_RESOURCES_FROM_REPORTS.slice(0, -1),
  ...SOURCES,
  schoolResources(JOINED),
  CONTRIBUTIONS_OF,
  SCOPED,
);

/** Each group's value per student and the rural ÷ urban ratio, by unit, level and resource. */
const figures = (contributionsOf: string): string => `${contributionsOf}
SELECT unit,
       level,
       measure AS indicator,
       sumIf(value * enrolment, urban_rural_group = 'urban')
         / nullIf(sumIf(enrolment, urban_rural_group = 'urban'), 0) AS urban,
       sumIf(value * enrolment, urban_rural_group = 'town')
         / nullIf(sumIf(enrolment, urban_rural_group = 'town'), 0) AS town,
       sumIf(value * enrolment, urban_rural_group = 'rural')
         / nullIf(sumIf(enrolment, urban_rural_group = 'rural'), 0) AS rural,
       if(urban > 0, rural / urban, NULL) AS ratio
FROM scoped
GROUP BY unit, level, measure
ORDER BY unit, level, indicator`;

export const urbanRuralGapIndicator: IndicatorDefinition = {
  name: 'urban-rural-gap',
  family: 'urban-rural-gap',
  title: '城乡差距（乡村 ÷ 城区 生均）',
  thresholdsInBrief: 'parity 0.97-1.03',
  grains: ['district', 'city', 'province'],
  byLevel: true,
  byGroup: false,
  byPeriod: false,
  figuresSql: figures(CONTRIBUTIONS),
  factsSql: figures(FACTS),
  eventsSql: `${FACTS}${CONTRIBUTING_EVENTS}`,
  headline: { column: 'ratio', valueUnit: 'ratio', dimension: 'indicator' },
  verdict: (row, _grain, thresholds) => {
    const ratio = numberCell(row.ratio);
    return ratio !== null && ratio < thresholds.parityLow
      ? [`below-parity-${thresholds.parityLow}`]
      : [];
  },
};
