import type { PeerIndicator } from './peer-indicator';
import { HIGH_QUALITY, SCHOOL_RESOURCES, inList } from './school-resources.sql';

/** 优质均衡 学校达标: each school's value of the seven 2017 resources, per level, by district. */
export const schoolMinimumsPeer: PeerIndicator = {
  name: 'school-minimums',
  key: ['unit', 'school_code', 'level'],
  sql: `
WITH
${SCHOOL_RESOURCES}
SELECT district_code AS unit, school_code, level, min(enrolment) AS enrolment,
       jsonb_object_agg(measure, value) AS "values"
FROM school_resources
WHERE measure IN (${inList(HIGH_QUALITY)}) AND district_code <> ''
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3`,
};
