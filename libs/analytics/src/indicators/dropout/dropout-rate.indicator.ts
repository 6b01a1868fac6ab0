import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { levelOfRow, numberCell } from '../indicator-thresholds';
import { registerTotalsOn, rollupTotals } from '../rollup-fragments';
import {
  CONTRIBUTING_EVENTS,
  SCHOOL_PERIODS,
  SCOPED,
  STUDENT_FACTS,
  attributedOn,
  holdersOn,
  registerOn,
} from '../sql-fragments';

/**
 * 辍学率: dropouts in the period ÷ students on the register at the start of the school year.
 *
 *   rate = dropouts ÷ enrolled at start × 100, by level (grade 1-6 primary, 7-9 junior)
 *
 * - enrolled at start: on the register (enrolled or suspended, 在籍) at the end of 1 September,
 *   at the school holding them that day.
 * - dropouts: StudentDroppedOut dated in the period (the school year, or one month or term of
 *   it), at the school and district that held the school on the day.
 * Thresholds (configurable): primary 0 (any dropout flags), junior below 2%, a school above 4%.
 * Source: domain.md "Dropout rate"; seed 003 (控辍保学), seed 001.
 *
 * Read from the rollups: the register on 1 September from `register_changes`, the dropouts
 * from `dropout_changes`; the facts below compute the same, student by student.
 */
const ROLLUP_CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  holdersOn('yearStart'),
  registerTotalsOn('yearStart'),
  rollupTotals(
    'period_dropouts',
    'dropout_changes',
    'school_code, district_code, level, dropped_out_on',
    [`kind = 'dropout' AND dropped_out_on BETWEEN {from:Date} AND {to:Date}`],
  ),
  attributedOn('dropouts', 'period_dropouts', 'school_code', 'dropped_out_on', 'district_code'),
  `
contributions AS (
  SELECT holder.holder_code AS school_code,
         holder.district_code AS district_code,
         holder.urban_rural_group AS urban_rural_group,
         register.level AS level,
         'enrolled_start' AS measure,
         register.students AS n
  FROM register_yearStart AS register
  INNER JOIN holders_yearStart AS holder ON holder.school_code = register.school_code
  UNION ALL
  SELECT school_code, attributed_district, attributed_group, level, 'dropouts', delta
  FROM attributed_dropouts
)`,
  SCOPED,
);

const FIGURES = (count: (measure: string) => string): string => `
SELECT unit,
       level,
       toUInt32(${count('enrolled_start')}) AS enrolled_start,
       toUInt32(${count('dropouts')}) AS dropouts,
       if(enrolled_start > 0, dropouts / enrolled_start * 100, NULL) AS rate
FROM scoped
GROUP BY unit, level
ORDER BY unit, level`;

const CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  holdersOn('yearStart'),
  STUDENT_FACTS,
  registerOn('yearStart'),
  attributedOn('dropouts', 'student_facts', 'school_code', 'event_date', 'district_code'),
  `
contributions AS (
  SELECT holder.holder_code AS school_code,
         holder.district_code AS district_code,
         holder.urban_rural_group AS urban_rural_group,
         register.level AS level,
         'enrolled_start' AS measure,
         [register.event_id] AS event_ids
  FROM register_yearStart AS register
  INNER JOIN holders_yearStart AS holder ON holder.school_code = register.school_code
  UNION ALL
  SELECT school_code,
         attributed_district,
         attributed_group,
         level,
         'dropouts',
         [toString(event_id)]
  FROM attributed_dropouts
  WHERE type = 'StudentDroppedOut' AND event_date BETWEEN {from:Date} AND {to:Date}
)`,
  SCOPED,
);

export const dropoutRateIndicator: IndicatorDefinition = {
  name: 'dropout-rate',
  family: 'dropout',
  title: '辍学率',
  thresholdsInBrief: 'primary 0, junior < 2%, school ≤ 4%',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: true,
  byGroup: true,
  byPeriod: true,
  figuresSql: `${ROLLUP_CONTRIBUTIONS}${FIGURES((measure) => `sumIf(n, measure = '${measure}')`)}`,
  factsSql: `${CONTRIBUTIONS}${FIGURES((measure) => `countIf(measure = '${measure}')`)}`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
  headline: { column: 'rate', valueUnit: 'percent' },
  verdict: (row, grain, thresholds) => {
    const rate = numberCell(row.rate);
    if (rate === null) return [];
    const level = levelOfRow(row);
    const rules: string[] = [];
    if (level === 'primary' && rate > thresholds.dropoutPrimaryMax) rules.push('primary-dropout');
    if (level === 'junior' && rate >= thresholds.dropoutJuniorBelow)
      rules.push(`junior-dropout-not-below-${thresholds.dropoutJuniorBelow}`);
    if (grain === 'school' && rate > thresholds.dropoutSchoolMax)
      rules.push(`school-dropout-above-${thresholds.dropoutSchoolMax}`);
    return rules;
  },
};
