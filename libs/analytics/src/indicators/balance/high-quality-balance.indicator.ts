import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { levelOfRow, numberCell } from '../indicator-thresholds';
import { CONTRIBUTING_EVENTS, SCOPED } from '../sql-fragments';
import {
  COEFFICIENTS,
  COEFFICIENT_FIGURES,
  HIGH_QUALITY_RESOURCES,
  SCHOOL_RESOURCES,
  SCHOOL_RESOURCES_FROM_REPORTS,
} from './school-resources.sql';

/**
 * 优质均衡 校际差异系数 (2017): seven indicators, each CV on its own, no composite.
 *
 *   CV = S / X̄ with X̄ and S as in basic balance (enrolment-weighted, population form)
 *
 * Indicators (per 100 students unless noted): above-qualification teachers, backbone teachers
 * (county level or higher), PE and arts teachers, networked multimedia classrooms; floor area,
 * sports area (m² per student), equipment value (yuan per student).
 * Thresholds (configurable): every CV ≤ 0.50 primary, ≤ 0.45 junior.
 * Source: domain.md indicator 4; 县域义务教育优质均衡发展督导评估办法 (2017).
 */
// Over the report values (the rollup) for the figures, over the reports for their facts.
const contributions = (resources: readonly string[]): string =>
  withClauses(
    ...resources,
    `
contributions AS (
  SELECT * FROM school_resources
  WHERE measure IN (${HIGH_QUALITY_RESOURCES.map((resource) => `'${resource}'`).join(', ')})
)`,
    SCOPED,
  );
const CONTRIBUTIONS = contributions(SCHOOL_RESOURCES);
const FACTS = contributions(SCHOOL_RESOURCES_FROM_REPORTS);
const figures = (
  contributionsOf: string,
): string => `${withClauses(contributionsOf.replace(/^WITH/, ''), COEFFICIENTS)}
${COEFFICIENT_FIGURES}
  ORDER BY unit, level, indicator`;

export const highQualityBalanceIndicator: IndicatorDefinition = {
  name: 'high-quality-balance',
  family: 'difference-coefficient',
  title: '优质均衡 校际差异系数',
  thresholdsInBrief: 'each CV ≤ 0.50 / 0.45',
  grains: ['district', 'city', 'province'],
  byLevel: true,
  byGroup: true,
  byPeriod: false,
  figuresSql: figures(CONTRIBUTIONS),
  factsSql: figures(FACTS),
  eventsSql: `${FACTS}${CONTRIBUTING_EVENTS}`,
  headline: { column: 'cv', valueUnit: 'coefficient', dimension: 'indicator' },
  verdict: (row, _grain, thresholds) => {
    const cv = numberCell(row.cv);
    const max = thresholds.highQualityCvMax[levelOfRow(row)];
    return cv !== null && cv > max ? [`cv-above-${max}`] : [];
  },
};
