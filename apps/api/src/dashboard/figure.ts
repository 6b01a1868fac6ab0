import { judge } from '@junheng/analytics';
import type { FigureRow, Grain, IndicatorName, IndicatorThresholds } from '@junheng/analytics';

/** What a figure's headline value counts in. */
export type ValueUnit = 'percent' | 'coefficient' | 'ratio' | 'count' | 'yuan' | 'schools';

/**
 * One figure of an indicator, the same over GraphQL, JSON and CSV: the unit it is for, its
 * headline value, every component of the formula (`measures`), a breakdown where the formula
 * has one (out-of-school by reason, a school's seven resources), and the threshold verdict.
 */
export interface Figure {
  /** The school, district, city, province, pairing or programme code. */
  readonly unit: string;
  readonly level: string | null;
  /** What the row is about inside the unit: a resource (CV rows), or a school (minimums). */
  readonly dimension: string | null;
  readonly value: number | null;
  readonly valueUnit: ValueUnit;
  readonly measures: Readonly<Record<string, number | null>>;
  readonly breakdown: Readonly<Record<string, number>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly breaches: boolean;
  readonly rules: readonly string[];
}

interface Headline {
  /** The column the headline value comes from; `minimums-met` is computed from the verdict. */
  readonly value: string | ((grain: Grain) => string);
  readonly valueUnit: ValueUnit;
  readonly dimension?: string;
}

/** Which column of each indicator's SQL is the figure a dashboard shows first. */
const HEADLINES: Readonly<Record<IndicatorName, Headline>> = {
  'cohort-consolidation': { value: 'rate', valueUnit: 'percent' },
  'in-year-consolidation': { value: 'rate', valueUnit: 'percent' },
  register: { value: 'students', valueUnit: 'count' },
  'dropout-rate': { value: 'rate', valueUnit: 'percent' },
  'out-of-school': { value: 'out_of_school', valueUnit: 'count' },
  'return-rate': { value: 'rate', valueUnit: 'percent' },
  'urban-rural-gap': { value: 'ratio', valueUnit: 'ratio', dimension: 'indicator' },
  'basic-balance': { value: 'cv', valueUnit: 'coefficient', dimension: 'indicator' },
  'high-quality-balance': { value: 'cv', valueUnit: 'coefficient', dimension: 'indicator' },
  'school-minimums': { value: 'minimums_met', valueUnit: 'count', dimension: 'school_code' },
  'rotation-coverage': { value: 'coverage', valueUnit: 'percent' },
  // A pairing has no weak-school share of its own: it shows its exchange lessons.
  'pairing-activity': {
    value: (grain) =>
      grain === 'pairing' || grain === 'programme' ? 'exchanges' : 'weak_paired_share',
    valueUnit: 'percent',
  },
  'budget-execution': { value: 'execution', valueUnit: 'percent' },
  'funds-distribution': { value: 'per_student_yuan', valueUnit: 'yuan' },
};

const isLevel = (cell: unknown): cell is string => cell === 'primary' || cell === 'junior';

const camel = (column: string): string =>
  column.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** Turns one row of an indicator's SQL into a Figure, judged by `thresholds`. */
export function toFigure(
  indicator: IndicatorName,
  row: FigureRow,
  grain: Grain,
  thresholds: IndicatorThresholds,
  minimumsMet: (row: FigureRow) => number,
): Figure {
  const headline = HEADLINES[indicator];
  const valueColumn = typeof headline.value === 'function' ? headline.value(grain) : headline.value;
  const verdict = judge(indicator, row, grain, thresholds);
  const measures: Record<string, number | null> = {};
  const breakdown: Record<string, number> = {};
  const labels: Record<string, string> = {};
  for (const [column, cell] of Object.entries(row)) {
    if (column === 'unit' || column === headline.dimension) continue;
    if (column === 'level' && isLevel(cell)) continue;
    if (typeof cell === 'number' || cell === null) measures[camel(column)] = cell;
    else if (typeof cell === 'string') labels[camel(column)] = cell;
    else if (typeof cell === 'object') {
      for (const [key, amount] of Object.entries(cell as Record<string, unknown>)) {
        if (typeof amount === 'number') breakdown[key] = amount;
      }
    }
  }
  const cell = row[valueColumn];
  const value =
    valueColumn === 'minimums_met' ? minimumsMet(row) : typeof cell === 'number' ? cell : null;
  const dimension = headline.dimension === undefined ? null : row[headline.dimension];
  return {
    unit: String(row.unit),
    level: isLevel(row.level) ? row.level : null,
    dimension: typeof dimension === 'string' ? dimension : null,
    value,
    valueUnit:
      indicator === 'pairing-activity' && valueColumn === 'exchanges'
        ? 'count'
        : headline.valueUnit,
    measures,
    breakdown,
    labels,
    breaches: verdict.breaches,
    rules: verdict.rules,
  };
}
