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
 *
 * Read from `dropout_changes`: each dropout +1, the return or death that ends it −1 on its day,
 * so the students out of school on the day are the sum up to it; the facts below compute the
 * same from each student's last movement.
 */
const ROLLUP_CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  rollupTotals(
    'still_out',
    'dropout_changes',
    'school_code, district_code, level, reason, dropped_out_on',
    ['changed_on <= {on:Date}'],
  ),
  attributedOn('out', 'still_out', 'school_code', 'dropped_out_on', 'district_code'),
  `
contributions AS (
  SELECT school_code,
         attributed_district AS district_code,
         attributed_group AS urban_rural_group,
         level,
         reason AS measure,
         toUInt32(delta) AS n
  FROM attributed_out
)`,
  SCOPED,
);

const FIGURES = (students: string): string => `
SELECT unit,
       level,
       toUInt32(sum(${students})) AS out_of_school,
       CAST(sumMap(map(measure, toUInt32(${students}))), 'Map(String, UInt32)') AS by_reason
FROM scoped
GROUP BY unit, level
ORDER BY unit, level`;

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
  thresholdsInBrief: 'none',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: true,
  byGroup: true,
  byPeriod: false,
  figuresSql: `${ROLLUP_CONTRIBUTIONS}${FIGURES('n')}`,
  factsSql: `${CONTRIBUTIONS}${FIGURES('1')}`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
  headline: { column: 'out_of_school', valueUnit: 'count' },
};
