import type { AnalyticsClient } from '@junheng/analytics';
import { openTestAnalytics } from '@junheng/testing';
import { ANALYTICS_MIGRATIONS, migrateAnalytics } from '@junheng/analytics';
import { INDICATORS } from '../catalogue';
import { IndicatorQueries } from '../indicator-queries';
import { EventLog, project } from './event-log.fixture';

/**
 * Golden figures for the resource indicators (difference coefficients, school minimums,
 * urban-rural gap), rotation coverage, pairing activity and funds.
 *
 * 440305 is domain.md's worked example: enrolments 100, 300, 600 and computers 5, 10, 15 per
 * 100 students. 440311 has a rural nine-year school N (weak, primary 200 + junior 100), an urban
 * junior school J (300), an urban primary school P (200) that supports N in a 百校扶百校
 * pairing, and a weak rural school W without a pairing.
 */
const S1 = '4403050001';
const S2 = '4403050002';
const S3 = '4403050003';
const N = '4403110011';
const J = '4403110012';
const P = '4403110013';
const W = '4403110014';

const log = new EventLog('resources');
log.school(S1, { district: '440305', urbanRural: '111' });
log.school(S2, { district: '440305', urbanRural: '121' });
log.school(S3, { district: '440305', urbanRural: '220' });
log.school(N, { district: '440311', urbanRural: '220', level: 'nine-year', weak: true });
log.school(J, { district: '440311', urbanRural: '111', level: 'junior' });
log.school(P, { district: '440311', urbanRural: '111' });
log.school(W, { district: '440311', urbanRural: '220', weak: true });

// Per student: floor 5 m², equipment 2,500 yuan, books 30; sports 8, 8 and 7 m²;
// per 100 students: computers 5, 10, 15; teachers 6, above-qualification 5, intermediate 3,
// backbone 1, PE/arts 1, multimedia classrooms 2 (below the 2.3 minimum everywhere).
log.recordedOn('2024-10-16');
for (const [school, students, computers, sports] of [
  [S1, 100, 5, 800],
  [S2, 300, 30, 2400],
  [S3, 600, 90, 4200],
] as const) {
  log.conditions(school, 2024, {
    primaryEnrolment: students,
    teachingAuxiliaryAreaM2: students * 5,
    sportsAreaM2: sports,
    equipmentValueYuan: students * 2500,
    computers,
    books: students * 30,
    networkedMultimediaClassrooms: (students / 100) * 2,
  });
  log.staffing(school, 2024, {
    fullTimeTeachers: (students / 100) * 6,
    aboveQualificationTeachers: (students / 100) * 5,
    intermediateTitleTeachers: (students / 100) * 3,
    backboneTeachers: students / 100,
    peArtsTeachers: students / 100,
  });
}
log.conditions(N, 2024, { primaryEnrolment: 200, juniorEnrolment: 100, computers: 31 });
log.conditions(J, 2024, { juniorEnrolment: 300, computers: 30 });
const firstReportOfP = log.conditions(P, 2024, { primaryEnrolment: 200, computers: 30 });
log.staffing(N, 2024, { rotationEligibleTeachers: 10 });
log.staffing(J, 2024, { rotationEligibleTeachers: 10 });
log.staffing(P, 2024, { rotationEligibleTeachers: 20 });
// P corrects its computer count in December: the later report supersedes the first.
log.recordedOn('2024-12-02');
const correctedReportOfP = log.conditions(P, 2024, { primaryEnrolment: 200, computers: 40 });

// Rotations of school year 2024 (交流轮岗): r1 (backbone) and r2 from P to N, r3 from J to P.
log.recordedOn('2025-02-02');
log.rotate('rot-1', 'r1', P, N, '2024-09-15', { backbone: true });
log.rotate('rot-2', 'r2', P, N, '2024-09-15');
log.rotate('rot-3', 'r3', J, P, '2025-02-01');

