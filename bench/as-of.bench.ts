import { INDICATORS, INDICATOR_NAMES } from '@junheng/analytics';
import type { IndicatorQueries, IndicatorRequest } from '@junheng/analytics';
import { ms, timedSideBySide } from './timing';

/**
 * quality.md: "as-of a past recorded time ≤ 2× the same question as of now". Every indicator's
 * province figures asked as of now and as of `asOf` (a recorded time inside the measured school
 * year), alternately, in process: the rollups answer a past time as their totals less what was
 * recorded after it, so the cost of the past grows with what came after it.
 */
export async function asOfBench(
  indicators: IndicatorQueries,
  options: { readonly runs: number; readonly schoolYear: number; readonly asOf: string },
): Promise<string[]> {
  const lines = [
    `#### As of a past recorded time`,
    '',
    `Each indicator's province figures (every district; budgets every programme) for ${options.schoolYear}, as of now and as of ${options.asOf}, alternately: p50 / p95 ms over ${options.runs} runs after one warm-up (rows answered). quality.md: as of a past time ≤ 2× as of now.`,
    '',
    '| indicator | as of now | as of the past time | past ÷ now at p95 | ≤ 2× |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const name of INDICATOR_NAMES) {
    const definition = INDICATORS[name];
    const grain = definition.grains.includes('district') ? 'district' : 'programme';
    const request: IndicatorRequest = { grain, schoolYear: options.schoolYear };
    const [now, past] = await timedSideBySide(
      options.runs,
      async () => (await indicators.figures(definition, request)).length,
      async () => (await indicators.figures(definition, { ...request, asOf: options.asOf })).length,
    );
    const ratio = past.p95 / now.p95;
    lines.push(
      `| \`${name}\` | ${ms(now.p50)} / ${ms(now.p95)} (${now.rows}) | ${ms(past.p50)} / ${ms(past.p95)} (${past.rows}) | ${ratio.toFixed(2)} | ${ratio <= 2 ? 'yes' : '**no**'} |`,
    );
  }
  lines.push('');
  return lines;
}
