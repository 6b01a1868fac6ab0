import { upcastEvent } from '@junheng/domain';
import type { RecordedEvent } from '@junheng/event-store';
import { openTestAnalytics } from '@junheng/testing';
import type { AnalyticsClient } from '@junheng/analytics';
import {
  ANALYTICS_MIGRATIONS,
  PROJECTIONS,
  ProjectionWriter,
  SCHOOL_PERIODS,
  migrateAnalytics,
} from '@junheng/analytics';
import { EventLog } from '../indicators/golden/event-log.fixture';

/**
 * The hierarchy dimension (`school_periods`) against the fold the as-of queries run over
 * `school_changes`: the same periods, whatever order the changes were recorded in and however
 * the log was cut into batches or delivered again.
 */
const A = '4403050001';
const B = '4403050002';
const C = '4403050003';
const D = '4403110004';

const log = new EventLog('school-periods');
log.recordedOn('2015-01-02');
log.school(A, { district: '440305', urbanRural: '111' });
log.school(B, { district: '440305', urbanRural: '220', weak: true });
log.school(C, { district: '440305', urbanRural: '121', level: 'nine-year' });
log.recordedOn('2023-09-10');
log.moveDistrict(A, '440311', '2023-09-01');
// Recorded later, effective earlier: carries into the period the move opened.
log.recordedOn('2024-03-01');
log.reclassify(A, '220', '2020-01-01');
// Two changes effective the same day: the one recorded later holds.
log.reclassify(B, '121', '2024-01-01');
log.reclassify(B, '122', '2024-01-01');
log.merge(B, C, '2024-07-01');
log.recordedOn('2024-09-02');
log.school(D, { district: '440311', urbanRural: '210', on: '2024-09-01' });
log.close(D, '2025-01-01');
log.moveDistrict(C, '440311', '2024-09-01');

interface PeriodRow {
  school_code: string;
  valid_from: string;
  district_code: string;
  urban_rural_code: string;
  level: string;
  weak: number;
  merged_into: string;
  closed: number;
}

const COLUMNS = `school_code, toString(valid_from) AS valid_from, toString(district_code) AS district_code,
  toString(urban_rural_code) AS urban_rural_code, toString(level) AS level, toInt8(weak) AS weak,
  merged_into, toUInt8(closed) AS closed`;

describe('the school hierarchy dimension (school_periods)', () => {
  let analytics: AnalyticsClient;

  beforeEach(async () => {
    analytics = await openTestAnalytics();
    await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
  });

  afterEach(async () => {
    await analytics.close();
  });

  async function apply(events: readonly RecordedEvent[], batchId: string): Promise<void> {
    const last = events.at(-1)!;
    await new ProjectionWriter(analytics, PROJECTIONS).apply({
      events: events.map((event) => upcastEvent(event)),
      batchId,
      source: 'periods',
      position: { transactionId: last.transactionId, globalPosition: last.globalPosition },
    });
  }

  const dimension = (): Promise<PeriodRow[]> =>
    analytics.query<PeriodRow>(
      `SELECT ${COLUMNS} FROM {db:Identifier}.school_periods FINAL ORDER BY school_code, valid_from`,
    );

  const folded = (asOf = '2100-01-01 00:00:00.000'): Promise<PeriodRow[]> =>
    analytics.query<PeriodRow>(
      `WITH ${SCHOOL_PERIODS.trim()} SELECT ${COLUMNS} FROM school_periods ORDER BY school_code, valid_from`,
      { asOf },
    );

  it('holds the periods the fold of every change gives, one batch or one event at a time', async () => {
    await apply(log.events, 'all');
    const once = await dimension();
    expect(once).toEqual(await folded());

    const single = await openTestAnalytics();
    const original = analytics;
    analytics = single;
    try {
      await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
      for (const [index, event] of log.events.entries()) await apply([event], `one-${index}`);
      expect(await dimension()).toEqual(once);
    } finally {
      await single.close();
      analytics = original;
    }
  });

  it('writes what the worked example says: late reclassification, same-day changes, merge, close', async () => {
    await apply(log.events, 'all');
    const periods = await dimension();
    const of = (school: string): PeriodRow[] => periods.filter((row) => row.school_code === school);
    expect(of(A).map((row) => [row.valid_from, row.district_code, row.urban_rural_code])).toEqual([
      ['2015-01-01', '440305', '111'],
      ['2020-01-01', '440305', '220'],
      ['2023-09-01', '440311', '220'],
    ]);
    expect(
      of(B).map((row) => [
        row.valid_from,
        row.urban_rural_code,
        row.weak,
        row.merged_into,
        row.closed,
      ]),
    ).toEqual([
      ['2015-01-01', '220', 1, '', 0],
      ['2024-01-01', '122', 1, '', 0],
      ['2024-07-01', '122', 1, C, 1],
    ]);
    expect(of(D).map((row) => [row.valid_from, row.closed])).toEqual([
      ['2024-09-01', 0],
      ['2025-01-01', 1],
    ]);
  });

  it('is unchanged by a redelivery, and by a stretch delivered again inside a larger batch', async () => {
    const cut = 6;
    await apply(log.events.slice(0, cut), 'first');
    await apply(log.events.slice(0, cut), 'first-again');
    await apply(log.events, 'everything-again');
    const rows = await dimension();
    expect(rows).toEqual(await folded());
    // Without FINAL: no period written twice for the same change.
    const [counted] = await analytics.query<{ doubles: string }>(
      `SELECT count() - uniqExact(event_id, school_code, valid_from) AS doubles
       FROM {db:Identifier}.school_periods`,
    );
    expect(Number(counted?.doubles)).toBe(0);
  });

  it('differs from the fold as of a past recorded time only by what was recorded after it', async () => {
    await apply(log.events, 'all');
    const before = await folded('2024-01-01 00:00:00.000');
    // As of 2024-01-01 the late reclassification of A was not recorded yet.
    expect(
      before.filter((row) => row.school_code === A).map((row) => row.urban_rural_code),
    ).toEqual(['111', '111']);
    expect(await dimension()).not.toEqual(before);
  });
});
