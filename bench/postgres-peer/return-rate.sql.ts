import type { PeerIndicator } from './peer-indicator';
import { SCHOOL_PERIODS, districtOf, periodOn } from './sql';

/**
 * 劝返率 per district and level: of the dropouts dated in the period, those with a return
 * naming that dropout's day (whenever it came), and the median days out of those returned; both
 * at the dropout school's district on the dropout's day.
 */
export const returnRatePeer: PeerIndicator = {
  name: 'return-rate',
  key: ['unit', 'level'],
  sql: `
WITH
${SCHOOL_PERIODS},
dropouts AS (
  SELECT ${districtOf('period', "dropout.data->>'districtCode'")} AS unit, dropout.level,
         dropout.student, dropout.event_date
  FROM events AS dropout
  ${periodOn('period', 'dropout.school_code', 'dropout.event_date')}
  WHERE dropout.type = 'StudentDroppedOut' AND dropout.event_date BETWEEN :from::date AND :to::date
),
outcomes AS (
  SELECT dropout.unit, dropout.level, (back.data->>'daysOut')::int AS days_out
  FROM dropouts AS dropout
  LEFT JOIN events AS back
    ON back.student = dropout.student AND back.type = 'StudentReturned'
   AND (back.data->>'droppedOutOn')::date = dropout.event_date
)
SELECT unit, level, count(*)::int AS dropouts, count(days_out)::int AS returned,
       count(days_out)::float8 / count(*) * 100 AS rate,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY days_out) AS median_days_to_return
FROM outcomes
WHERE unit <> ''
GROUP BY unit, level
ORDER BY unit, level`,
};
