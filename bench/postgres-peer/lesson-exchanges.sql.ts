import type { PeerIndicator } from './peer-indicator';

/**
 * Lesson exchanges per district and month of the school year: how many were held, and their
 * attendees (人次), every district × month cell, empty ones as 0. One query for the grid; the
 * district is the one the report named (the envelope's `district_code`, the payload's
 * `districtCode`), the month that of the day it was held.
 */
export const lessonExchangesPeer: PeerIndicator = {
  name: 'lesson-exchanges',
  key: ['district', 'month'],
  sql: `
WITH held AS (
  SELECT district_code AS district, date_trunc('month', event_date::timestamp)::date AS month,
         count(*) AS exchanges, sum((data->>'attendees')::int) AS attendees
  FROM events
  WHERE type = 'LessonExchanged' AND event_date BETWEEN :yearStart::date AND :yearEnd::date
  GROUP BY 1, 2
)
SELECT district, to_char(month, 'YYYY-MM') AS month,
       coalesce(exchanges, 0)::int AS exchanges, coalesce(attendees, 0)::int AS attendees
FROM unnest(:districts::text[]) AS district
CROSS JOIN generate_series(:yearStart::date, :yearEnd::date, interval '1 month') AS months (first_day)
CROSS JOIN LATERAL (SELECT first_day::date AS month) AS cell
LEFT JOIN held USING (district, month)
ORDER BY district, month`,
};

/** The same figures one cell at a time, as the product's only API path asks them. */
export const LESSON_EXCHANGES_CELL_SQL = `
SELECT count(*)::int AS exchanges, coalesce(sum((data->>'attendees')::int), 0)::int AS attendees
FROM events
WHERE district_code = :district AND type = 'LessonExchanged'
  AND event_date >= :month::date AND event_date < (:month::date + interval '1 month')`;

/**
 * The catalogue's `lesson-exchanges` figures for the school year, every district: what the
 * scorecard shows (the exchanges held in the year and their attendees, at the district the report
 * named). Districts without an exchange have no row, as in the product.
 */
export const lessonExchangesYearPeer: PeerIndicator = {
  name: 'lesson-exchanges',
  key: ['unit'],
  sql: `
SELECT district_code AS unit, count(*)::int AS exchanges,
       sum((data->>'attendees')::int)::int AS attendees
FROM events
WHERE type = 'LessonExchanged' AND event_date BETWEEN :yearStart::date AND :yearEnd::date
GROUP BY district_code
ORDER BY unit`,
};
