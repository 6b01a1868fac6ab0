import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { rollupTotals } from '../rollup-fragments';
import {
  CONTRIBUTING_EVENTS,
  SCHOOL_PERIODS,
  SCOPED,
  STUDENT_FACTS,
  attributedOn,
} from '../sql-fragments';

/**
 * 劝返率 and days to return, for the dropouts of a period.
 *
 *   return rate    = returned ÷ dropouts × 100
 *   days to return = median over the returned of (return day − dropout day)
 *
 * - dropouts: StudentDroppedOut dated in the period (school year, month or term).
 * - returned: those of them with a StudentReturned recorded up to `asOf` (whenever it happened)
 *   naming that dropout's day; persuasion, legal order and own accord all count.
 * - both attributed to the dropout's school on the dropout day, so the two sides match.
 * - the median of an even count is the mean of the middle two.
 * Threshold: none by default. Source: domain.md "Dropout rate" (return rate, median days).
 *
 * Read from `dropout_changes`: the period's dropouts and the returns counted against them, by
 * days out; the facts below match each return to its dropout student by student.
 */
const ROLLUP_CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  rollupTotals(
    'period_dropouts',
    'dropout_changes',
    'kind, school_code, district_code, level, dropped_out_on, days_out',
    [`kind IN ('dropout', 'return') AND dropped_out_on BETWEEN {from:Date} AND {to:Date}`],
  ),
  attributedOn('dropouts', 'period_dropouts', 'school_code', 'dropped_out_on', 'district_code'),
  `
contributions AS (
  SELECT school_code,
         attributed_district AS district_code,
         attributed_group AS urban_rural_group,
         level,
         if(kind = 'dropout', 'dropouts', 'returned') AS measure,
         days_out,
         toUInt32(abs(delta)) AS n
  FROM attributed_dropouts
)`,
  SCOPED,
);

const CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  STUDENT_FACTS,
  `
dropouts AS (
  SELECT * FROM student_facts
  WHERE type = 'StudentDroppedOut' AND event_date BETWEEN {from:Date} AND {to:Date}
)`,
  attributedOn('dropouts', 'dropouts', 'school_code', 'event_date', 'district_code'),
  `
returns AS (
  SELECT student, event_date - days_out AS dropped_out_on, days_out, event_id AS return_id
  FROM student_facts
  WHERE type = 'StudentReturned'
)`,
  `
contributions AS (
  SELECT school_code,
         attributed_district AS district_code,
         attributed_group AS urban_rural_group,
         level,
         'dropouts' AS measure,
         toInt32(-1) AS days_out,
         [toString(event_id)] AS event_ids
  FROM attributed_dropouts
  UNION ALL
  SELECT dropout.school_code,
         dropout.attributed_district,
         dropout.attributed_group,
         dropout.level,
         'returned',
         back.days_out,
         [toString(back.return_id)]
  FROM attributed_dropouts AS dropout
  INNER JOIN returns AS back
    ON back.student = dropout.student AND back.dropped_out_on = dropout.event_date
)`,
  SCOPED,
);

export const returnRateIndicator: IndicatorDefinition = {
  name: 'return-rate',
  family: 'dropout',
  title: '劝返率 / 返校天数',
  thresholdsInBrief: 'none',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: true,
  byGroup: true,
  byPeriod: true,
  figuresSql: `${ROLLUP_CONTRIBUTIONS}
SELECT unit,
       level,
       toUInt32(sumIf(n, measure = 'dropouts')) AS dropouts,
       toUInt32(sumIf(n, measure = 'returned')) AS returned,
       if(dropouts > 0, returned / dropouts * 100, NULL) AS rate,
       -- The median of the days out, each count of returns standing for that many returns.
       if(returned > 0,
          arrayReduce('quantileExactInclusive(0.5)',
                      arrayFlatten(groupArrayIf(arrayWithConstant(n, days_out),
                                                measure = 'returned'))),
          NULL) AS median_days_to_return
FROM scoped
GROUP BY unit, level
ORDER BY unit, level`,
  factsSql: `${CONTRIBUTIONS}
SELECT unit,
       level,
       toUInt32(countIf(measure = 'dropouts')) AS dropouts,
       toUInt32(countIf(measure = 'returned')) AS returned,
       if(dropouts > 0, returned / dropouts * 100, NULL) AS rate,
       if(returned > 0, quantileExactInclusiveIf(0.5)(days_out, measure = 'returned'), NULL)
         AS median_days_to_return
FROM scoped
GROUP BY unit, level
ORDER BY unit, level`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
  headline: { column: 'rate', valueUnit: 'percent' },
};
