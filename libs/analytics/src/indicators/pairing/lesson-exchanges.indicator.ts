import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { CONTRIBUTING_EVENTS, SCOPED } from '../sql-fragments';

/**
 * 交流课 (lesson exchanges, pairing activity): the exchange lessons held in the period and who
 * attended them.
 *
 *   exchanges = LessonExchanged events held in the period (the school year, a term or a month)
 *   attendees = Σ attendees of those exchanges (人次, person-times: one teacher at two lessons
 *               counts twice, as the seed reports count "受益师生达67人次")
 *
 * - At the host school, in the district the reporting county gave (the event's district, as the
 *   first skeleton counted it); cities and provinces by code prefix.
 * - Not split by level or urban-rural group: an exchange joins two schools of any level.
 * Threshold: none. Source: domain.md indicator 6 (pairing activity); seed 000 (67 人次), seed 004
 * (372 exchange lessons and 38 lectures in one year).
 *
 * One row per exchange in `lesson_exchanges`, ordered by district and month: a district × month
 * grid reads the rows of those districts and months only. The grid of a school year is one
 * query (`monthlySql`): the same rows grouped by month as well, as twelve monthly questions
 * would count them (each exchange falls in the one month of its date).
 */
const contributionsOf = (monthColumn: string): string =>
  withClauses(
    `
exchanges AS (
  SELECT *
  FROM {db:Identifier}.lesson_exchanges FINAL
  WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')}
    AND month BETWEEN toStartOfMonth({from:Date}) AND {to:Date}
    AND exchange_date BETWEEN {from:Date} AND {to:Date}
)`,
    `
contributions AS (
  SELECT host_school_code AS school_code,
         district_code,
         '' AS urban_rural_group,
         '' AS level,
         'exchange' AS measure,${monthColumn}
         attendees,
         [toString(event_id)] AS event_ids
  FROM exchanges
)`,
    SCOPED,
  );

const CONTRIBUTIONS = contributionsOf('');

const FIGURES = (keys: readonly string[]): string => `
SELECT ${keys.join(', ')},
       toUInt32(count()) AS exchanges,
       toUInt32(sum(attendees)) AS attendees
FROM scoped
GROUP BY ${keys.join(', ')}
ORDER BY ${keys.join(', ')}`;

export const lessonExchangesIndicator: IndicatorDefinition = {
  name: 'lesson-exchanges',
  family: 'pairing',
  title: '交流课 / 受益师生人次',
  thresholdsInBrief: 'none',
  grains: ['school', 'district', 'city', 'province'],
  byLevel: false,
  byGroup: false,
  byPeriod: true,
  figuresSql: `${CONTRIBUTIONS}${FIGURES(['unit'])}`,
  // The year's exchanges by the month they were held in (toMonth: 1-12, as a request names a
  // month): the rows each month's figures query would give, in one query.
  monthlySql: `${contributionsOf(`
         toUInt8(toMonth(exchange_date)) AS month,`)}${FIGURES(['month', 'unit'])}`,
  eventsSql: `${CONTRIBUTIONS}${CONTRIBUTING_EVENTS}`,
  headline: { column: 'exchanges', valueUnit: 'count' },
};
