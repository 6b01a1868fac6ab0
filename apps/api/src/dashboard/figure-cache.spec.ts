import type { Clock } from '@junheng/domain';
import type { FigureRow, IndicatorRequest } from '@junheng/analytics';
import { loadConfig } from '@junheng/platform';
import { FigureCache } from './figure-cache';

const question: IndicatorRequest = { grain: 'district', schoolYear: 2024, within: '44' };

/** A clock the test moves. */
function movableClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => now, set: (next) => (now = new Date(next)) };
}

/** Counts the computations asked of it; each answers rows naming the call. */
function engine() {
  let calls = 0;
  let release: (() => void) | undefined;
  let held: Promise<void> | undefined;
  return {
    calls: () => calls,
    /** Later computations wait until `open` is called. */
    hold: (): void => {
      held = new Promise<void>((done) => (release = done));
    },
    open: () => release?.(),
    compute: async (): Promise<FigureRow[]> => {
      calls += 1;
      const call = calls;
      if (held !== undefined) await held;
      return [{ unit: '440103', call }];
    },
  };
}

describe('figures per projection version', () => {
  const clock = movableClock('2024-11-04T08:00:00.000Z');
  const cache = (rows = '1000') =>
    new FigureCache(loadConfig({ JUNHENG_FIGURE_CACHE_ROWS: rows }), clock);

  it('computes a question once per version, and again when the version moves', async () => {
    const figures = cache();
    const counted = engine();
    const first = await figures.figures('v1', 'dropout-rate', question, counted.compute);
    expect(await figures.figures('v1', 'dropout-rate', question, counted.compute)).toBe(first);
    expect(counted.calls()).toBe(1);
    const moved = await figures.figures('v2', 'dropout-rate', question, counted.compute);
    expect(moved).toEqual([{ unit: '440103', call: 2 }]);
    expect(counted.calls()).toBe(2);
  });

  it('tells questions apart by every part of them', async () => {
    const figures = cache();
    const counted = engine();
    const variants: IndicatorRequest[] = [
      question,
      { ...question, grain: 'school' },
      { ...question, schoolYear: 2023 },
      { ...question, month: 10 },
      { ...question, term: 1 },
      { ...question, within: '4401' },
      { ...question, unit: '440103' },
      { ...question, level: 'junior' },
      { ...question, group: 'rural' },
      { ...question, asOf: '2024-11-01T00:00:00.000Z' },
    ];
    for (const variant of variants) {
      await figures.figures('v1', 'dropout-rate', variant, counted.compute);
    }
    await figures.figures('v1', 'out-of-school', question, counted.compute);
    expect(counted.calls()).toBe(variants.length + 1);
    expect(figures.size()).toBe(variants.length + 1);
  });

  it('asks again on another day: a figure may depend on the day (a cohort waits for its year)', async () => {
    const figures = cache();
    const counted = engine();
    clock.set('2025-08-31T23:59:00.000Z');
    await figures.figures('v1', 'cohort-consolidation', question, counted.compute);
    clock.set('2025-09-01T00:01:00.000Z');
    await figures.figures('v1', 'cohort-consolidation', question, counted.compute);
    expect(counted.calls()).toBe(2);
  });

  it('lets many callers of one question at once share one computation', async () => {
    const figures = cache();
    const counted = engine();
    counted.hold();
    const callers = Array.from({ length: 8 }, () =>
      figures.figures('v1', 'register', question, counted.compute),
    );
    counted.open();
    const answers = await Promise.all(callers);
    expect(counted.calls()).toBe(1);
    for (const answer of answers) expect(answer).toBe(answers[0]);
  });

  it('keeps no failure: the next caller computes again', async () => {
    const figures = cache();
    let calls = 0;
    const failing = (): Promise<FigureRow[]> => {
      calls += 1;
      return Promise.reject(new Error('stopped at its time limit'));
    };
    await expect(figures.figures('v1', 'register', question, failing)).rejects.toThrow(
      'stopped at its time limit',
    );
    const counted = engine();
    expect(await figures.figures('v1', 'register', question, counted.compute)).toEqual([
      { unit: '440103', call: 1 },
    ]);
    expect(calls).toBe(1);
  });

  it('holds at most JUNHENG_FIGURE_CACHE_ROWS rows, least recently used out first', async () => {
    const figures = cache('4');
    const counted = engine();
    // Each answer is one row and takes two places (an empty answer still takes one).
    await figures.figures('v1', 'register', question, counted.compute);
    await figures.figures('v1', 'dropout-rate', question, counted.compute);
    await figures.figures('v1', 'out-of-school', question, counted.compute);
    expect(figures.size()).toBe(2);
    await figures.figures('v1', 'out-of-school', question, counted.compute);
    expect(counted.calls()).toBe(3);
    await figures.figures('v1', 'register', question, counted.compute);
    expect(counted.calls()).toBe(4);
  });

  describe('a school year of months computed at once', () => {
    const months = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8];
    /** A year's figures by month, each month's rows naming the month and the call. */
    function yearEngine() {
      let calls = 0;
      return {
        calls: () => calls,
        computeYear: (): Promise<Map<number, FigureRow[]>> => {
          calls += 1;
          const call = calls;
          return Promise.resolve(
            new Map(months.map((month) => [month, [{ unit: '440103', month, call }]])),
          );
        },
      };
    }

    it('holds each month under its own question, as a figure of that month is held', async () => {
      const figures = cache();
      const year = yearEngine();
      const single = engine();
      const answer = await figures.months('v1', 'lesson-exchanges', question, year.computeYear);
      expect([...answer.keys()]).toEqual(months);
      expect(answer.get(10)).toEqual([{ unit: '440103', month: 10, call: 1 }]);
      expect(year.calls()).toBe(1);
      expect(figures.size()).toBe(12);
      // A figure of one month is then the year's, not computed again.
      expect(
        await figures.figures('v1', 'lesson-exchanges', { ...question, month: 10 }, single.compute),
      ).toBe(answer.get(10));
      expect(single.calls()).toBe(0);
      expect(await figures.months('v1', 'lesson-exchanges', question, year.computeYear)).toEqual(
        answer,
      );
      expect(year.calls()).toBe(1);
    });

    it('computes the year once for the months not held, and keeps the months held', async () => {
      const figures = cache();
      const year = yearEngine();
      const single = engine();
      const october = await figures.figures(
        'v1',
        'lesson-exchanges',
        { ...question, month: 10 },
        single.compute,
      );
      const answer = await figures.months('v1', 'lesson-exchanges', question, year.computeYear);
      expect(year.calls()).toBe(1);
      expect(answer.get(10)).toBe(october);
      expect(answer.get(11)).toEqual([{ unit: '440103', month: 11, call: 1 }]);
      // Another version is another year.
      await figures.months('v2', 'lesson-exchanges', question, year.computeYear);
      expect(year.calls()).toBe(2);
    });

    it('computes the year once when turned off, and keeps no failure', async () => {
      const year = yearEngine();
      await cache('0').months('v1', 'lesson-exchanges', question, year.computeYear);
      expect(year.calls()).toBe(1);
      const figures = cache();
      await expect(
        figures.months('v1', 'lesson-exchanges', question, () =>
          Promise.reject(new Error('stopped at its time limit')),
        ),
      ).rejects.toThrow('stopped at its time limit');
      expect(figures.size()).toBe(0);
      await figures.months('v1', 'lesson-exchanges', question, year.computeYear);
      expect(year.calls()).toBe(2);
    });
  });

  it('computes every time when turned off (0)', async () => {
    const figures = cache('0');
    const counted = engine();
    await figures.figures('v1', 'register', question, counted.compute);
    await figures.figures('v1', 'register', question, counted.compute);
    expect(counted.calls()).toBe(2);
    expect(figures.size()).toBe(0);
  });
});