// The pairing P → N, its lessons (seed 000: 67 人次) and its money.
log.pair('PA', P, N, '2024-09-01', '2027-08-31');
log.exchange('x1', P, N, '2024-10-15', 67, 'PA');
log.exchange('x2', N, P, '2024-10-29', 30, 'PA');
log.exchange('x3', P, J, '2024-10-30', 12);
log.recordedOn('2024-12-02');
log.budget('F1', '440311', 2024, 100_000);
log.allocate('F1', 'A1', { school: N }, 10_000, '2024-10-01', 'equipment');
log.allocate('F1', 'A2', { school: P }, 20_000, '2024-10-01', 'equipment');
log.allocate('F1', 'A3', { school: N }, 5_000, '2024-11-01', 'pairing-activity');
log.allocate('F1', 'A4', { school: W }, 8_000, '2024-10-05', 'construction');
log.revoke('F1', 'A4', { school: W }, 8_000, '2024-12-01');
// Seed 004: 100,000 yuan to each of 6 schools, 50,000 to each of 10, 80,000 to one = 1.18 million,
// here given to the district as a whole; one 50,000 is later revoked.
log.recordedOn('2024-10-21');
log.budget('F2', '440305', 2024, 1_180_000);
const amounts = [...Array(6).fill(100_000), ...Array(10).fill(50_000), 80_000] as number[];
amounts.forEach((amount, index) =>
  log.allocate('F2', `B${index + 1}`, { district: '440305' }, amount, '2024-10-20', 'construction'),
);
log.recordedOn('2025-01-16');
log.revoke('F2', 'B7', { district: '440305' }, 50_000, '2025-01-15');

interface CoefficientRow {
  unit: string;
  level: string;
  indicator: string;
  schools: number;
  students: number;
  mean: number | null;
  cv: number | null;
}

