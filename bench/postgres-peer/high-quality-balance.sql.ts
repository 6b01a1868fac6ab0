import type { PeerIndicator } from './peer-indicator';
import { HIGH_QUALITY, SCHOOL_RESOURCES, coefficients, inList } from './school-resources.sql';

/** 优质均衡 校际差异系数 per district and level: the CV of each of the seven 2017 resources. */
export const highQualityBalancePeer: PeerIndicator = {
  name: 'high-quality-balance',
  key: ['unit', 'level', 'indicator'],
  sql: `
WITH
${SCHOOL_RESOURCES},
resources AS (
  SELECT district_code AS unit, level, measure, enrolment, value
  FROM school_resources
  WHERE measure IN (${inList(HIGH_QUALITY)}) AND district_code <> ''
),
${coefficients('resources')}
SELECT unit, level, indicator, schools, students, mean, deviation, cv
FROM per_indicator
ORDER BY unit, level, indicator`,
};
