import {
  ANALYTICS_MIGRATIONS,
  INDICATORS,
  IndicatorQueries,
  migrateAnalytics,
} from '@junheng/analytics';
import type { AnalyticsClient } from '@junheng/analytics';
import { schoolYearOf, studentDecider, upcastEvent } from '@junheng/domain';
import type { StudentEvent, StudentState } from '@junheng/domain';
import { openTestAnalytics } from '@junheng/testing';
import { rollupsAgreeWithFacts } from '../libs/analytics/src/indicators/golden/rollups-agree.fixture';
import { projectProvince, syntheticProvince } from '../bench/synthetic-province';

/**
 * The bench's synthetic province (bench/synthetic-province.ts), small: its students' facts span
 * six school years in an order the product would have recorded them, and every district has a
 * cohort consolidation rate for both levels in the measured year and the years before.
 */
const province = syntheticProvince({
  seed: 7,
  cities: 2,
  districtsPerCity: 2,
  schools: 40,
  students: 6_000,
  schoolYear: 2024,
});

describe('the bench’s synthetic province', () => {
  let analytics: AnalyticsClient;

  beforeAll(async () => {
    analytics = await openTestAnalytics();
    await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
    await projectProvince(analytics, province, 20_000);
  });

  afterAll(async () => {
    await analytics?.command('DROP DATABASE IF EXISTS {db:Identifier} SYNC');
    await analytics?.close();
  });

  it('holds six school years of student movements', () => {
    expect(province.firstYear).toBe(2019);
    const yearsWith = (type: StudentEvent['type']) =>
      new Set(
        province.events
          .filter((event) => event.type === type)
          .map((event) => schoolYearOf(String(event.data['date']))),
      );
    for (const type of [
      'StudentTransferred',
      'StudentDroppedOut',
      'StudentReturned',
      'StudentRepeatedGrade',
      'StudentGraduated',
    ] as const)
      expect([...yearsWith(type)].sort()).toEqual([2019, 2020, 2021, 2022, 2023, 2024]);
    // About the register asked for, on 1 September of the measured year.
    expect(province.students).toBeGreaterThan(5_400);
    expect(province.students).toBeLessThan(6_600);
  });

  it('records each student’s facts in the order they happened, as the decider accepts them', () => {
    const streams = new Map<string, StudentState>();
    let previous = '';
    for (const event of province.events) {
      expect(event.recordedAt >= previous).toBe(true);
      previous = event.recordedAt;
      if (event.streamType !== 'student') continue;
      const state = streams.get(event.streamId) ?? studentDecider.initialState;
      const fact = upcastEvent(event) as unknown as StudentEvent;
      // A stream begins with the enrolment, and no fact comes before the stream's last (the
      // decider's student.out-of-order rule).
      if (state.status === 'none') expect(fact.type).toBe('StudentEnrolled');
      if (state.lastDate !== null) expect(fact.data.date >= state.lastDate).toBe(true);
      streams.set(event.streamId, studentDecider.evolve(state, fact));
    }
    expect(streams.size).toBeGreaterThan(province.students);
  });

  it('gives every district a cohort consolidation rate for both levels, in every year of the log', async () => {
    const indicators = new IndicatorQueries(analytics);
    for (const schoolYear of [2022, 2023, 2024]) {
      const figures = await indicators.figures<{
        unit: string;
        level: string;
        entrants: number;
        graduates: number;
        rate: number | null;
      }>(INDICATORS['cohort-consolidation'], { grain: 'district', schoolYear });
      const rated = figures.filter((figure) => figure.rate !== null);
      expect(new Set(rated.map((figure) => `${figure.unit} ${figure.level}`))).toEqual(
        new Set(
          province.districts.flatMap((district) => [`${district} primary`, `${district} junior`]),
        ),
      );
      for (const figure of rated) {
        // Most of a class graduates; dropouts who never came back and repeaters do not.
        expect(figure.entrants).toBeGreaterThan(0);
        expect(figure.rate).toBeGreaterThan(80);
        expect(figure.rate).toBeLessThanOrEqual(100);
      }
    }
  });

  it('answers from the rollups as from the facts, over six years of promotions, repeats, returns and deaths', async () => {
    const questions = [2020, 2023, 2024].flatMap((schoolYear) => [
      { schoolYear },
      { schoolYear, level: 'primary' as const },
      { schoolYear, group: 'town' as const },
      { schoolYear, term: 2 as const },
      { schoolYear, month: 10 },
      // As of the middle of a school year: what was recorded after it does not count.
      { schoolYear, asOf: `${schoolYear + 1}-01-15T12:00:00.000Z` },
    ]);
    const agreement = await rollupsAgreeWithFacts(analytics, questions);
    expect(agreement.differences).toEqual([]);
    // Six student rollups at four grains; basic, high-quality balance and the urban-rural gap
    // (three grains each) and the school minimums (four) over the report values.
    expect(agreement.questions).toBe((6 * 4 + 3 + 3 + 4 + 3) * questions.length);
    expect(agreement.rows).toBeGreaterThan(2_000);
  });
});
