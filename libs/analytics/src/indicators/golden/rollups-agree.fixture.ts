import type { AnalyticsClient } from '@junheng/analytics';
import { INDICATORS, INDICATOR_NAMES } from '../catalogue';
import { DEFAULT_FORMULA_SETTINGS } from '../indicator-parameters';
import type { FormulaSettings, IndicatorRequest } from '../indicator-parameters';
import { IndicatorQueries } from '../indicator-queries';

type Row = Record<string, unknown>;

/** Where two answers differ; floats within 1e-12 relative (parallel sums), all else exactly. */
export function differences(actual: unknown, expected: unknown, path = '$'): string[] {
  if (typeof actual === 'number' && typeof expected === 'number') {
    const scale = Math.max(1, Math.abs(actual), Math.abs(expected));
    return Math.abs(actual - expected) <= 1e-12 * scale ? [] : [`${path}: ${actual} ≠ ${expected}`];
  }
  if (
    typeof actual === 'object' &&
    actual !== null &&
    typeof expected === 'object' &&
    expected !== null
  ) {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    return [...keys].flatMap((key) =>
      differences(
        (actual as Record<string, unknown>)[key],
        (expected as Record<string, unknown>)[key],
        `${path}.${key}`,
      ),
    );
  }
  return Object.is(actual, expected) ? [] : [`${path}: ${String(actual)} ≠ ${String(expected)}`];
}

export interface Agreement {
  /** Questions asked of each indicator read from rollups, and answer rows compared. */
  readonly questions: number;
  readonly rows: number;
  readonly differences: readonly string[];
}

/**
 * Asks every indicator that is read from rollups each question at every grain it has, and
 * compares the rollups' answer with the facts' (`factsSql`) cell for cell, under `settings`.
 * With `everyIndicator`, the others too: asked as of now they read the hierarchy dimension,
 * their figures SQL as written folds `school_changes` in the query.
 */
export async function rollupsAgreeWithFacts(
  analytics: AnalyticsClient,
  questions: readonly Omit<IndicatorRequest, 'grain'>[],
  settings: FormulaSettings = DEFAULT_FORMULA_SETTINGS,
  everyIndicator = false,
): Promise<Agreement> {
  const queries = new IndicatorQueries(analytics, settings);
  const found: string[] = [];
  let asked = 0;
  let rows = 0;
  for (const name of INDICATOR_NAMES) {
    const indicator = INDICATORS[name];
    if (indicator.factsSql === undefined && !everyIndicator) continue;
    for (const grain of indicator.grains)
      for (const question of questions) {
        const request = { ...question, grain };
        const fromRollups = await queries.figures<Row>(indicator, request);
        const fromFacts = await queries.figuresFromFacts<Row>(indicator, request);
        asked += 1;
        rows += fromFacts.length;
        found.push(...differences(fromRollups, fromFacts, `${name} ${JSON.stringify(request)}`));
      }
  }
  return { questions: asked, rows, differences: found };
}
