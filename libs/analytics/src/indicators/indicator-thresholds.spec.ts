import { INDICATORS } from './catalogue';
import type { IndicatorName } from './catalogue';
import type { FigureRow, Grain } from './indicator';
import {
  DEFAULT_INDICATOR_THRESHOLDS,
  indicatorThresholds,
  judge as judgeBy,
  minimumsMet,
} from './indicator-thresholds';
import type { IndicatorThresholds } from './indicator-thresholds';

/** Each indicator's verdict, as the catalogue carries it. */
const judge = (
  name: IndicatorName,
  row: FigureRow,
  grain: Grain,
  thresholds?: IndicatorThresholds,
) => judgeBy(INDICATORS[name], row, grain, thresholds);

describe('indicator thresholds', () => {
  it('judges junior consolidation against 95 % and leaves primary unjudged by default', () => {
    expect(judge('cohort-consolidation', { level: 'junior', rate: 94.9 }, 'district')).toEqual({
      breaches: true,
      rules: ['consolidation-below-95'],
    });
    expect(judge('cohort-consolidation', { level: 'junior', rate: 95 }, 'district').breaches).toBe(
      false,
    );
    expect(judge('cohort-consolidation', { level: 'primary', rate: 10 }, 'district').breaches).toBe(
      false,
    );
  });

  it('flags any primary dropout, junior from 2 %, and a school above 4 %', () => {
    expect(judge('dropout-rate', { level: 'primary', rate: 0.1 }, 'district').rules).toEqual([
      'primary-dropout',
    ]);
    expect(judge('dropout-rate', { level: 'primary', rate: 0 }, 'district').breaches).toBe(false);
    expect(judge('dropout-rate', { level: 'junior', rate: 1.99 }, 'district').breaches).toBe(false);
    expect(judge('dropout-rate', { level: 'junior', rate: 2 }, 'district').rules).toEqual([
      'junior-dropout-not-below-2',
    ]);
    expect(judge('dropout-rate', { level: 'junior', rate: 4.5 }, 'school').rules).toEqual([
      'junior-dropout-not-below-2',
      'school-dropout-above-4',
    ]);
  });

  it('judges the basic-balance composite per level and each high-quality CV', () => {
    expect(
      judge('basic-balance', { level: 'junior', indicator: 'composite', cv: 0.56 }, 'district')
        .breaches,
    ).toBe(true);
    expect(
      judge('basic-balance', { level: 'primary', indicator: 'composite', cv: 0.56 }, 'district')
        .breaches,
    ).toBe(false);
    expect(
      judge('basic-balance', { level: 'junior', indicator: 'computers', cv: 0.9 }, 'district')
        .breaches,
    ).toBe(false);
    expect(
      judge('high-quality-balance', { level: 'junior', indicator: 'books', cv: 0.46 }, 'district')
        .breaches,
    ).toBe(true);
    expect(
      judge('high-quality-balance', { level: 'primary', indicator: 'books', cv: 0.46 }, 'district')
        .breaches,
    ).toBe(false);
  });

  it('counts a school’s minimums met: 5 of 7 fails, 6 of 7 passes', () => {
    const values = {
      above_qualification_teachers: 5,
      backbone_teachers: 1,
      pe_arts_teachers: 1,
      floor_area: 5,
      sports_area: 7,
      equipment_value: 2500,
      multimedia_classrooms: 2,
    };
    expect(minimumsMet({ level: 'primary', values }, DEFAULT_INDICATOR_THRESHOLDS)).toBe(5);
    expect(judge('school-minimums', { level: 'primary', values }, 'school').rules).toEqual([
      'minimums-met-5-of-7',
    ]);
    expect(
      judge(
        'school-minimums',
        { level: 'primary', values: { ...values, sports_area: 7.5 } },
        'school',
      ).breaches,
    ).toBe(false);
  });

  it('judges the urban-rural ratio against the parity band and rotation against 10 % / 20 %', () => {
    expect(judge('urban-rural-gap', { ratio: 0.96 }, 'district').breaches).toBe(true);
    expect(judge('urban-rural-gap', { ratio: 1.2 }, 'district').breaches).toBe(false);
    expect(
      judge('rotation-coverage', { coverage: 7.5, backbone_share: 33.3 }, 'district').rules,
    ).toEqual(['coverage-below-10']);
    expect(judge('rotation-coverage', { coverage: 10, backbone_share: 0 }, 'school').rules).toEqual(
      ['backbone-share-below-20'],
    );
  });

  it('reads overrides from JSON over the defaults and refuses unknown keys', () => {
    const thresholds = indicatorThresholds(
      '{"dropoutJuniorBelow": 3, "cohortConsolidationMin": {"primary": 99}}',
    );
    expect(thresholds.dropoutJuniorBelow).toBe(3);
    expect(thresholds.cohortConsolidationMin).toEqual({ primary: 99, junior: 95 });
    expect(
      judge('dropout-rate', { level: 'junior', rate: 2.5 }, 'district', thresholds).breaches,
    ).toBe(false);
    expect(indicatorThresholds(undefined)).toBe(DEFAULT_INDICATOR_THRESHOLDS);
    expect(() => indicatorThresholds('{"dropoutMax": 1}')).toThrow(
      'unknown threshold "dropoutMax"',
    );
    expect(() => indicatorThresholds('[1]')).toThrow('must be a JSON object');
  });
});
