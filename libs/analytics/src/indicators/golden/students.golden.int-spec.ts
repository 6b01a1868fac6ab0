import type { AnalyticsClient } from '@junheng/analytics';
import { openTestAnalytics } from '@junheng/testing';
import { ANALYTICS_MIGRATIONS, migrateAnalytics } from '@junheng/analytics';
import { INDICATORS } from '../catalogue';
import { IndicatorQueries } from '../indicator-queries';
import { EventLog, project } from './event-log.fixture';

/**
 * Golden figures for the student indicators (consolidation, dropout, return, out of school),
 * hand-computed from a small county modelled on seed 003's 控辍保学 report: 光明区 (440311)
 * with an urban primary school P1, a rural primary school P2, a village school M merged into
 * P2 (撤并, seed 001), a rural nine-year school N9, and a school Q1 in a neighbouring district.
 */
const P1 = '4403110001';
const P2 = '4403110002';
const N9 = '4403110003';
const M = '4403110004';
const Q1 = '4403050001';

const log = new EventLog('students');
log.school(P1, { district: '440311', urbanRural: '111' });
log.school(P2, { district: '440311', urbanRural: '220' });
log.school(N9, { district: '440311', urbanRural: '220', level: 'nine-year' });
log.school(M, { district: '440311', urbanRural: '220' });
log.school(Q1, { district: '440305', urbanRural: '111' });

// The primary cohort that entered in 2019 and graduates in school year 2024 (July 2025).
log.recordedOn('2019-09-02');
log.enrolMany('a', 10, P1, 1, '2019-09-01');
log.enrolMany('m', 4, M, 1, '2019-09-01');
log.recordedOn('2021-10-02');
log.transfer('a1', P1, P2, 3, '2021-10-01');
log.dropOut('m4', M, 3, '2021-11-15', 'distance');
log.recordedOn('2022-09-06');
log.dropOut('a2', P1, 3, '2022-03-01', 'poverty');
log.enrol('t1', P1, 4, '2022-09-05', 'transfer-in');
// The junior cohort that entered grade 7 at the nine-year school in 2022.
log.enrolMany('n', 5, N9, 7, '2022-09-01');
log.recordedOn('2023-09-11');
log.die('a3', P1, 4, '2023-01-10');
log.dropOut('n5', N9, 8, '2023-05-20', 'work');
const mergeId = log.merge(M, P2, '2023-07-01');
log.transfer('a4', P1, Q1, 5, '2023-09-10');
// School year 2024.
log.recordedOn('2024-09-02');
log.enrolMany('b', 4, P2, 1, '2024-09-01');
log.recordedOn('2024-11-26');
const a6Dropout = log.dropOut('a6', P1, 6, '2024-11-05', 'learning-difficulty');
const a6Return = log.returnToSchool('a6', P1, 6, '2024-11-25', '2024-11-05');
log.recordedOn('2025-04-02');
log.transfer('b4', P2, P1, 1, '2025-03-01');
log.dropOut('n2', N9, 9, '2025-03-10', 'work');
log.returnToSchool('n2', N9, 9, '2025-03-20', '2025-03-10');
log.dropOut('n3', N9, 9, '2025-04-01', 'poverty');
log.recordedOn('2025-07-02');
log.die('b3', P2, 1, '2025-05-01');
for (const student of ['a5', 'a6', 'a7', 'a8', 'a9', 't1'])
  log.graduate(student, P1, 6, '2025-07-01');
log.graduate('a1', P2, 6, '2025-07-01');
for (const student of ['m1', 'm2', 'm3']) log.graduate(student, P2, 6, '2025-07-01');
log.graduate('a4', Q1, 6, '2025-07-01');
for (const student of ['n1', 'n2', 'n4']) log.graduate(student, N9, 9, '2025-06-30');
// a10's graduation is recorded late, after the figures were first published on 1 September.
log.recordedOn('2025-10-01');
const lateGraduation = log.graduate('a10', P1, 6, '2025-07-01');

