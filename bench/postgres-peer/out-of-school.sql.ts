import type { PeerIndicator } from './peer-indicator';
import { MOVEMENTS, SCHOOL_PERIODS, districtOf, periodOn } from './sql';

/**
 * 失学辍学 per district and level: students whose last movement up to the reference day is a
 * dropout, by the reason given, at the dropout school's district on the dropout's day. Asked
 * from the dropouts' side: a dropout no later movement of its student follows (by day, then
 * commit order) up to the reference day — one probe of `events_student_movements` per dropout
 * instead of every student's last movement.
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
  FROM events AS dropout
  ${periodOn('period', 'dropout.school_code', 'dropout.event_date')}
  WHERE dropout.type = 'StudentDroppedOut' AND dropout.event_date <= :on::date
    AND NOT EXISTS (
      SELECT FROM events AS later
      WHERE later.student = dropout.student AND later.type IN (${MOVEMENTS})
        AND later.event_date <= :on::date
        AND (later.event_date, later.global_position) > (dropout.event_date, dropout.global_position))
  GROUP BY 1, 2, 3
)
SELECT unit, level, sum(students)::int AS out_of_school,
       jsonb_object_agg(reason, students) AS by_reason
FROM still_out
WHERE unit <> ''
GROUP BY unit, level
ORDER BY unit, level`,
};
