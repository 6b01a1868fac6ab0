import type { AnalyticsClient } from '@junheng/analytics';
import { upcastEvent } from '@junheng/domain';
import { openTestAnalytics } from '@junheng/testing';
import { ANALYTICS_MIGRATIONS, migrateAnalytics } from '@junheng/analytics';
import { PROJECTIONS } from '@junheng/analytics';
import { ProjectionWriter } from '@junheng/analytics';
import { INDICATORS, INDICATOR_NAMES } from '../catalogue';
import type { IndicatorName } from '../catalogue';
import type { Grain } from '../indicator';
import { IndicatorQueries } from '../indicator-queries';
import { DEFAULT_FORMULA_SETTINGS } from '../indicator-parameters';
import { EventLog, project } from './event-log.fixture';
import { differences, rollupsAgreeWithFacts } from './rollups-agree.fixture';

/**
 * Consistency of the indicators over a generated province: two cities, three districts, nine
 * schools, 240 students moving over three school years, rotations, pairings and funds.
 */
const SCHOOLS = [
  ['4403110001', '440311', '111'],
  ['4403110002', '440311', '220'],
  ['4403110003', '440311', '121'],
  ['4403050001', '440305', '112'],
  ['4403050002', '440305', '210'],
  ['4403050003', '440305', '220'],
  ['4401060001', '440106', '111'],
  ['4401060002', '440106', '220'],
  ['4401060003', '440106', '122'],
] as const;

function generatedProvince(): EventLog {
  const log = new EventLog('consistency');
  let random = 42;
  const next = (n: number): number => {
    random = (random * 1_103_515_245 + 12_345) % 2_147_483_648;
    return random % n;
  };
  for (const [school, district, urbanRural] of SCHOOLS)
    log.school(school, {
      district,
      urbanRural,
      level: 'nine-year',
      weak: urbanRural.startsWith('2'),
    });
  const months = [
    '2023-09-01',
    '2023-11-10',
    '2024-03-05',
    '2024-09-01',
    '2024-10-20',
    '2025-01-08',
    '2025-04-15',
  ];
  // Each event states the grade of its day, as the decider derives it: one more each
  // 1 September since the enrolment, held at the level's final grade.
  const schoolYearOf = (day: string): number =>
    Number(day.slice(5, 7)) >= 9 ? Number(day.slice(0, 4)) : Number(day.slice(0, 4)) - 1;
  for (let student = 1; student <= 240; student += 1) {
    const name = `s${student}`;
    let school: string = SCHOOLS[next(SCHOOLS.length)]![0];
    const grade = [1, 6, 7, 9][next(4)]!;
    const gradeOn = (day: string): number =>
      Math.min(grade <= 6 ? 6 : 9, grade + schoolYearOf(day) - 2023);
    log.recordedOn(months[next(2)]!);
    log.enrol(name, school, grade, '2023-09-01');
    const fate = next(7);
    const day = months[2 + next(5)]!;
    log.recordedOn(day);
    if (fate === 0) {
      const to = SCHOOLS[next(SCHOOLS.length)]![0];
      if (to !== school) {
        log.transfer(name, school, to, gradeOn(day), day);
        school = to;
      }
    } else if (fate === 1) {
      log.dropOut(name, school, gradeOn(day), day);
      const after = next(3);
      // Each recorded on its day, as the product accepts a fact: not before it happened.
      if (after === 0)
        log
          .recordedOn('2025-05-20')
          .returnToSchool(name, school, gradeOn('2025-05-20'), '2025-05-20', day);
      // A student out of school who dies leaves the out-of-school count, not the register.
      else if (after === 1)
        log.recordedOn('2025-06-02').die(name, school, gradeOn('2025-06-02'), '2025-06-02');
    } else if (fate === 2 && (grade === 6 || grade === 9)) {
      log.graduate(name, school, grade, '2025-07-01');
    } else if (fate === 3) {
      log.suspend(name, school, gradeOn(day), day);
      if (next(2) === 0)
        log.recordedOn('2025-06-02').die(name, school, gradeOn('2025-06-02'), '2025-06-02');
    }
  }
  log.recordedOn('2024-10-16');
  for (const [school] of SCHOOLS) {
    log.conditions(school, 2024, {
      primaryEnrolment: 100 + next(400),
      juniorEnrolment: 50 + next(200),
      teachingAuxiliaryAreaM2: 1000 + next(3000),
      sportsAreaM2: 2000 + next(4000),
      equipmentValueYuan: 500_000 + next(1_000_000),
      computers: 20 + next(100),
      books: 5000 + next(20000),
      networkedMultimediaClassrooms: 5 + next(20),
    });
    log.staffing(school, 2024, {
      fullTimeTeachers: 40 + next(40),
      aboveQualificationTeachers: 10 + next(20),
      intermediateTitleTeachers: 5 + next(20),
      backboneTeachers: 1 + next(5),
      peArtsTeachers: 2 + next(5),
      rotationEligibleTeachers: 10 + next(20),
    });
  }
  log.recordedOn('2025-02-01');
  SCHOOLS.forEach(([school], index) => {
    const to = SCHOOLS[(index + 1) % SCHOOLS.length]![0];
    log.rotate(`rot-${index}`, `t${index}`, school, to, '2024-09-20', {
      backbone: index % 3 === 0,
    });
    log.pair(`PA${index}`, to, school, '2024-09-01', '2027-08-31');
    log.exchange(`x${index}`, to, school, '2024-11-11', 10 + index, `PA${index}`);
  });
  log.budget('F', '44', 2024, 1_000_000, 'province');
  SCHOOLS.forEach(([school], index) =>
    log.allocate('F', `A${index}`, { school }, 10_000 * (index + 1), '2024-12-01'),
  );
  log.allocate('F', 'D1', { district: '440311' }, 50_000, '2024-12-01');
  log.recordedOn('2025-06-01');
  log.revoke('F', 'A2', { school: SCHOOLS[2][0] }, 30_000, '2025-05-30');
  // The hierarchy changes, recorded late and effective in the measured years: a school moves
  // district mid-year, one is reclassified, one is merged (撤并) into its neighbour.
  log.recordedOn('2025-06-10');
  log.moveDistrict(SCHOOLS[5][0], '440311', '2024-01-01');
  log.reclassify(SCHOOLS[1][0], '121', '2024-11-01');
  log.merge(SCHOOLS[8][0], SCHOOLS[7][0], '2024-07-01');
  return log;
}