describe('resource, rotation, pairing and funds indicators: golden figures', () => {
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

  const coefficient = (rows: CoefficientRow[], unit: string, level: string, indicator: string) =>
    rows.find((row) => row.unit === unit && row.level === level && row.indicator === indicator);

  it("basic balance reproduces domain.md's example and averages eight CVs into the composite", async () => {
    const rows = await indicators.figures<CoefficientRow>(INDICATORS['basic-balance'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440305',
    });
    // X̄ = (100·5 + 300·10 + 600·15) / 1000 = 12.5
    // S² = 0.1·(5 − 12.5)² + 0.3·(10 − 12.5)² + 0.6·(15 − 12.5)² = 5.625 + 1.875 + 3.75 = 11.25
    // S = 3.3541, CV = 3.3541 / 12.5 = 0.26833
    const computers = coefficient(rows, '440305', 'primary', 'computers')!;
    expect(computers.mean).toBeCloseTo(12.5, 10);
    expect(computers.cv).toBeCloseTo(Math.sqrt(11.25) / 12.5, 10);
    expect(computers.cv).toBeCloseTo(0.268, 3);
    // Unweighted, the three values 5, 10, 15 would give CV = 4.0825 / 10 = 0.408: weighting matters.
    expect(computers.cv).not.toBeCloseTo(Math.sqrt(50 / 3) / 10, 2);
    // Sports area 8, 8, 7 m²: X̄ = 7.4, S² = 0.1·0.36 + 0.3·0.36 + 0.6·0.16 = 0.24, CV = 0.066202
    const sports = coefficient(rows, '440305', 'primary', 'sports_area')!;
    expect(sports.cv).toBeCloseTo(Math.sqrt(0.24) / 7.4, 10);
    // The other six are equal per student everywhere: CV 0.
    for (const indicator of [
      'floor_area',
      'equipment_value',
      'books',
      'teachers',
      'above_qualification_teachers',
      'intermediate_title_teachers',
    ])
      expect(coefficient(rows, '440305', 'primary', indicator)!.cv).toBeCloseTo(0, 12);
    // composite = (0.268328 + 0.066202 + 6 · 0) / 8 = 0.0418165
    const composite = coefficient(rows, '440305', 'primary', 'composite')!;
    expect(composite.cv).toBeCloseTo((Math.sqrt(11.25) / 12.5 + Math.sqrt(0.24) / 7.4) / 8, 10);
    expect(composite).toMatchObject({ schools: 3, students: 1000 });
  });

  it('a nine-year school splits its resources between levels by weighted enrolment (1 : 1.1)', async () => {
    const rows = await indicators.figures<CoefficientRow>(INDICATORS['basic-balance'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
    });
    // N: weighted 200 + 1.1·100 = 310; its 31 computers split 20 primary, 11 junior.
    // primary: N 20/200 = 10, P 40/200 = 20 per 100 → X̄ = 15, S = 5, CV = 1/3
    // junior:  N 11/100 = 11, J 30/300 = 10 per 100 → X̄ = 10.25, S² = 0.25·0.5625 + 0.75·0.0625 = 0.1875
    expect(coefficient(rows, '440311', 'primary', 'computers')!.cv).toBeCloseTo(1 / 3, 10);
    const junior = coefficient(rows, '440311', 'junior', 'computers')!;
    expect(junior.mean).toBeCloseTo(10.25, 10);
    expect(junior.cv).toBeCloseTo(Math.sqrt(0.1875) / 10.25, 10);
    // With a 1 : 1 split the junior figure would differ (N: 31/3 per 100 students).
    const unweighted = new IndicatorQueries(analytics, {
      repeatersCountIn: 'class',
      deathsLeaveDenominator: true,
      nineYearJuniorWeight: 1,
    });
    const plain = await unweighted.figures<CoefficientRow>(INDICATORS['basic-balance'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
      level: 'junior',
    });
    const plainMean = (100 * (31 / 3) + 300 * 10) / 400;
    expect(coefficient(plain, '440311', 'junior', 'computers')!.mean).toBeCloseTo(plainMean, 10);
  });

  it('as of before the correction, the first conditions report counts', async () => {
    const rows = await indicators.figures<CoefficientRow>(INDICATORS['basic-balance'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
      level: 'primary',
      asOf: '2024-11-01T00:00:00Z',
    });
    // P reported 30 computers first: 15 per 100 → X̄ = 12.5, S = 2.5, CV = 0.2
    expect(coefficient(rows, '440311', 'primary', 'computers')!.cv).toBeCloseTo(0.2, 10);
    // Drill-down: the district's figure → P's contributions → the report events behind them.
    const events = (
      await indicators.events(INDICATORS['basic-balance'], {
        grain: 'district',
        schoolYear: 2024,
        unit: '440311',
      })
    ).filter((event) => event.schoolCode === P);
    expect(events.map((event) => event.eventId)).toContain(correctedReportOfP);
    expect(events.map((event) => event.eventId)).not.toContain(firstReportOfP);
  });

  it('high-quality balance judges seven CVs, and each school its 6-of-7 minimums', async () => {
    const rows = await indicators.figures<CoefficientRow>(INDICATORS['high-quality-balance'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440305',
    });
    expect(rows.map((row) => row.indicator).sort()).toEqual([
      'above_qualification_teachers',
      'backbone_teachers',
      'equipment_value',
      'floor_area',
      'multimedia_classrooms',
      'pe_arts_teachers',
      'sports_area',
    ]);
    expect(coefficient(rows, '440305', 'primary', 'sports_area')!.cv).toBeCloseTo(
      Math.sqrt(0.24) / 7.4,
      10,
    );
    const schools = await indicators.figures<{
      school_code: string;
      values: Record<string, number>;
    }>(INDICATORS['school-minimums'], { grain: 'district', schoolYear: 2024, unit: '440305' });
    expect(schools.map((school) => school.school_code)).toEqual([S1, S2, S3]);
    // S3: above-qualification 5, backbone 1, PE/arts 1, floor 5, equipment 2,500 meet;
    // sports 7 < 7.5 and multimedia 2 < 2.3 do not: 5 of 7.
    expect(schools[2]!.values).toEqual({
      above_qualification_teachers: 5,
      backbone_teachers: 1,
      pe_arts_teachers: 1,
      floor_area: 5,
      sports_area: 7,
      equipment_value: 2500,
      multimedia_classrooms: 2,
    });
  });

  it('urban-rural gap: rural ÷ urban per student, with funds and rotated teachers', async () => {
    const rows = await indicators.figures<{
      level: string;
      indicator: string;
      urban: number | null;
      rural: number | null;
      ratio: number | null;
    }>(INDICATORS['urban-rural-gap'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
      level: 'primary',
    });
    const of = (indicator: string) => rows.find((row) => row.indicator === indicator)!;
    // computers: rural N 10, urban P 20 per 100 → 0.5
    expect(of('computers')).toMatchObject({ urban: 20, rural: 10, ratio: 0.5 });
    // funds: N 10,000 + 5,000, primary share 200/310 → 9,677.42 / 200 = 48.387; P 20,000 / 200 = 100
    expect(of('funds').rural).toBeCloseTo((15_000 * (200 / 310)) / 200, 8);
    expect(of('funds').ratio).toBeCloseTo((15_000 * (200 / 310)) / 200 / 100, 8);
    // rotated in: N received r1, r2 → 2 · 200/310 / 200 · 100 = 0.64516 per 100; P's r3 came
    // in February: 1 / 200 · 100 = 0.5 → ratio 1.29
    expect(of('rotated_teachers_received').rural).toBeCloseTo(((2 * 200) / 310 / 200) * 100, 8);
    expect(of('rotated_teachers_received').ratio).toBeCloseTo(
      (((2 * 200) / 310 / 200) * 100) / 0.5,
      8,
    );
  });

  it('rotation coverage: rotated ÷ eligible ≥ 10 %, backbone ≥ 20 % of rotated', async () => {
    const rows = await indicators.figures(INDICATORS['rotation-coverage'], {
      grain: 'school',
      schoolYear: 2024,
      within: '440311',
    });
    expect(rows).toEqual([
      // N: nobody left N; 10 eligible → 0 %
      expect.objectContaining({ unit: N, rotated_teachers: 0, eligible_teachers: 10, coverage: 0 }),
      // J: r3 → 1 / 10 = 10 %, backbone 0 / 1 = 0 %
      expect.objectContaining({
        unit: J,
        rotated_teachers: 1,
        eligible_teachers: 10,
        coverage: 10,
        backbone_share: 0,
      }),
      // P: r1, r2 → 2 / 20 = 10 %, backbone r1 → 50 %
      expect.objectContaining({
        unit: P,
        rotated_teachers: 2,
        backbone_teachers: 1,
        eligible_teachers: 20,
        coverage: 10,
        backbone_share: 50,
      }),
    ]);
    const [district] = await indicators.figures(INDICATORS['rotation-coverage'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
    });
    // 3 / 40 = 7.5 % (below 10 %), backbone 1 / 3 = 33.3 %
    expect(district).toMatchObject({
      rotated_teachers: 3,
      rotations: 3,
      eligible_teachers: 40,
      coverage: 7.5,
    });
    const [february] = await indicators.figures(INDICATORS['rotation-coverage'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
      month: 2,
    });
    expect(february).toMatchObject({ rotations: 1, coverage: 2.5 });
  });

  it('pairing activity per pairing and per district, with the weak schools paired', async () => {
    const [pairing] = await indicators.figures(INDICATORS['pairing-activity'], {
      grain: 'pairing',
      schoolYear: 2024,
    });
    // x1 67 + x2 30 人次 under PA (x3 was outside any pairing); r1, r2 between P and N;
    // A3's 5,000 yuan for pairing activity (A1's equipment money is not pairing activity).
    expect(pairing).toMatchObject({
      unit: 'PA',
      active_pairings: 1,
      exchanges: 2,
      attendees: 97,
      rotations: 2,
      funds_yuan: 5000,
    });
    const [programme] = await indicators.figures(INDICATORS['pairing-activity'], {
      grain: 'programme',
      schoolYear: 2024,
    });
    expect(programme).toMatchObject({ unit: '百校扶百校', active_pairings: 1, attendees: 97 });
    const [district] = await indicators.figures(INDICATORS['pairing-activity'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
    });
    // weak schools N and W; N receives PA → 1 / 2 = 50 %
    expect(district).toMatchObject({
      active_pairings: 1,
      weak_schools: 2,
      weak_schools_paired: 1,
      weak_paired_share: 50,
    });
    // Before the pairing started nothing was active.
    const before = await indicators.figures(INDICATORS['pairing-activity'], {
      grain: 'pairing',
      schoolYear: 2023,
    });
    expect(before).toEqual([]);
  });

  it('budget execution: Σ allocations − revocations ÷ budget (seed 004: 1.18 million)', async () => {
    const rows = await indicators.figures(INDICATORS['budget-execution'], {
      grain: 'programme',
      schoolYear: 2024,
    });
    expect(rows).toEqual([
      // F1: 10,000 + 20,000 + 5,000 + 8,000 − 8,000 = 35,000 of 100,000 → 35 %
      expect.objectContaining({
        unit: 'F1',
        budget_yuan: 100_000,
        allocated_yuan: 35_000,
        execution: 35,
      }),
      // F2: 6 · 100,000 + 10 · 50,000 + 80,000 = 1,180,000, less 50,000 revoked → 95.76 %
      expect.objectContaining({ unit: 'F2', budget_yuan: 1_180_000, allocated_yuan: 1_130_000 }),
    ]);
    expect((rows[1] as { execution: number }).execution).toBeCloseTo(
      (1_130_000 / 1_180_000) * 100,
      10,
    );
    const asOfBeforeRevocation = await indicators.figures(INDICATORS['budget-execution'], {
      grain: 'programme',
      schoolYear: 2024,
      unit: 'F2',
      asOf: '2025-01-01T00:00:00Z',
    });
    expect(asOfBeforeRevocation).toEqual([
      expect.objectContaining({ allocated_yuan: 1_180_000, execution: 100 }),
    ]);
  });

  it('funds distribution: per student, by urban-rural group, and the share reaching weak schools', async () => {
    const [district] = await indicators.figures(INDICATORS['funds-distribution'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
    });
    // N 15,000 (weak), P 20,000, W 8,000 − 8,000 (weak) = 35,000; weak 15,000 → 42.857 %;
    // enrolment P 200 + N 300 + J 300 = 800 → 43.75 yuan per student
    expect(district).toMatchObject({
      allocated_yuan: 35_000,
      to_weak_schools_yuan: 15_000,
      enrolment: 800,
      per_student_yuan: 43.75,
    });
    expect((district as { weak_school_share: number }).weak_school_share).toBeCloseTo(
      (15_000 / 35_000) * 100,
      10,
    );
    const [rural] = await indicators.figures(INDICATORS['funds-distribution'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
      group: 'rural',
    });
    const [urban] = await indicators.figures(INDICATORS['funds-distribution'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440311',
      group: 'urban',
    });
    // rural: N 15,000 / 300 = 50; urban: P 20,000 / (200 + 300) = 40
    expect(rural).toMatchObject({ per_student_yuan: 50 });
    expect(urban).toMatchObject({ per_student_yuan: 40 });
    const [seed004] = await indicators.figures(INDICATORS['funds-distribution'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440305',
    });
    expect(seed004).toMatchObject({
      allocated_yuan: 1_130_000,
      to_district_yuan: 1_130_000,
      to_schools_yuan: 0,
    });
  });
});