describe('student indicators: golden figures', () => {
  let analytics: AnalyticsClient;
  let indicators: IndicatorQueries;

  beforeAll(async () => {
    analytics = await openTestAnalytics();
    await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
    await project(analytics, log);
    indicators = new IndicatorQueries(analytics);
  });
  afterAll(async () => {
    await analytics.close();
  });

  it('cohort consolidation: primary six-year per school, with transfers, a death and a merged school', async () => {
    const rows = await indicators.figures(INDICATORS['cohort-consolidation'], {
      grain: 'school',
      schoolYear: 2024,
    });
    expect(rows).toEqual([
      // Q1 (another district): a4 transferred in and graduated → 1 / 1 = 100 %
      expect.objectContaining({
        unit: Q1,
        level: 'primary',
        entrants: 0,
        transfers_in: 1,
        graduates: 1,
        rate: 100,
      }),
      // P1: entrants 10 (a1-a10), transfer in t1, out a1 (to P2) and a4 (to Q1), death a3:
      //     10 + 1 − 2 − 1 = 8; graduates a5-a10 and t1 = 7 → 7 / 8 = 87.5 %
      expect.objectContaining({
        unit: P1,
        level: 'primary',
        entrants: 10,
        transfers_in: 1,
        transfers_out: 2,
        deaths: 1,
        graduates: 7,
        cohort_size: 8,
        rate: 87.5,
      }),
      // P2 holds M's history (merged 2023-07-01): entrants m1-m4, transfer in a1:
      //     4 + 1 = 5; graduates a1, m1-m3 = 4 (m4 dropped out) → 4 / 5 = 80 %
      expect.objectContaining({
        unit: P2,
        level: 'primary',
        entrants: 4,
        transfers_in: 1,
        graduates: 4,
        cohort_size: 5,
        rate: 80,
      }),
      // N9's junior cohort (next test)
      expect.objectContaining({ unit: N9, level: 'junior', rate: 60 }),
    ]);
  });

  it('cohort consolidation: a transfer within the district nets to zero; deaths configurable', async () => {
    const [district] = await indicators.figures(INDICATORS['cohort-consolidation'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
      level: 'primary',
    });
    // entrants 10 + 4, transfers in t1 and a1 (at P2), out a1 (from P1) and a4:
    // 14 + 2 − 2 − 1 death = 13; graduates 7 + 4 = 11 → 11 / 13 = 84.615… %
    expect(district).toMatchObject({
      entrants: 14,
      transfers_in: 2,
      transfers_out: 2,
      deaths: 1,
      cohort_size: 13,
      graduates: 11,
    });
    expect((district as { rate: number }).rate).toBeCloseTo((11 / 13) * 100, 10);

    const deathsStay = new IndicatorQueries(analytics, {
      repeatersCountIn: 'class',
      deathsLeaveDenominator: false,
      nineYearJuniorWeight: 1.1,
    });
    const [kept] = await deathsStay.figures(INDICATORS['cohort-consolidation'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
      level: 'primary',
    });
    // 14 + 2 − 2 = 14 → 11 / 14 = 78.571… %
    expect((kept as { rate: number }).rate).toBeCloseTo((11 / 14) * 100, 10);
  });

  it('cohort consolidation: junior three-year at the nine-year school, split by grade', async () => {
    const rows = await indicators.figures(INDICATORS['cohort-consolidation'], {
      grain: 'school',
      schoolYear: 2024,
      unit: N9,
    });
    // n1-n5 entered grade 7 in 2022; n5 and n3 dropped out; n1, n2, n4 graduate → 3 / 5 = 60 %
    expect(rows).toEqual([
      expect.objectContaining({
        unit: N9,
        level: 'junior',
        entrants: 5,
        graduates: 3,
        cohort_size: 5,
        rate: 60,
      }),
    ]);
  });

  it('cohort consolidation as of a past recorded time ignores the late-recorded graduation', async () => {
    const [published] = await indicators.figures(INDICATORS['cohort-consolidation'], {
      grain: 'school',
      schoolYear: 2024,
      unit: P1,
      asOf: '2025-09-01T00:00:00Z',
    });
    // a10's graduation was recorded on 1 October: as of 1 September P1 had 6 / 8 = 75 %
    expect(published).toMatchObject({ graduates: 6, rate: 75 });
    const events = await indicators.events(INDICATORS['cohort-consolidation'], {
      grain: 'school',
      schoolYear: 2024,
      unit: P1,
    });
    expect(
      events.filter((event) => event.measure === 'graduates').map((event) => event.eventId),
    ).toContain(lateGraduation);
    const before = await indicators.events(INDICATORS['cohort-consolidation'], {
      grain: 'school',
      schoolYear: 2024,
      unit: P1,
      asOf: '2025-09-01T00:00:00Z',
    });
    expect(before.map((event) => event.eventId)).not.toContain(lateGraduation);
    expect(before).toHaveLength(events.length - 1);
  });

  it('in-year consolidation for school year 2024: graduates are kept, deaths leave the base', async () => {
    const rows = await indicators.figures(INDICATORS['in-year-consolidation'], {
      grain: 'school',
      schoolYear: 2024,
      level: 'primary',
    });
    expect(rows).toEqual([
      // Q1: opening a4 = 1, graduated → 100 %
      expect.objectContaining({
        unit: Q1,
        enrolled_start: 1,
        enrolled_end: 0,
        graduates: 1,
        rate: 100,
      }),
      // P1: opening a5-a10, t1 = 7; year end b4 (transferred in March) = 1; graduates 7
      //     → min(100, (1 + 7) / 7) = 100 %
      expect.objectContaining({
        unit: P1,
        enrolled_start: 7,
        enrolled_end: 1,
        graduates: 7,
        deaths: 0,
        rate: 100,
      }),
      // P2: opening a1, m1-m3 (M merged into P2), b1-b4 = 8; year end b1, b2 = 2;
      //     graduates 4; death b3 → (2 + 4) / (8 − 1) = 85.714… %
      expect.objectContaining({
        unit: P2,
        enrolled_start: 8,
        enrolled_end: 2,
        graduates: 4,
        deaths: 1,
      }),
    ]);
    expect((rows[2] as { rate: number }).rate).toBeCloseTo((6 / 7) * 100, 10);
  });

  it('dropout rate per level for the district, the year and one month, with thresholds', async () => {
    const year = await indicators.figures(INDICATORS['dropout-rate'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
    });
    // Opening register on 1 September 2024: primary P1 7 + P2 8 = 15; junior n1-n4 = 4.
    // Dropouts in the year: primary a6 = 1 → 6.667 %; junior n2, n3 = 2 → 50 %.
    expect(year).toEqual([
      expect.objectContaining({ level: 'junior', enrolled_start: 4, dropouts: 2, rate: 50 }),
      expect.objectContaining({ level: 'primary', enrolled_start: 15, dropouts: 1 }),
    ]);
    expect((year[1] as { rate: number }).rate).toBeCloseTo((1 / 15) * 100, 10);
    const november = await indicators.figures(INDICATORS['dropout-rate'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
      month: 11,
    });
    // Only a6 dropped out in November 2024; the base stays the opening register.
    expect(november).toEqual([
      expect.objectContaining({ level: 'junior', enrolled_start: 4, dropouts: 0, rate: 0 }),
      expect.objectContaining({ level: 'primary', enrolled_start: 15, dropouts: 1 }),
    ]);
  });

  it('return rate and median days to return, per level', async () => {
    const rows = await indicators.figures(INDICATORS['return-rate'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
    });
    // junior: n2 (back after 10 days) and n3 (not back) → 1 / 2 = 50 %, median 10
    // primary: a6 back after 20 days → 100 %, median 20
    expect(rows).toEqual([
      expect.objectContaining({
        level: 'junior',
        dropouts: 2,
        returned: 1,
        rate: 50,
        median_days_to_return: 10,
      }),
      expect.objectContaining({
        level: 'primary',
        dropouts: 1,
        returned: 1,
        rate: 100,
        median_days_to_return: 20,
      }),
    ]);
    const events = await indicators.events(INDICATORS['return-rate'], {
      grain: 'school',
      schoolYear: 2024,
      unit: P1,
    });
    expect(events.map((event) => [event.measure, event.eventId]).sort()).toEqual(
      [
        ['dropouts', a6Dropout],
        ['returned', a6Return],
      ].sort(),
    );
  });

  it('currently out of school: dropped and not returned, at the school of the dropout', async () => {
    const rows = await indicators.figures(INDICATORS['out-of-school'], {
      grain: 'school',
      schoolYear: 2024,
    });
    // a2 (P1, 2022), m4 (M before its merger, 2021), n5 and n3 (N9); a6 and n2 came back.
    expect(rows).toEqual([
      expect.objectContaining({
        unit: P1,
        level: 'primary',
        out_of_school: 1,
        by_reason: { poverty: 1 },
      }),
      expect.objectContaining({
        unit: N9,
        level: 'junior',
        out_of_school: 2,
        by_reason: { poverty: 1, work: 1 },
      }),
      expect.objectContaining({
        unit: M,
        level: 'primary',
        out_of_school: 1,
        by_reason: { distance: 1 },
      }),
    ]);
    // As of the start of the 2022 school year only m4 and a2 were out.
    const then = await indicators.figures(INDICATORS['out-of-school'], {
      grain: 'district',
      schoolYear: 2022,
      asOf: '2022-09-10T00:00:00Z',
    });
    expect(then).toEqual([
      expect.objectContaining({ unit: '440311', level: 'primary', out_of_school: 2 }),
    ]);
  });

  it('the merger is part of the hierarchy the figures were computed with', () => {
    expect(mergeId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

/**
 * Cases from the indicator review, on a log of their own so that the county above keeps its
 * figures. 天河区 (440106) has two junior schools, K1 (urban) and K2 (rural); 海珠区 (440105)
 * the junior school K3. In 荔湾区 (440103) the village school V1 was merged into V2 (2021), V2
 * into V3 (2022) and V3 into V4 (2023), which sits in 越秀区 (440104): a chain of three hops.
 */
const K1 = '4401060001';
const K2 = '4401060002';
const K3 = '4401050001';
const V1 = '4401030001';
const V2 = '4401030002';
const V3 = '4401030003';
const V4 = '4401040001';

const review = new EventLog('students-review');
review.school(K1, { district: '440106', urbanRural: '111', level: 'junior' });
review.school(K2, { district: '440106', urbanRural: '220', level: 'junior' });
review.school(K3, { district: '440105', urbanRural: '111', level: 'junior' });
review.school(V1, { district: '440103', urbanRural: '220' });
review.school(V2, { district: '440103', urbanRural: '220' });
review.school(V3, { district: '440103', urbanRural: '121' });
review.school(V4, { district: '440104', urbanRural: '111' });
// The primary cohort of 2019 entered V1; v4 dropped out before the first merger.
review.recordedOn('2019-09-02');
review.enrolMany('v', 4, V1, 1, '2019-09-01');
review.recordedOn('2020-05-11');
review.dropOut('v4', V1, 1, '2020-05-10', 'distance');
review.recordedOn('2021-07-02');
review.merge(V1, V2, '2021-07-01');
review.recordedOn('2022-07-02');
review.merge(V2, V3, '2022-07-01');
review.recordedOn('2023-07-02');
review.merge(V3, V4, '2023-07-01');
// School year 2024: grade 7 opens with k1-k5 at K1 and l1, l2 at K2.
review.recordedOn('2024-09-02');
review.enrolMany('k', 5, K1, 7, '2024-09-01');
review.enrolMany('l', 2, K2, 7, '2024-09-01');
// Two arrivals at K1 after 1 September: a late entrant and a transfer in.
review.recordedOn('2024-10-09');
review.enrol('j2', K1, 7, '2024-09-20');
review.enrol('j1', K1, 7, '2024-10-08', 'transfer-in');
// k4 dies; k2 moves to K2 (same district), k3 to K3 (another district of the same city).
review.recordedOn('2025-03-02');
review.die('k4', K1, 7, '2025-01-10');
review.transfer('k2', K1, K2, 7, '2025-03-01');
review.transfer('k3', K1, K3, 7, '2025-03-01');
review.recordedOn('2025-07-02');
for (const student of ['v1', 'v2', 'v3']) review.graduate(student, V4, 6, '2025-07-01');

describe('student indicators: golden figures for the review cases', () => {
  let analytics: AnalyticsClient;
  let indicators: IndicatorQueries;

  beforeAll(async () => {
    analytics = await openTestAnalytics();
    await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
    await project(analytics, review);
    indicators = new IndicatorQueries(analytics);
  });
  afterAll(async () => {
    await analytics.close();
  });

  it('in-year consolidation keeps only the opening register: arrivals during the year do not make up for losses', async () => {
    const schools = await indicators.figures(INDICATORS['in-year-consolidation'], {
      grain: 'school',
      schoolYear: 2024,
      within: '4401',
      level: 'junior',
    });
    expect(schools).toEqual([
      // K3 (440105): nobody on 1 September; k3 arrived in March → no base, no rate.
      expect.objectContaining({
        unit: K3,
        enrolled_start: 0,
        enrolled_end: 1,
        kept: 0,
        rate: null,
      }),
      // K1: opening k1-k5 = 5; year end k1, k5, j1, j2 = 4; death k4 leaves the base: 5 − 1 = 4.
      //     Kept: k1, k5 = 2 (k2 and k3 left K1 for other schools: transferred out, not kept)
      //     → 2 / 4 = 50 %. The old formula read (4 + 0) / 4 = 100 %: j1 and j2, who arrived
      //     during the year, stood in for k2 and k3.
      expect.objectContaining({
        unit: K1,
        enrolled_start: 5,
        enrolled_end: 4,
        graduates: 0,
        deaths: 1,
        kept: 2,
        transferred_out: 2,
        base: 4,
        rate: 50,
      }),
      // K2: opening l1, l2 = 2, both still there → 2 / 2 = 100 % (k2's arrival is not counted).
      expect.objectContaining({
        unit: K2,
        enrolled_start: 2,
        enrolled_end: 3,
        kept: 2,
        transferred_out: 0,
        rate: 100,
      }),
    ]);

    const [district] = await indicators.figures(INDICATORS['in-year-consolidation'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440106',
      level: 'junior',
    });
    // 440106: opening 5 + 2 = 7, death k4 → base 6. k2 moved within the district: kept.
    // Kept: k1, k5, k2, l1, l2 = 5; k3 left for 440105 → 5 / 6 = 83.333… %
    // (old: year end 4 + 3 = 7 → min(100, 7 / 6) = 100 %).
    expect(district).toMatchObject({
      enrolled_start: 7,
      enrolled_end: 7,
      deaths: 1,
      kept: 5,
      transferred_out: 1,
      base: 6,
    });
    expect((district as { rate: number }).rate).toBeCloseTo((5 / 6) * 100, 10);

    const [city] = await indicators.figures(INDICATORS['in-year-consolidation'], {
      grain: 'city',
      schoolYear: 2024,
      unit: '4401',
      level: 'junior',
    });
    // City 4401: k3's move stays inside it → kept 6 of base 6 = 100 %.
    expect(city).toMatchObject({ enrolled_start: 7, kept: 6, transferred_out: 0, rate: 100 });

    // Drill-down: K1's kept students are explained by the events that keep them on its register.
    const events = await indicators.events(INDICATORS['in-year-consolidation'], {
      grain: 'school',
      schoolYear: 2024,
      unit: K1,
    });
    expect(events.filter((event) => event.measure === 'kept')).toHaveLength(2);
    expect(events.filter((event) => event.measure === 'transferred_out')).toHaveLength(2);
  });

  it('a merge chain (V1 → V2 → V3 → V4) carries the whole history to the last school', async () => {
    const cohorts = await indicators.figures(INDICATORS['cohort-consolidation'], {
      grain: 'school',
      schoolYear: 2024,
      within: '4401',
    });
    // The 2019 cohort entered V1 (v1-v4); v4 dropped out; v1-v3 graduated at V4 in July 2025.
    // V1's history goes V1 → V2 → V3 → V4: entrants 4, graduates 3 → 3 / 4 = 75 %, at V4 and
    // in V4's district 440104. One hop would have left the entrants at V2 (rate 0 %, 440103)
    // and the graduates at V4 with no cohort (no rate).
    expect(cohorts).toEqual([
      expect.objectContaining({
        unit: V4,
        level: 'primary',
        entrants: 4,
        graduates: 3,
        cohort_size: 4,
        rate: 75,
      }),
    ]);
    const districts = await indicators.figures(INDICATORS['cohort-consolidation'], {
      grain: 'district',
      schoolYear: 2024,
      within: '4401',
    });
    expect(districts).toEqual([
      expect.objectContaining({ unit: '440104', entrants: 4, graduates: 3, rate: 75 }),
    ]);
    // The opening register of 2024 (v1-v3, still registered at V1) is held by V4 on 1 September.
    const dropout = await indicators.figures(INDICATORS['dropout-rate'], {
      grain: 'school',
      schoolYear: 2024,
      within: '4401',
      level: 'primary',
    });
    expect(dropout).toEqual([
      expect.objectContaining({ unit: V4, enrolled_start: 3, dropouts: 0, rate: 0 }),
    ]);
  });
});