/** Columns that are counts or sums, which must add up from one grain to the next. */
const ADDITIVE: Partial<Record<IndicatorName, readonly string[]>> = {
  'cohort-consolidation': ['entrants', 'transfers_in', 'transfers_out', 'deaths', 'graduates'],
  'in-year-consolidation': ['enrolled_start', 'enrolled_end', 'graduates', 'deaths'],
  'dropout-rate': ['enrolled_start', 'dropouts'],
  'out-of-school': ['out_of_school'],
  register: ['students'],
  'return-rate': ['dropouts', 'returned'],
  'rotation-coverage': ['rotations', 'eligible_teachers'],
  'pairing-activity': [
    'active_pairings',
    'exchanges',
    'attendees',
    'rotations',
    'weak_schools',
    'weak_schools_paired',
  ],
  'funds-distribution': [
    'allocated_yuan',
    'to_schools_yuan',
    'to_weak_schools_yuan',
    'to_schools_without_enrolment_yuan',
    'enrolment',
  ],
};

const ROLL_UPS: readonly [Grain, Grain, (unit: string) => string][] = [
  // A school's district is its code's, but for the one that moved before the measured year.
  ['school', 'district', (school) => (school === SCHOOLS[5][0] ? '440311' : school.slice(0, 6))],
  ['district', 'city', (district) => district.slice(0, 4)],
  ['city', 'province', (city) => city.slice(0, 2)],
];

type Row = Record<string, unknown>;

function totals(
  rows: readonly Row[],
  parentOf: (unit: string) => string,
  columns: readonly string[],
) {
  const sums = new Map<string, number>();
  for (const row of rows)
    for (const column of columns) {
      const key = `${parentOf(String(row.unit))}|${typeof row.level === 'string' ? row.level : ''}|${column}`;
      sums.set(key, (sums.get(key) ?? 0) + Number(row[column]));
    }
  return sums;
}

