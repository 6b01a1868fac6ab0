import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { Clock } from '@junheng/domain';
import { SCHOOL_YEAR_MONTHS } from '@junheng/analytics';
import type { FigureRow, IndicatorRequest } from '@junheng/analytics';
import { CLOCK, JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';

/** Computes one question's figures on the engine, when no answer for its version is held. */
type Compute = () => Promise<FigureRow[]>;

/**
 * An entry outlives its version by little: once the projection advances nobody asks for it
 * again, and it only waits to be evicted. Ten minutes bounds how long it holds memory.
 */
const ENTRY_TTL_MS = 10 * 60 * 1000;

/**
 * Figures per projection version. The projection's version changes whenever any source
 * applies anything, and figures are a function of what has been applied (the ETags and live
 * dashboards rest on the same fact): the figures of one question at one version never
 * change, so they are computed once, however many dashboards ask and however often.
 *
 * - Many screens asking the same question at once share one computation (lru-cache's fetch
 *   joins a fetch already under way), so N clients cost the engine one query, not N queued
 *   behind each other on chDB's one-statement-at-a-time session.
 * - A failed or stopped read (503 at its time limit) is not kept: the next caller tries again.
 * - Figures that depend on the day as well (a cohort's rate waits for its year to end) are
 *   keyed by the UTC day too.
 * - Bounded by rows held (JUNHENG_FIGURE_CACHE_ROWS, least recently used first); 0 turns it
 *   off, and every read goes to the engine.
 *
 * Rows handed out are shared between callers: they are read, never changed.
 */
@Injectable()
export class FigureCache {
  private readonly entries: LRUCache<string, FigureRow[], Compute> | null;

  constructor(
    @Inject(JUNHENG_CONFIG) config: JunhengConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.entries =
      config.figureCacheRows === 0
        ? null
        : new LRUCache<string, FigureRow[], Compute>({
            maxSize: config.figureCacheRows,
            // An empty answer still takes a place.
            sizeCalculation: (rows) => rows.length + 1,
            ttl: ENTRY_TTL_MS,
            fetchMethod: (_key, _stale, { context }) => context(),
          });
  }

  /** The figures of `request` at projection `version`: held, being computed, or computed now. */
  async figures(
    version: string,
    indicator: string,
    request: IndicatorRequest,
    compute: Compute,
  ): Promise<FigureRow[]> {
    if (this.entries === null) return compute();
    const key = JSON.stringify([
      version,
      this.clock.now().toISOString().slice(0, 10),
      indicator,
      request.grain,
      request.schoolYear,
      request.month ?? null,
      request.term ?? null,
      request.within ?? '',
      request.unit ?? null,
      request.level ?? null,
      request.group ?? null,
      request.asOf ?? null,
    ]);
    const rows = await this.entries.fetch(key, { context: compute });
    // fetch resolves undefined only when a fetch is aborted, which nothing here does.
    return rows ?? compute();
  }

  /**
   * The figures of every month of `request`'s school year at `version`, each held under the
   * question of its month exactly as `figures` holds it (month set, no term): months held or
   * being computed are taken from there, and the others from one computation of the whole
   * year (`computeYear`, the indicator's monthly query), which fills their places. So a
   * monthly series and a figure of one month share their answers, whichever came first, and
   * a year computed once is not computed again month by month.
   */
  async months(
    version: string,
    indicator: string,
    request: IndicatorRequest,
    computeYear: () => Promise<ReadonlyMap<number, FigureRow[]>>,
  ): Promise<Map<number, FigureRow[]>> {
    let year: Promise<ReadonlyMap<number, FigureRow[]>> | undefined;
    const months = await Promise.all(
      SCHOOL_YEAR_MONTHS.map(async (month) => {
        const rows = await this.figures(
          version,
          indicator,
          { ...request, month, term: undefined },
          async () => {
            year ??= computeYear();
            const answer = (await year).get(month);
            if (answer === undefined) throw new RangeError(`no figures for month ${month}`);
            return answer;
          },
        );
        return [month, rows] as const;
      }),
    );
    return new Map(months);
  }

  /** How many questions' figures are held. */
  size(): number {
    return this.entries?.size ?? 0;
  }
}
