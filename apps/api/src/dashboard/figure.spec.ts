import { DEFAULT_INDICATOR_THRESHOLDS, INDICATORS } from '@junheng/analytics';
import { toFigure } from './figure';

describe('a figure from an indicator row', () => {
  it('takes the headline, camel-cases the measures and judges the thresholds', () => {
    const figure = toFigure(
      INDICATORS['dropout-rate'],
      { unit: '440103', level: 'junior', enrolled_start: 20, dropouts: 1, rate: 5 },
      'district',
      DEFAULT_INDICATOR_THRESHOLDS,
    );
    expect(figure).toEqual({
      unit: '440103',
      level: 'junior',
      dimension: null,
      value: 5,
      valueUnit: 'percent',
      measures: { enrolledStart: 20, dropouts: 1, rate: 5 },
      breakdown: {},
      labels: {},
      breaches: true,
      rules: ['junior-dropout-not-below-2'],
    });
  });

  it('counts a school’s minimums met as its value, with the resources as the breakdown', () => {
    const values = {
      above_qualification_teachers: 4.5,
      backbone_teachers: 1.2,
      pe_arts_teachers: 0.5,
      floor_area: 5,
      sports_area: 8,
      equipment_value: 2100,
      multimedia_classrooms: 2.5,
    };
    const figure = toFigure(
      INDICATORS['school-minimums'],
      { unit: '440103', school_code: '4401030001', level: 'primary', enrolment: 420, values },
      'district',
      DEFAULT_INDICATOR_THRESHOLDS,
    );
    // Six of seven: PE and arts teachers 0.5 < 0.9 per 100 students.
    expect(figure).toMatchObject({
      dimension: '4401030001',
      value: 6,
      valueUnit: 'count',
      measures: { enrolment: 420 },
      breakdown: values,
      breaches: false,
    });
  });

  it('keeps a programme’s level as a label, not as primary or junior', () => {
    const figure = toFigure(
      INDICATORS['budget-execution'],
      {
        unit: 'P-2024',
        name: '百校扶百校',
        level: 'district',
        owner_code: '440311',
        budget_yuan: 1_180_000,
        allocated_yuan: 590_000,
        execution: 50,
      },
      'programme',
      DEFAULT_INDICATOR_THRESHOLDS,
    );
    expect(figure).toMatchObject({
      level: null,
      value: 50,
      labels: { name: '百校扶百校', level: 'district', ownerCode: '440311' },
      measures: { budgetYuan: 1_180_000, allocatedYuan: 590_000, execution: 50 },
    });
  });

  it('shows a pairing its exchange lessons, an area its share of weak schools paired', () => {
    const row = { unit: 'x', exchanges: 12, weak_paired_share: null };
    expect(
      toFigure(INDICATORS['pairing-activity'], row, 'pairing', DEFAULT_INDICATOR_THRESHOLDS),
    ).toMatchObject({ value: 12, valueUnit: 'count' });
    expect(
      toFigure(
        INDICATORS['pairing-activity'],
        { ...row, weak_paired_share: 50 },
        'district',
        DEFAULT_INDICATOR_THRESHOLDS,
      ),
    ).toMatchObject({ value: 50, valueUnit: 'percent' });
  });
});