describe('indicator consistency', () => {
  const log = generatedProvince();
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

  async function everyFigure(on: IndicatorQueries, asOf?: string): Promise<Record<string, Row[]>> {
    const figures: Record<string, Row[]> = {};
    for (const name of INDICATOR_NAMES)
      for (const grain of INDICATORS[name].grains)
        for (const schoolYear of [2023, 2024])
          figures[`${name}/${grain}/${schoolYear}`] = await on.figures<Row>(INDICATORS[name], {
            grain,
            schoolYear,
            asOf,
          });
    return figures;
  }

  it('counts roll up exactly: schools → district → city → province', async () => {
    let compared = 0;
    for (const [name, columns] of Object.entries(ADDITIVE) as [
      IndicatorName,
      readonly string[],
    ][]) {
      for (const [child, parent, parentOf] of ROLL_UPS) {
        // Money given to a district as a whole belongs to no school.
        if (name === 'funds-distribution' && child === 'school') continue;
        const request = { schoolYear: 2024 };
        const children = await indicators.figures<Row>(INDICATORS[name], {
          ...request,
          grain: child,
        });
        const parents = await indicators.figures<Row>(INDICATORS[name], {
          ...request,
          grain: parent,
        });
        const fromChildren = totals(children, parentOf, columns);
        const own = totals(parents, (unit) => unit, columns);
        expect(Object.fromEntries(own)).toEqual(Object.fromEntries(fromChildren));
        compared += own.size;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  // The indicators read from rollups, a question each per grain: six over student rollups at
  // four grains; basic and high-quality balance, the school minimums (four grains) and the
  // urban-rural gap over the report values.
  const ROLLUP_GRAINS = 6 * 4 + 3 + 3 + 4 + 3;

  it('the rollups answer as the facts do, for every grain, period, level, group and as-of', async () => {
    const questions = [2023, 2024].flatMap((schoolYear) => [
      { schoolYear },
      { schoolYear, level: 'junior' as const },
      { schoolYear, group: 'rural' as const },
      { schoolYear, term: 1 as const },
      { schoolYear, month: 11 },
      { schoolYear, month: 5, within: '4403' },
      { schoolYear, asOf: '2024-12-31T00:00:00.000Z' },
      { schoolYear, asOf: '2024-03-05T12:00:00.000Z', unit: '440311' },
    ]);
    const agreement = await rollupsAgreeWithFacts(analytics, questions);
    expect(agreement.differences).toEqual([]);
    expect(agreement.questions).toBe(ROLLUP_GRAINS * questions.length);
    expect(agreement.rows).toBeGreaterThan(400);
  });

  it('the rollups answer as the facts do under the other formula settings too', async () => {
    // Repeaters counted in the class they entered with, deaths kept in the denominator: the
    // consolidation rollups hold both ways of counting, chosen at read time.
    const questions = [2023, 2024].flatMap((schoolYear) => [
      { schoolYear },
      { schoolYear, level: 'primary' as const },
      { schoolYear, asOf: '2024-12-31T00:00:00.000Z' },
    ]);
    const agreement = await rollupsAgreeWithFacts(analytics, questions, {
      ...DEFAULT_FORMULA_SETTINGS,
      repeatersCountIn: 'entry',
      deathsLeaveDenominator: false,
      // A nine-year school's split between levels is read-time arithmetic over the report values.
      nineYearJuniorWeight: 1.4,
    });
    expect(agreement.differences).toEqual([]);
    expect(agreement.questions).toBe(ROLLUP_GRAINS * questions.length);
    expect(agreement.rows).toBeGreaterThan(100);
  });

  it('asked as of now, every indicator answers as with the hierarchy folded in the query', async () => {
    // Three schools move, merge or are reclassified (above); as of now the queries read the
    // `school_periods` dimension, the figures SQL as written folds `school_changes` itself.
    const questions = [{ schoolYear: 2023 }, { schoolYear: 2024, level: 'junior' as const }];
    const agreement = await rollupsAgreeWithFacts(
      analytics,
      questions,
      DEFAULT_FORMULA_SETTINGS,
      true,
    );
    expect(agreement.differences).toEqual([]);
    const grains = INDICATOR_NAMES.reduce((sum, name) => sum + INDICATORS[name].grains.length, 0);
    expect(agreement.questions).toBe(grains * questions.length);
    expect(agreement.rows).toBeGreaterThan(300);
  });

  it('replaying the log into fresh projections, cut and redelivered differently, gives identical figures', async () => {
    const replay = await openTestAnalytics();
    try {
      await migrateAnalytics(replay, ANALYTICS_MIGRATIONS);
      const writer = new ProjectionWriter(replay, PROJECTIONS);
      // In today's schema, as a reader decodes them (the log is written at schema 1).
      const events = log.events.map((event) => upcastEvent(event));
      for (let start = 0; start < events.length; start += 97) {
        const slice = events.slice(start, start + 97);
        const last = slice.at(-1)!;
        const batch = {
          events: slice,
          batchId: `replay:${start}`,
          source: 'replay',
          position: { transactionId: last.transactionId, globalPosition: last.globalPosition },
        };
        await writer.apply(batch);
        // Every third batch is delivered again, cut shorter.
        if (start % 3 === 0)
          await writer.apply({ ...batch, batchId: `again:${start}`, events: slice.slice(10) });
      }
      const replayed = await everyFigure(new IndicatorQueries(replay));
      expect(differences(replayed, await everyFigure(indicators))).toEqual([]);
    } finally {
      await replay.close();
    }
  });

  it('as of a past time, the figures are those of a log that ends there', async () => {
    const cutOff = '2024-12-31T00:00:00.000Z';
    const past = await openTestAnalytics();
    try {
      await migrateAnalytics(past, ANALYTICS_MIGRATIONS);
      const truncated = new EventLog('consistency');
      truncated.events.push(...log.events.filter((event) => event.recordedAt <= cutOff));
      expect(truncated.events.length).toBeLessThan(log.events.length);
      await project(past, truncated);
      const asOf = await everyFigure(indicators, cutOff);
      expect(differences(asOf, await everyFigure(new IndicatorQueries(past)))).toEqual([]);
      expect(differences(asOf, await everyFigure(indicators))).not.toEqual([]);
    } finally {
      await past.close();
    }
  });
});
