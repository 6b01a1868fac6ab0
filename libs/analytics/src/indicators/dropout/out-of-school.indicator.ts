import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import {
  CONTRIBUTING_EVENTS,
  SCHOOL_PERIODS,
  SCOPED,
  STUDENT_FACTS,
  attributedOn,
} from '../sql-fragments';

/**
 * 失学辍学 currently out of school: students whose last movement up to the reference day is a
 * dropout (dropped out, not returned), by the reason given at the dropout.
 *
 *   out of school = #{ students : last movement on or before the day = StudentDroppedOut }
 *
 * - the reference day is the as-of day, or the end of the school year if that comes first
 *   (the March and September sweeps of seed 003 ask it "as of" the sweep).
 * - attributed to the school and district that held the dropout's school on its day.
 * Threshold: none by default (every child counts; the list is the work). Source: domain.md
 * "Dropout rate"; seed 003 ("每年3月和9月…排查").
 */
const CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  STUDENT_FACTS,
  `
last_movements AS (
  SELECT student, last.1 AS type, last.2 AS school_code, last.3 AS district_code,
         last.4 AS level, last.5 AS event_date, last.6 AS reason, last.7 AS event_id
  FROM (
    SELECT student,
           argMax(tuple(type, school_code, district_code, level, event_date, reason,
                        toString(event_id)),
                  tuple(event_date, global_position)) AS last
    FROM student_facts
    WHERE event_date <= {on:Date}
    GROUP BY student
  )
  WHERE type = 'StudentDroppedOut'
)`,
  attributedOn('out', 'last_movements', 'school_code', 'event_date', 'district_code'),
  `
contributions AS (
  SELECT school_code,
         attributed_district AS district_code,
         attributed_group AS urban_rural_group,
         level,
         reason AS measure,
         [event_id] AS event_ids
  FROM attributed_out
)`,
  SCOPED,
);

export const outOfSchoolIndicator: IndicatorDefinition = {
  name: 'out-of-school',
  family: 'dropout',
  title: '失学辍学学生（未返校）',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: true,
  byGroup: true,
  byPeriod: false,
  figuresSql: `${CONTRIBUTIONS}
SELECT unit,
       level,
       toUInt32(count()) AS out_of_school,
       CAST(sumMap(map(measure, toUInt32(1))), 'Map(String, UInt32)') AS by_reason
FROM scoped
GROUP BY unit, level
ORDER BY unit, level`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
};
