import { CONTRIBUTING_EVENTS, SCOPED, withClauses } from '@junheng/analytics';
import type { IndicatorDefinition } from '@junheng/analytics';

/**
 * A test fixture, not a product indicator: the attendees of an exchange lesson on average, in
 * one file as every indicator is. Added to the catalogue by one line in the test that uses it
 * (fixture-indicator.e2e-spec.ts), it must appear over REST, GraphQL, OpenAPI and the schema.
 *
 *   average = Σ attendees ÷ exchanges       (a figure below 10 breaches `few-attendees`)
 */
const CONTRIBUTIONS = withClauses(
  `
contributions AS (
  SELECT host_school_code AS school_code,
         district_code,
         '' AS urban_rural_group,
         '' AS level,
         'exchange' AS measure,
         attendees,
         [toString(event_id)] AS event_ids
  FROM {db:Identifier}.lesson_exchanges FINAL
  WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')}
    AND exchange_date BETWEEN {from:Date} AND {to:Date}
)`,
  SCOPED,
);

export const exchangeAttendanceIndicator: IndicatorDefinition = {
  name: 'exchange-attendance',
  family: 'pairing',
  title: '交流课平均听课人次',
  thresholdsInBrief: 'fewer than 10 attendees on average',
  grains: ['district', 'city', 'province'],
  byLevel: false,
  byGroup: false,
  byPeriod: true,
  figuresSql: `${CONTRIBUTIONS}
SELECT unit,
       toUInt32(count()) AS exchanges,
       toUInt32(sum(attendees)) AS attendees,
       if(exchanges > 0, attendees / exchanges, NULL) AS average
FROM scoped
GROUP BY unit
ORDER BY unit`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
  headline: { column: 'average', valueUnit: 'ratio' },
  verdict: (row) => (typeof row.average === 'number' && row.average < 10 ? ['few-attendees'] : []),
};
