import type { IndicatorDefinition, IndicatorRequest } from '@junheng/analytics';
import { SCHOOL_YEAR_MONTHS } from '@junheng/analytics';
import { figureLoader } from './figure-loader';
import type { FigureKey } from './figure-loader';

/** An engine that records what it is asked and answers rows naming the question. */
function engine() {
  const asked: string[] = [];
  return {
    asked,
    figures: <Row extends object>(
      indicator: IndicatorDefinition,
      request: IndicatorRequest,
    ): Promise<Row[]> => {
      asked.push(`figures ${indicator.name} ${request.within} ${request.month ?? '-'}`);
      return Promise.resolve(
        ['440103', '440104'].map((unit) => ({ unit, month: request.month ?? null })) as Row[],
      );
    },
    monthlyFigures: <Row extends object>(
      indicator: IndicatorDefinition,
      request: IndicatorRequest,
    ): Promise<Map<number, Row[]>> => {
      asked.push(`monthly ${indicator.name} ${request.within} ${request.month ?? '-'}`);
      return Promise.resolve(
        new Map(
          SCHOOL_YEAR_MONTHS.map((month) => [
            month,
            (month === 2 ? [] : ['440103', '440104'].map((unit) => ({ unit, month }))) as Row[],
          ]),
        ),
      );
    },
  };
}

const monthsOf = (key: Omit<FigureKey, 'question'>, schoolYear = 2024): FigureKey[] =>
  SCHOOL_YEAR_MONTHS.map((month) => ({ ...key, question: { schoolYear, month } }));

describe('the figure loader', () => {
  it('answers the months of an indicator with a monthly form from one query', async () => {
    const queries = engine();
    const loader = figureLoader(queries);
    const keys = monthsOf({
      indicator: 'lesson-exchanges',
      grain: 'district',
      within: '440103',
      unit: '440103',
    });
    const answers = await loader.loadMany(keys);
    expect(queries.asked).toEqual(['monthly lesson-exchanges 440103 -']);
    expect(answers).toEqual(
      SCHOOL_YEAR_MONTHS.map((month) => (month === 2 ? [] : [{ unit: '440103', month }])),
    );
  });

  it('asks one query per month of an indicator without one, as before', async () => {
    const queries = engine();
    const loader = figureLoader(queries);
    await loader.loadMany(
      monthsOf({ indicator: 'dropout-rate', grain: 'district', within: '440103', unit: '440103' }),
    );
    expect(queries.asked).toHaveLength(12);
    expect(queries.asked.every((asked) => asked.startsWith('figures dropout-rate'))).toBe(true);
  });

  it('keeps one month alone its own figures query, and questions that differ apart', async () => {
    const queries = engine();
    const loader = figureLoader(queries);
    const key = { indicator: 'lesson-exchanges', grain: 'district', within: '4401' } as const;
    const [alone, ...rest] = await loader.loadMany([
      { ...key, question: { schoolYear: 2024, month: 10 } },
      // Another school year, and a term: not the months of one question.
      { ...key, question: { schoolYear: 2023, month: 10 } },
      { ...key, question: { schoolYear: 2024, month: 11, term: 1 } },
    ]);
    expect(queries.asked.sort()).toEqual([
      'figures lesson-exchanges 4401 10',
      'figures lesson-exchanges 4401 10',
      'figures lesson-exchanges 4401 11',
    ]);
    expect(alone).toEqual([
      { unit: '440103', month: 10 },
      { unit: '440104', month: 10 },
    ]);
    expect(rest).toHaveLength(2);
  });

  it('answers the months of two districts from one query over their common area', async () => {
    const queries = engine();
    const loader = figureLoader(queries);
    const [liwan, yuexiu] = ['440103', '440104'].map((district) =>
      loader.loadMany(
        monthsOf({
          indicator: 'lesson-exchanges',
          grain: 'district',
          within: district,
          unit: district,
        }),
      ),
    );
    const answers = await Promise.all([liwan!, yuexiu!]);
    // Over the longest code prefix the two share, which holds both.
    expect(queries.asked).toHaveLength(1);
    expect(queries.asked[0]).toMatch(/^monthly lesson-exchanges 4401\d* -$/);
    expect(answers[1][0]).toEqual([{ unit: '440104', month: 9 }]);
    expect(answers[0][0]).toEqual([{ unit: '440103', month: 9 }]);
  });
});
