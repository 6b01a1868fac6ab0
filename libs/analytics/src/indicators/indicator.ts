import type { IndicatorThresholds } from './indicator-thresholds';

/** Where a figure is computed: one row per school, district (区县), city (市) or province (省). */
export const AREA_GRAINS = ['school', 'district', 'city', 'province'] as const;
export type AreaGrain = (typeof AREA_GRAINS)[number];
/** Pairing activity and budgets also roll up per pairing and per programme. */
export type Grain = AreaGrain | 'pairing' | 'programme';

export const INDICATOR_FAMILIES = [
  'consolidation',
  'dropout',
  'urban-rural-gap',
  'difference-coefficient',
  'rotation',
  'pairing',
  'funds',
] as const;
export type IndicatorFamily = (typeof INDICATOR_FAMILIES)[number];

/** What a figure's headline value counts in. */
export type ValueUnit = 'percent' | 'coefficient' | 'ratio' | 'count' | 'yuan' | 'schools';

/** A figure row as the indicator SQL returns it. */
export type FigureRow = Readonly<Record<string, unknown>>;

/** The figure a dashboard shows first, and what it counts in. */
export interface IndicatorHeadline {
  /** The column of the figures SQL the headline comes from, at the grain asked. */
  readonly column: string | ((grain: Grain) => string);
  readonly valueUnit: ValueUnit | ((grain: Grain) => ValueUnit);
  /** The column telling what a row is about inside its unit (a resource, a school), if any. */
  readonly dimension?: string;
  /**
   * A headline computed from the row and the thresholds instead of read from `column` (a
   * school's minimums met), for headlines that depend on the province's rules.
   */
  readonly computed?: (row: FigureRow, thresholds: IndicatorThresholds) => number | null;
}

/**
 * One indicator, described in one place: the SQL that computes its figures and the SQL that
 * lists the events behind them (both parameterised the same way, indicator-parameters.ts, and
 * committed as text under libs/analytics/sql by `npm run sync:sql`), its headline and unit, and
 * the rules its figures are judged by. The catalogue (catalogue.ts) lists every definition;
 * REST, GraphQL, OpenAPI and the schema follow from it.
 */
export interface IndicatorDefinition {
  readonly name: string;
  readonly family: IndicatorFamily;
  /** The Chinese name the assessment rules use. */
  readonly title: string;
  /** The default thresholds in a few words, for the catalogue's table (docs/indicators.md). */
  readonly thresholdsInBrief: string;
  readonly grains: readonly Grain[];
  /** Whether the figures split by level (primary / junior), the period is a month or term too. */
  readonly byLevel: boolean;
  readonly byPeriod: boolean;
  /** Whether a reader may narrow the figures to one urban-rural group. */
  readonly byGroup: boolean;
  /** The figures, from the rollups where the indicator has them (migration 0009). */
  readonly figuresSql: string;
  /**
   * The same figures computed directly from the fact tables, student by student: what the
   * rollups must agree with, cell for cell (the consistency test), and the drill-down's basis.
   */
  readonly factsSql?: string;
  /**
   * The figures of every month of the school year in one query, for a `byPeriod` indicator
   * that can say so exactly: the rows `figuresSql` gives for each month, each with a `month`
   * column (1-12, as a request names a month), ordered by month and then as `figuresSql`
   * orders them. Asked with the school year's parameters (no month or term), and as of `asOf`
   * the same way as `figuresSql`, its as-of corrections marked alike (rollup-fragments.ts
   * `asOfNow`). Absent: a monthly series asks `figuresSql` once per month. Why: on chDB each
   * statement plans for milliseconds before it reads a row, twelve times for a year's grid.
   */
  readonly monthlySql?: string;
  readonly eventsSql: string;
  readonly headline: IndicatorHeadline;
  /**
   * The rules a figure row breaches under `thresholds` (indicator-thresholds.ts: the province's
   * configurable values), as stable rule names; absent: the indicator is never judged.
   */
  readonly verdict?: (row: FigureRow, grain: Grain, thresholds: IndicatorThresholds) => string[];
}

/** `WITH a, b, c` from the named common table expressions. */
export function withClauses(...clauses: readonly string[]): string {
  return `WITH${clauses.map((clause) => clause.replace(/^\n/, '\n')).join(',')}`;
}