/**
 * Cases from the indicator review, on a log of their own so that the districts above keep their
 * figures. 宝安区 (440306) has an urban primary school U1 (400 students) that supports two weak
 * rural schools, R1 (100) and R2 (100), in two pairings of one programme, and a town school X1
 * that sent no conditions report. R2 sent a conditions report but no staffing report. The
 * pairing U1 → R2 ended early, on 1 March 2025.
 */
const U1 = '4403060001';
const R1 = '4403060002';
const R2 = '4403060003';
const X1 = '4403060004';

const review = new EventLog('resources-review');
review.school(U1, { district: '440306', urbanRural: '111' });
review.school(R1, { district: '440306', urbanRural: '220', weak: true });
review.school(R2, { district: '440306', urbanRural: '220', weak: true });
review.school(X1, { district: '440306', urbanRural: '121' });
review.recordedOn('2024-09-02');
review.pair('PB', U1, R1, '2024-09-01', '2027-08-31');
review.pair('PC', U1, R2, '2024-09-01', '2027-08-31');
// Per 100 students: computers U1 10, R1 5, R2 15; teachers U1 6, R1 8, R2 not reported.
review.recordedOn('2024-10-16');
review.conditions(U1, 2024, { primaryEnrolment: 400, computers: 40 });
review.conditions(R1, 2024, { primaryEnrolment: 100, computers: 5 });
review.conditions(R2, 2024, { primaryEnrolment: 100, computers: 15 });
review.staffing(U1, 2024, { fullTimeTeachers: 24, aboveQualificationTeachers: 20 });
review.staffing(R1, 2024, { fullTimeTeachers: 8, aboveQualificationTeachers: 5 });
// Money of fiscal year 2025: pairing activity to U1 (in both pairings) and to R1 (in PB);
// construction money to X1 (no conditions report) and to the district as a whole.
review.recordedOn('2025-02-11');
review.budget('F3', '440306', 2025, 100_000);
review.allocate('F3', 'C1', { school: U1 }, 6_000, '2025-02-10', 'pairing-activity');
review.allocate('F3', 'C2', { school: R1 }, 6_000, '2025-02-10', 'pairing-activity');
review.allocate('F3', 'C3', { school: X1 }, 8_000, '2025-02-10', 'construction');
review.allocate('F3', 'C4', { district: '440306' }, 20_000, '2025-02-10', 'construction');
review.recordedOn('2025-03-02');
review.endPairing('PC', R2, '2025-03-01');

