import type { AnalyticsClient } from '@junheng/analytics';
import { ANALYTICS_MIGRATIONS, migrateAnalytics } from '@junheng/analytics';
import { openTestAnalytics } from '@junheng/testing';
import { INDICATORS, INDICATOR_NAMES } from '../catalogue';
import type { IndicatorRequest } from '../indicator-parameters';
import { SCHOOL_YEAR_MONTHS } from '../indicator-parameters';
import { IndicatorQueries, hasMonthlyFigures } from '../indicator-queries';
import { EventLog, project } from './event-log.fixture';

/**
 * The monthly form of an indicator (`monthlySql`: a school year's months in one query) answers
 * each month exactly as that month's own figures query does, on the real engine: the same rows
 * in the same order, at every grain, narrowed or not, now and as of past recorded times.
 */
const SCHOOLS = [
  ['4403110001', '440311'],
  ['4403110002', '440311'],
  ['4403050001', '440305'],
  ['4403050002', '440305'],
  ['4401060001', '440106'],
] as const;

/**
 * Exchanges on the days a month boundary could be miscounted on (the first and last day of a
 * month, of a calendar year, of a school year, 29 February), some recorded months after they
 * were held, so that an as-of question sees fewer of them than now.
 */
const EXCHANGES: readonly (readonly [date: string, recorded: string])[] = [
  ['2023-09-01', '2023-09-01'],
  ['2023-10-31', '2023-11-01'],
  ['2024-02-29', '2024-03-10'],
  ['2024-08-31', '2024-08-31'],
  ['2024-09-01', '2024-09-02'],
  ['2024-09-30', '2024-12-15'],
  ['2024-10-01', '2024-10-01'],
  ['2024-10-15', '2025-03-01'],
  ['2024-12-31', '2024-12-31'],
  ['2025-01-01', '2025-01-02'],
  ['2025-01-31', '2025-06-30'],
  ['2025-02-28', '2025-03-01'],
  ['2025-05-20', '2025-05-20'],
  ['2025-08-31', '2025-09-01'],
];

function exchangesLog(): EventLog {
  const log = new EventLog('monthly');
  for (const [school, district] of SCHOOLS) log.school(school, { district });
  EXCHANGES.forEach(([date, recorded], index) => {
    // Host and visitor walk through the schools, so every district hosts in several months.
    const host = SCHOOLS[index % SCHOOLS.length]![0];
    const visitor = SCHOOLS[(index + 2) % SCHOOLS.length]![0];
    log.recordedOn(recorded).exchange(`m${index}`, host, visitor, date, 10 + index * 3);
    // A second lesson at the same host on some days: a month's count is more than one.
    if (index % 3 === 0)
      log.recordedOn(recorded).exchange(`m${index}b`, host, visitor, date, 7 + index);
  });
  return log;
}

/** Points in time the log was cut at: before anything, in the middle of each year, and now. */
const AS_OF = [
  undefined,
  '2023-08-01T00:00:00.000Z',
  '2024-03-10T12:00:00.000Z',
  '2024-12-15T11:59:59.999Z',
  '2025-03-01T12:00:00.000Z',
];

type Row = Record<string, unknown>;

