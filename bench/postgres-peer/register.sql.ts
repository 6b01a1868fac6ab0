import type { PeerIndicator } from './peer-indicator';
import { SCHOOL_PERIODS, holdersOn, registerOn } from './sql';

/**
 * 在籍学生数 per district and level on the snapshot day (the end of the school year), and by
 * grade that day (promotion derived), at the school holding the student's school that day.
 */
export const registerPeer: PeerIndicator = {
  name: 'register',
  key: ['unit', 'level'],
  sql: `
WITH RECURSIVE
${SCHOOL_PERIODS},
${holdersOn('day', ':registerDay::date')},
${registerOn('day', ':registerDay::date')},
per_grade AS (
  SELECT holder.district_code AS unit, register.level, register.grade, count(*) AS students
  FROM register_day AS register
  JOIN holders_day AS holder ON holder.school_code = register.school_code
  WHERE holder.district_code <> ''
  GROUP BY 1, 2, 3
)
SELECT unit, level, sum(students)::int AS students,
       jsonb_object_agg(grade::text, students) AS by_grade
FROM per_grade
GROUP BY unit, level
ORDER BY unit, level`,
};
