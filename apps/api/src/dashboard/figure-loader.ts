import DataLoader from 'dataloader';
import { INDICATORS, hasMonthlyFigures } from '@junheng/analytics';
import type {
  FigureRow,
  Grain,
  IndicatorName,
  IndicatorQueries,
  IndicatorRequest,
} from '@junheng/analytics';
import type { FigureQuestion } from './figure-question';

/** Figures of one indicator at one grain inside `within`: of one unit, or of all of them. */
export interface FigureKey {
  readonly indicator: IndicatorName;
  readonly grain: Grain;
  readonly within: string;
  readonly unit?: string;
  readonly question: FigureQuestion;
}

function normalised(question: FigureQuestion): unknown[] {
  return [
    question.schoolYear,
    question.month ?? null,
    question.term ?? null,
    question.level ?? null,
    question.group ?? null,
    question.asOf ?? null,
  ];
}

const keyOf = (key: FigureKey): string =>
  JSON.stringify([
    key.indicator,
    key.grain,
    key.within,
    key.unit ?? null,
    normalised(key.question),
  ]);

/**
 * Whether rows asked for a wider area can be cut back to this key's: by unit, or for
 * programmes by their owner (every other unit-less key asks for its own area exactly).
 */
const batchable = (key: FigureKey): boolean => key.unit !== undefined || key.grain === 'programme';

/** The longest code prefix of them all (`440103`, `440104` → `4401`). */
export function commonPrefix(codes: readonly string[]): string {
  let prefix = codes[0] ?? '';
  for (const code of codes) {
    while (!code.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

/** The rows of a wider area's answer that are this key's. */
function cutBack(key: FigureKey, rows: FigureRow[]): FigureRow[] {
  if (key.unit !== undefined) return rows.filter((row) => row.unit === key.unit);
  if (key.grain === 'programme')
    return rows.filter((row) => String(row.owner_code).startsWith(key.within));
  return rows;
}

/**
 * Whether a key asks one month of an indicator whose months are one query
 * (`hasMonthlyFigures`): such keys of one question, whatever their month, can share it.
 */
const monthOfMonthly = (key: FigureKey): boolean =>
  key.question.month !== undefined &&
  key.question.term === undefined &&
  hasMonthlyFigures(INDICATORS[key.indicator]);

/**
 * One loader per request: every figure a dashboard query asks for (a scorecard for every
 * district, a school list's figures, a time series) is collected in one tick and answered by
 * one ClickHouse query per indicator, grain and question — whatever the number of units.
 * The wider area asked for is the longest prefix common to the keys' areas, so it never
 * leaves the caller's scope: each key's area was checked against it, and the scope's code is
 * a prefix of every one of them.
 *
 * Months of one question asked together (a monthly series: twelve) are one query more
 * widely still when the indicator has a monthly form (`monthlySql`): the year's figures by
 * month, each month's rows as its own query would give them. Without one, each month is its
 * own query. Why: on chDB a statement's planning, not its reading, is most of a small read.
 */
export function figureLoader(
  queries: Pick<IndicatorQueries, 'figures' | 'monthlyFigures'>,
): DataLoader<FigureKey, FigureRow[], string> {
  return new DataLoader<FigureKey, FigureRow[], string>(
    async (keys) => {
      const groups = new Map<string, number[]>();
      keys.forEach((key, index) => {
        const group = JSON.stringify([
          key.indicator,
          key.grain,
          normalised(key.question),
          batchable(key) ? '*' : key.within,
        ]);
        groups.set(group, [...(groups.get(group) ?? []), index]);
      });
      // Groups that differ only by their month, of an indicator whose months are one query.
      const years = new Map<string, number[][]>();
      for (const indices of groups.values()) {
        const first = keys[indices[0]!]!;
        if (!monthOfMonthly(first)) continue;
        const year = JSON.stringify([
          first.indicator,
          first.grain,
          normalised({ ...first.question, month: undefined }),
          batchable(first) ? '*' : first.within,
        ]);
        years.set(year, [...(years.get(year) ?? []), indices]);
      }
      const answers: FigureRow[][] = new Array<FigureRow[]>(keys.length);
      const byMonth = [...years.values()].filter((months) => months.length > 1);
      const inYears = new Set(byMonth.flat());
      const requestOf = (members: readonly FigureKey[]): IndicatorRequest => ({
        grain: members[0]!.grain,
        within: commonPrefix(members.map((member) => member.within)),
        ...members[0]!.question,
      });
      await Promise.all([
        ...byMonth.map(async (months) => {
          const indices = months.flat();
          const request = requestOf(indices.map((index) => keys[index]!));
          const first = keys[indices[0]!]!;
          const year = await queries.monthlyFigures<FigureRow>(INDICATORS[first.indicator], {
            ...request,
            month: undefined,
          });
          for (const index of indices) {
            const key = keys[index]!;
            answers[index] = cutBack(key, year.get(key.question.month!) ?? []);
          }
        }),
        ...[...groups.values()]
          .filter((indices) => !inYears.has(indices))
          .map(async (indices) => {
            const members = indices.map((index) => keys[index]!);
            const first = members[0]!;
            const rows = await queries.figures<FigureRow>(
              INDICATORS[first.indicator],
              requestOf(members),
            );
            for (const index of indices) answers[index] = cutBack(keys[index]!, rows);
          }),
      ]);
      return answers;
    },
    { cacheKeyFn: keyOf },
  );
}
