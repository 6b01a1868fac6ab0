import type { PeerIndicator } from './peer-indicator';
import { SCHOOL_PERIODS, districtOf, lastMovementsOn, periodOn } from './sql';

/**
 * 失学辍学 per district and level: students whose last movement up to the reference day is a
 * dropout, by the reason given, at the dropout school's district on the dropout's day. The last
 * movements come from the covering index; only the dropouts' own events are read for the reason.
 */
export const outOfSchoolPeer: PeerIndicator = {
  name: 'out-of-school',
  key: ['unit', 'level'],
  sql: `
WITH
${SCHOOL_PERIODS},
still_out AS (
  SELECT ${districtOf('period', "dropout.data->>'districtCode'")} AS unit,
         dropout.level, dropout.data->>'reason' AS reason, count(*) AS students
  FROM (${lastMovementsOn(':on::date')}
  ) AS last_movement
  JOIN events AS dropout ON dropout.global_position = last_movement.global_position
  ${periodOn('period', 'dropout.school_code', 'dropout.event_date')}
  WHERE last_movement.type = 'StudentDroppedOut'
  GROUP BY 1, 2, 3
)
SELECT unit, level, sum(students)::int AS out_of_school,
       jsonb_object_agg(reason, students) AS by_reason
FROM still_out
WHERE unit <> ''
GROUP BY unit, level
ORDER BY unit, level`,
};
