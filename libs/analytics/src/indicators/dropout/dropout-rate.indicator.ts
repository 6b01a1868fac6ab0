import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import {
  CONTRIBUTING_EVENTS,
  SCHOOL_PERIODS,
  SCOPED,
  STUDENT_FACTS,
  attributedOn,
  holdersOn,
  registerOn,
} from '../sql-fragments';

/**
 * 辍学率: dropouts in the period ÷ students on the register at the start of the school year.
 *
 *   rate = dropouts ÷ enrolled at start × 100, by level (grade 1-6 primary, 7-9 junior)
 *
 * - enrolled at start: on the register (enrolled or suspended, 在籍) at the end of 1 September,
 *   at the school holding them that day.
 * - dropouts: StudentDroppedOut dated in the period (the school year, or one month or term of
 *   it), at the school and district that held the school on the day.
 * Thresholds (configurable): primary 0 (any dropout flags), junior below 2%, a school above 4%.
 * Source: domain.md "Dropout rate"; seed 003 (控辍保学), seed 001.
 */
const CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  holdersOn('yearStart'),
  STUDENT_FACTS,
  registerOn('yearStart'),
  attributedOn('dropouts', 'student_facts', 'school_code', 'event_date', 'district_code'),
  `
contributions AS (
  SELECT holder.holder_code AS school_code,
         holder.district_code AS district_code,
         holder.urban_rural_group AS urban_rural_group,
         register.level AS level,
         'enrolled_start' AS measure,
         [register.event_id] AS event_ids
  FROM register_yearStart AS register
  INNER JOIN holders_yearStart AS holder ON holder.school_code = register.school_code
  UNION ALL
  SELECT school_code,
         attributed_district,
         attributed_group,
         level,
         'dropouts',
         [toString(event_id)]
  FROM attributed_dropouts
  WHERE type = 'StudentDroppedOut' AND event_date BETWEEN {from:Date} AND {to:Date}
)`,
  SCOPED,
);

export const dropoutRateIndicator: IndicatorDefinition = {
  name: 'dropout-rate',
  family: 'dropout',
  title: '辍学率',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: true,
  byGroup: true,
  byPeriod: true,
  figuresSql: `${CONTRIBUTIONS}
SELECT unit,
       level,
       toUInt32(countIf(measure = 'enrolled_start')) AS enrolled_start,
       toUInt32(countIf(measure = 'dropouts')) AS dropouts,
       if(enrolled_start > 0, dropouts / enrolled_start * 100, NULL) AS rate
FROM scoped
GROUP BY unit, level
ORDER BY unit, level`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
};