describe('a school year of months in one query (monthlySql)', () => {
  let analytics: AnalyticsClient;
  let queries: IndicatorQueries;
  const monthly = INDICATOR_NAMES.filter((name) => hasMonthlyFigures(INDICATORS[name]));

  beforeAll(async () => {
    analytics = await openTestAnalytics();
    await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
    await project(analytics, exchangesLog());
    queries = new IndicatorQueries(analytics);
  });
  afterAll(async () => {
    await analytics.close();
  });

  it('is given to the indicators whose months it computes exactly', () => {
    expect(monthly).toEqual(['lesson-exchanges']);
  });

  it('answers every month as its own figures query does, at every grain, now and as of', async () => {
    let compared = 0;
    let rows = 0;
    let emptyMonths = 0;
    for (const name of monthly) {
      const indicator = INDICATORS[name];
      for (const grain of indicator.grains)
        for (const schoolYear of [2023, 2024])
          for (const asOf of AS_OF)
            for (const narrowed of [{}, { within: '4403' }, { unit: unitOf(grain) }]) {
              const request: IndicatorRequest = { grain, schoolYear, asOf, ...narrowed };
              const byMonth = await queries.monthlyFigures<Row>(indicator, request);
              const perMonth = [];
              for (const month of SCHOOL_YEAR_MONTHS)
                perMonth.push([
                  month,
                  await queries.figures<Row>(indicator, { ...request, month }),
                ] as const);
              // Order matters: months in the school year's order, rows as figuresSql orders them.
              expect({ name, request, months: [...byMonth] }).toEqual({
                name,
                request,
                months: perMonth,
              });
              compared += 1;
              for (const [, answer] of perMonth) {
                rows += answer.length;
                if (answer.length === 0) emptyMonths += 1;
              }
            }
    }
    // 4 grains × 2 years × 5 points in time × 3 narrowings, and enough rows to mean something.
    expect(compared).toBe(4 * 2 * AS_OF.length * 3);
    expect(rows).toBeGreaterThanOrEqual(300);
    expect(emptyMonths).toBeGreaterThan(100);
  });

  it('is one engine query, whatever month or term the request names', async () => {
    const indicator = INDICATORS['lesson-exchanges'];
    const request: IndicatorRequest = { grain: 'district', schoolYear: 2024 };
    const spy = jest.spyOn(analytics, 'query');
    try {
      const year = await queries.monthlyFigures<Row>(indicator, request);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(await queries.monthlyFigures<Row>(indicator, { ...request, month: 3 })).toEqual(year);
      expect(await queries.monthlyFigures<Row>(indicator, { ...request, term: 2 })).toEqual(year);
    } finally {
      spy.mockRestore();
    }
  });

  it('sees later-recorded exchanges only as of a time after their recording', async () => {
    const indicator = INDICATORS['lesson-exchanges'];
    const request: IndicatorRequest = { grain: 'province', schoolYear: 2024 };
    const exchangesIn = (year: Map<number, Row[]>, month: number) =>
      year.get(month)?.[0]?.exchanges ?? 0;
    const now = await queries.monthlyFigures<Row>(indicator, request);
    const before = await queries.monthlyFigures<Row>(indicator, {
      ...request,
      asOf: '2024-12-15T11:59:59.999Z',
    });
    // 2024-09-30 was recorded on 15 December at noon; 2024-10-15 on 1 March.
    expect(exchangesIn(now, 9)).toBe(2);
    expect(exchangesIn(before, 9)).toBe(1);
    expect(exchangesIn(now, 10)).toBe(3);
    expect(exchangesIn(before, 10)).toBe(2);
    // The months a question asked before them cannot see are present, and empty.
    expect([...before.keys()]).toEqual(SCHOOL_YEAR_MONTHS);
    expect(before.get(8)).toEqual([]);
    expect(exchangesIn(now, 8)).toBe(1);
  });

  it('refuses an indicator without a monthly form, and a grain the indicator lacks', async () => {
    await expect(
      queries.monthlyFigures(INDICATORS['dropout-rate'], { grain: 'district', schoolYear: 2024 }),
    ).rejects.toThrow('dropout-rate has no monthly figures query');
    await expect(
      queries.monthlyFigures(INDICATORS['lesson-exchanges'], {
        grain: 'pairing',
        schoolYear: 2024,
      }),
    ).rejects.toThrow('not computed per pairing');
  });
});

/** One unit of the grain that hosts exchanges in the log. */
function unitOf(grain: string): string {
  const [school, district] = SCHOOLS[0];
  if (grain === 'school') return school;
  if (grain === 'district') return district;
  if (grain === 'city') return district.slice(0, 4);
  return district.slice(0, 2);
}
