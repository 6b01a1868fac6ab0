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

/**
 * One indicator: the SQL that computes its figures and the SQL that lists the events behind
 * them. Both are parameterised the same way (indicator-parameters.ts) and committed as text
 * under libs/analytics/sql by `npm run sync:sql`.
 */
export interface IndicatorDefinition {
  readonly name: string;
  readonly family: IndicatorFamily;
  /** The Chinese name the assessment rules use. */
  readonly title: string;
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
  readonly eventsSql: string;
}

/** `WITH a, b, c` from the named common table expressions. */
export function withClauses(...clauses: readonly string[]): string {
  return `WITH${clauses.map((clause) => clause.replace(/^\n/, '\n')).join(',')}`;
}
