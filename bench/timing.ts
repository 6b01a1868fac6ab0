/**
 * Latency sampling shared by the indicator part of the bench, in process and through the api:
 * both sides of a comparison must be sampled the same way for their ratio to mean anything.
 */
export interface Timing {
  readonly p50: number;
  readonly p95: number;
  /** Rows the measured call answered (the last run's). */
  readonly rows: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function timingOf(samples: readonly number[], rows: number): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), rows };
}

/** One warm-up call, then `runs` timed calls one after another. */
export async function timed(runs: number, call: () => Promise<number>): Promise<Timing> {
  let rows = await call();
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const begin = performance.now();
    rows = await call();
    samples.push(performance.now() - begin);
  }
  return timingOf(samples, rows);
}

/** Two calls timed alternately, so that both see the same noise: one warm-up each, `runs` each. */
export async function timedSideBySide(
  runs: number,
  first: () => Promise<number>,
  second: () => Promise<number>,
): Promise<[Timing, Timing]> {
  const rows = [await first(), await second()];
  const samples: [number[], number[]] = [[], []];
  for (let run = 0; run < runs; run += 1)
    for (const [index, call] of [first, second].entries()) {
      const begin = performance.now();
      rows[index] = await call();
      samples[index]!.push(performance.now() - begin);
    }
  return [timingOf(samples[0], rows[0] ?? 0), timingOf(samples[1], rows[1] ?? 0)];
}

/** Milliseconds as the report prints them: one decimal under 10, none above. */
export const ms = (value: number): string => (value < 10 ? value.toFixed(1) : value.toFixed(0));