describe('resource, pairing and funds indicators: golden figures for the review cases', () => {
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

  const coefficient = (rows: CoefficientRow[], indicator: string) =>
    rows.find((row) => row.level === 'primary' && row.indicator === indicator);

  it('a school without a staffing report is left out of the teacher resources, not counted as 0 teachers', async () => {
    const rows = await indicators.figures<CoefficientRow>(INDICATORS['basic-balance'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440306',
    });
    // teachers per 100 students over U1 and R1 only: P = 400 + 100 = 500,
    // X̄ = (400·6 + 100·8) / 500 = 3200 / 500 = 6.4,
    // S² = 0.8·(6 − 6.4)² + 0.2·(8 − 6.4)² = 0.8·0.16 + 0.2·2.56 = 0.128 + 0.512 = 0.64,
    // S = 0.8, CV = 0.8 / 6.4 = 0.125.
    // (Counting R2 as 0 teachers: X̄ = 3200 / 600 = 5.333, CV = 0.468.)
    const teachers = coefficient(rows, 'teachers')!;
    expect(teachers).toMatchObject({ schools: 2, students: 500 });
    expect(teachers.mean).toBeCloseTo(6.4, 10);
    expect(teachers.cv).toBeCloseTo(0.125, 10);
    // R2 still counts for the resources of its conditions report: computers per 100 students
    // 10, 5, 15 with P = 600: X̄ = (4000 + 500 + 1500) / 600 = 10,
    // S² = (4/6)·0 + (1/6)·25 + (1/6)·25 = 50/6, CV = √(50/6) / 10 = 0.2887.
    const computers = coefficient(rows, 'computers')!;
    expect(computers).toMatchObject({ schools: 3, students: 600 });
    expect(computers.mean).toBeCloseTo(10, 10);
    expect(computers.cv).toBeCloseTo(Math.sqrt(50 / 6) / 10, 10);

    // R2's minimums: only the four from its conditions report have a value.
    const schools = await indicators.figures<{
      school_code: string;
      values: Record<string, number>;
    }>(INDICATORS['school-minimums'], { grain: 'school', schoolYear: 2024, unit: R2 });
    expect(Object.keys(schools[0]!.values).sort()).toEqual([
      'equipment_value',
      'floor_area',
      'multimedia_classrooms',
      'sports_area',
    ]);

    // Urban-rural gap: rural teachers are R1's 8 per 100 (R2 left out), not (8 + 0) / 2 = 4;
    // rural computers are (5·100 + 15·100) / 200 = 10, R2 included.
    const gap = await indicators.figures<{ indicator: string; urban: number; rural: number }>(
      INDICATORS['urban-rural-gap'],
      { grain: 'district', schoolYear: 2024, unit: '440306', level: 'primary' },
    );
    const of = (indicator: string) => gap.find((row) => row.indicator === indicator)!;
    expect(of('teachers')).toMatchObject({ urban: 6, rural: 8 });
    expect(of('computers')).toMatchObject({ urban: 10, rural: 10 });
  });

  it('pairing funds: money to a school in two pairings shows under each pairing but counts once in a total', async () => {
    const pairings = await indicators.figures(INDICATORS['pairing-activity'], {
      grain: 'pairing',
      schoolYear: 2024,
      within: '440306',
    });
    // PB (U1 → R1): C1 6,000 to U1 + C2 6,000 to R1 = 12,000.
    // PC (U1 → R2): C1 6,000 to U1 (the same allocation, shown under both pairings).
    expect(pairings).toEqual([
      expect.objectContaining({ unit: 'PB', active_pairings: 1, funds_yuan: 12_000 }),
      expect.objectContaining({ unit: 'PC', active_pairings: 1, funds_yuan: 6_000 }),
    ]);
    // Programme and district: C1 + C2 = 12,000, not 12,000 + 6,000 = 18,000.
    const [programme] = await indicators.figures(INDICATORS['pairing-activity'], {
      grain: 'programme',
      schoolYear: 2024,
      within: '440306',
    });
    expect(programme).toMatchObject({ unit: '百校扶百校', active_pairings: 2, funds_yuan: 12_000 });
    const [district] = await indicators.figures(INDICATORS['pairing-activity'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440306',
    });
    expect(district).toMatchObject({ active_pairings: 2, funds_yuan: 12_000 });
    // Drill-down: C1 is listed once for the district.
    const events = await indicators.events(INDICATORS['pairing-activity'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440306',
    });
    const ids = events.map((event) => event.eventId);
    expect(ids).toHaveLength(new Set(ids).size);
  });

  it('a pairing ended early is no longer active from its end day on', async () => {
    // PC ended on 1 March 2025: active through 28 February, not in March.
    const march = await indicators.figures(INDICATORS['pairing-activity'], {
      grain: 'pairing',
      schoolYear: 2024,
      month: 3,
      within: '440306',
    });
    expect(march).toEqual([expect.objectContaining({ unit: 'PB', active_pairings: 1 })]);
    // March in 440306: PB only; weak schools R1, R2, only R1 paired → 1 / 2 = 50 %.
    const [district] = await indicators.figures(INDICATORS['pairing-activity'], {
      grain: 'district',
      schoolYear: 2024,
      month: 3,
      unit: '440306',
    });
    expect(district).toMatchObject({
      active_pairings: 1,
      weak_schools: 2,
      weak_schools_paired: 1,
      weak_paired_share: 50,
    });
    // February: both pairings active, both weak schools paired → 2 / 2 = 100 %.
    const [february] = await indicators.figures(INDICATORS['pairing-activity'], {
      grain: 'district',
      schoolYear: 2024,
      month: 2,
      unit: '440306',
    });
    expect(february).toMatchObject({ active_pairings: 2, weak_schools_paired: 2 });
  });

  it('funds distribution: the weak share is of money to schools; per student only over schools with an enrolment', async () => {
    const [district] = await indicators.figures(INDICATORS['funds-distribution'], {
      grain: 'district',
      schoolYear: 2024,
      unit: '440306',
    });
    // allocated: U1 6,000 + R1 6,000 + X1 8,000 + district 20,000 = 40,000
    // to schools: 6,000 + 6,000 + 8,000 = 20,000; to weak schools: R1 6,000
    // weak share = 6,000 / 20,000 = 30 % (not 6,000 / 40,000 = 15 %)
    // enrolment: U1 400 + R1 100 + R2 100 = 600; X1 reported none, so its 8,000 is set aside:
    // per student = (6,000 + 6,000) / 600 = 20 yuan (not 20,000 / 600 = 33.33)
    expect(district).toMatchObject({
      allocated_yuan: 40_000,
      to_schools_yuan: 20_000,
      to_weak_schools_yuan: 6_000,
      to_district_yuan: 20_000,
      to_schools_without_enrolment_yuan: 8_000,
      enrolment: 600,
      per_student_yuan: 20,
      weak_school_share: 30,
    });
    // X1 on its own: money, no enrolment, no per-student figure.
    const [x1] = await indicators.figures(INDICATORS['funds-distribution'], {
      grain: 'school',
      schoolYear: 2024,
      unit: X1,
    });
    expect(x1).toMatchObject({
      to_schools_yuan: 8_000,
      to_schools_without_enrolment_yuan: 8_000,
      enrolment: 0,
      per_student_yuan: null,
    });
  });
});
