import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { levelOfRow, minimumsMet } from '../indicator-thresholds';
import { CONTRIBUTING_EVENTS, SCOPED } from '../sql-fragments';
import {
  HIGH_QUALITY_RESOURCES,
  SCHOOL_RESOURCES,
  SCHOOL_RESOURCES_FROM_REPORTS,
} from './school-resources.sql';

/**
 * 优质均衡 每所学校至少6项达标: each school's value of the seven high-quality indicators,
 * judged against the minimums (indicator-thresholds.ts), and per unit how many schools meet at
 * least six of the seven.
 *
 *   met_i = #{ k : X_ik ≥ minimum_k(level) },  school i passes when met_i ≥ 6
 *
 * Minimums (primary / junior, configurable): per 100 students above-qualification teachers
 * 4.2 / 5.3, backbone teachers 1 / 1, PE and arts teachers 0.9 / 0.9, networked multimedia
 * classrooms 2.3 / 2.4; per student floor area 4.5 / 5.8 m², sports area 7.5 / 10.2 m²,
 * equipment 2,000 / 2,500 yuan. A nine-year school is judged per level on its split resources.
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
/** Each school's values of the seven resources, by level. */
const figures = (contributionsOf: string): string => `${contributionsOf}
SELECT unit,
       school_code,
       level,
       any(enrolment) AS enrolment,
       CAST(mapFromArrays(groupArray(measure), groupArray(value)), 'Map(String, Float64)') AS values
FROM scoped
GROUP BY unit, school_code, level
ORDER BY unit, school_code, level`;

export const schoolMinimumsIndicator: IndicatorDefinition = {
  name: 'school-minimums',
  family: 'difference-coefficient',
  title: '优质均衡 学校达标（7项中至少6项）',
  thresholdsInBrief: '6 of 7 minimums',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: true,
  byGroup: true,
  byPeriod: false,
  figuresSql: figures(CONTRIBUTIONS),
  factsSql: figures(FACTS),
  eventsSql: `${FACTS}${CONTRIBUTING_EVENTS}`,
  // The headline is how many of the province's minimums the school meets.
  headline: {
    column: 'minimums_met',
    valueUnit: 'count',
    dimension: 'school_code',
    computed: (row, thresholds) => minimumsMet(row, thresholds),
  },
  verdict: (row, _grain, thresholds) => {
    const met = minimumsMet(row, thresholds);
    const of = Object.keys(thresholds.schoolMinimums[levelOfRow(row)]).length;
    return met < thresholds.schoolMinimumsRequired ? [`minimums-met-${met}-of-${of}`] : [];
  },
};
