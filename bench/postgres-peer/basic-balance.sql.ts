import type { PeerIndicator } from './peer-indicator';
import { BASIC_BALANCE, SCHOOL_RESOURCES, coefficients, inList } from './school-resources.sql';

/**
 * 基本均衡 校际差异系数 per district and level: the enrolment-weighted CV of each of the eight
 * 2012 resources over the district's schools, and the composite (their plain mean).
 */
export const basicBalancePeer: PeerIndicator = {
  name: 'basic-balance',
  key: ['unit', 'level', 'indicator'],
  sql: `
WITH
${SCHOOL_RESOURCES},
resources AS (
  SELECT district_code AS unit, level, measure, enrolment, value
  FROM school_resources
  WHERE measure IN (${inList(BASIC_BALANCE)}) AND district_code <> ''
),
${coefficients('resources')}
SELECT unit, level, indicator, schools, students, mean, cv FROM per_indicator
UNION ALL
SELECT unit, level, 'composite', max(schools), max(students), NULL, avg(cv)
FROM per_indicator
GROUP BY unit, level
ORDER BY unit, level, indicator`,
};
