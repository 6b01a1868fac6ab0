import type { AnalyticsClient } from '../client/analytics-client';

/**
 * Lesson exchanges (pairing activity, domain.md indicator 6) of one district in one month.
 *
 *   exchanges = number of LessonExchanged events held in the district during the month
 *   attendees = Σ attendees of those exchanges (人次, person-times: one teacher at two
 *               lessons counts twice, as the seed reports count "受益师生达67人次")
 *
 * Attribution: the month of the day the exchange was held (valid time), the district the
 * reporting county gave. Source: domain.md "Pairing activity"; seed 000 (67 人次), seed 004
 * (372 exchange lessons and 38 lectures in one year).
 * Parameters: district (6-digit county code), month (first day of the month).
 */
export const LESSON_EXCHANGES_SQL = `
SELECT count() AS exchanges,
       sum(attendees) AS attendees
FROM {db:Identifier}.lesson_exchanges FINAL
WHERE district_code = {district:String}
  AND month = {month:Date}
`;

export interface LessonExchangeIndicator {
  readonly exchanges: number;
  readonly attendees: number;
}

export async function lessonExchangesIndicator(
  analytics: AnalyticsClient,
  { district, month }: { district: string; month: string },
): Promise<LessonExchangeIndicator> {
  const [row] = await analytics.query<{ exchanges: string; attendees: string }>(
    LESSON_EXCHANGES_SQL,
    { district, month: `${month}-01` },
  );
  return { exchanges: Number(row?.exchanges ?? 0), attendees: Number(row?.attendees ?? 0) };
}
