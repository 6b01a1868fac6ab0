import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { levelOfRow, numberCell } from '../indicator-thresholds';
import { CONTRIBUTING_EVENTS, SCOPED } from '../sql-fragments';
import {
  BASIC_BALANCE_RESOURCES,
  COEFFICIENTS,
  COEFFICIENT_FIGURES,
  SCHOOL_RESOURCES,
  SCHOOL_RESOURCES_FROM_REPORTS,
} from './school-resources.sql';

/**
 * 基本均衡 校际差异系数 (2012): for each of eight resource indicators, over the unit's schools
 * at one level,
 *
 *   X_i = school i's value per student (or per 100), P_i = its enrolment, P = Σ P_i
 *   X̄ = Σ P_i·X_i / P          (the unit's total per student)
 *   S = sqrt( Σ (P_i / P)·(X_i − X̄)² )   (population form, enrolment-weighted, no n − 1)
 *   CV = S / X̄
 *   composite = mean of the eight CVs
 *
 * Indicators: teaching and auxiliary floor area, sports area, equipment value, books (per
 * student); computers, full-time teachers, above-qualification teachers, intermediate-title
 * teachers (per 100 students; the scale does not change a CV).
 * Thresholds (configurable): composite ≤ 0.65 primary, ≤ 0.55 junior.
 * Source: domain.md indicator 4 (example: enrolments 100, 300, 600 with 5, 10, 15 computers per
 * 100 students give X̄ = 12.5, S = 3.354, CV = 0.268); 县域义务教育均衡发展督导评估暂行办法 (2012).
 */
// Over the report values (the rollup) for the figures, over the reports for their facts.
const contributions = (resources: readonly string[]): string =>
  withClauses(
    ...resources,
    `
contributions AS (
  SELECT * FROM school_resources
  WHERE measure IN (${BASIC_BALANCE_RESOURCES.map((resource) => `'${resource}'`).join(', ')})
)`,
    SCOPED,
  );
const CONTRIBUTIONS = contributions(SCHOOL_RESOURCES);
const FACTS = contributions(SCHOOL_RESOURCES_FROM_REPORTS);

/** The eight figures and their composite of each unit and level, over `contributionsOf`. */
const figures = (contributionsOf: string): string =>
  `${withClauses(
    contributionsOf.replace(/^WITH/, ''),
    COEFFICIENTS,
    `
per_indicator AS (${COEFFICIENT_FIGURES}
)`,
  )}
-- Each unit and level's eight rows and their composite, from one reading of per_indicator:
-- named twice (a UNION ALL of the rows and of their mean), ClickHouse would plan the whole
-- chain above twice.
SELECT unit, level, figure.1 AS indicator, figure.2 AS schools, figure.3 AS students,
       figure.4 AS mean, figure.5 AS cv
FROM (
  SELECT unit, level,
         arrayPushBack(groupArray((indicator, schools, students, mean, cv)),
                       ('composite', max(schools), max(students), NULL, avg(cv))) AS figures
  FROM per_indicator
  GROUP BY unit, level
)
ARRAY JOIN figures AS figure
ORDER BY unit, level, indicator`;

export const basicBalanceIndicator: IndicatorDefinition = {
  name: 'basic-balance',
  family: 'difference-coefficient',
  title: '基本均衡 校际差异系数',
  thresholdsInBrief: 'composite ≤ 0.65 / 0.55',
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
    const max = thresholds.basicBalanceCompositeMax[levelOfRow(row)];
    return row.indicator === 'composite' && cv !== null && cv > max
      ? [`composite-cv-above-${max}`]
      : [];
  },
};
