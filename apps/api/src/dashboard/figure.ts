import { judge } from '@junheng/analytics';
import type {
  FigureRow,
  Grain,
  IndicatorDefinition,
  IndicatorThresholds,
  ValueUnit,
} from '@junheng/analytics';

export type { ValueUnit } from '@junheng/analytics';

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

const isLevel = (cell: unknown): cell is string => cell === 'primary' || cell === 'junior';

const camel = (column: string): string =>
  column.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** Turns one row of an indicator's SQL into a Figure, judged by `thresholds`. */
export function toFigure(
  indicator: IndicatorDefinition,
  row: FigureRow,
  grain: Grain,
  thresholds: IndicatorThresholds,
): Figure {
  const { headline } = indicator;
  const valueColumn =
    typeof headline.column === 'function' ? headline.column(grain) : headline.column;
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
    headline.computed !== undefined
      ? headline.computed(row, thresholds)
      : typeof cell === 'number'
        ? cell
        : null;
  const dimension = headline.dimension === undefined ? null : row[headline.dimension];
  return {
    unit: String(row.unit),
    level: isLevel(row.level) ? row.level : null,
    dimension: typeof dimension === 'string' ? dimension : null,
    value,
    valueUnit:
      typeof headline.valueUnit === 'function' ? headline.valueUnit(grain) : headline.valueUnit,
    measures,
    breakdown,
    labels,
    breaches: verdict.breaches,
    rules: verdict.rules,
  };
}
