import type { PeerIndicator } from './peer-indicator';
import { SCHOOL_PERIODS, districtOf, holdersOn, periodOn, registerOn } from './sql';

/**
 * 辍学率 per district and level: dropouts dated in the period ÷ the register at the end of
 * 1 September (at the school holding the student's school that day, through merges) × 100; each
 * dropout at its school's district on the dropout's day.
 */
export const dropoutRatePeer: PeerIndicator = {
  name: 'dropout-rate',
  key: ['unit', 'level'],
  sql: `
WITH RECURSIVE
${SCHOOL_PERIODS},
${holdersOn('start', ':yearStart::date')},
${registerOn('start', ':yearStart::date')},
enrolled AS (
  SELECT holder.district_code AS unit, register.level, count(*) AS enrolled_start
  FROM register_start AS register
  JOIN holders_start AS holder ON holder.school_code = register.school_code
  GROUP BY 1, 2
),
dropouts AS (
  SELECT ${districtOf('period', "dropout.data->>'districtCode'")} AS unit, dropout.level,
         count(*) AS dropouts
  FROM events AS dropout
  ${periodOn('period', 'dropout.school_code', 'dropout.event_date')}
  WHERE dropout.type = 'StudentDroppedOut' AND dropout.event_date BETWEEN :from::date AND :to::date
  GROUP BY 1, 2
)
SELECT unit, level,
       coalesce(enrolled_start, 0)::int AS enrolled_start,
       coalesce(dropouts, 0)::int AS dropouts,
       CASE WHEN enrolled_start > 0 THEN coalesce(dropouts, 0)::float8 / enrolled_start * 100 END
         AS rate
FROM enrolled
FULL JOIN dropouts USING (unit, level)
WHERE unit <> ''
ORDER BY unit, level`,
};
