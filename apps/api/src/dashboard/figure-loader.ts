import DataLoader from 'dataloader';
import { INDICATORS } from '@junheng/analytics';
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

/**
 * One loader per request: every figure a dashboard query asks for (a scorecard for every
 * district, a school list's figures, a time series) is collected in one tick and answered by
 * one ClickHouse query per indicator, grain and question — whatever the number of units.
 * The wider area asked for is the longest prefix common to the keys' areas, so it never
 * leaves the caller's scope: each key's area was checked against it, and the scope's code is
 * a prefix of every one of them.
 */
export function figureLoader(
  queries: Pick<IndicatorQueries, 'figures'>,
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
      const answers: FigureRow[][] = new Array<FigureRow[]>(keys.length);
      await Promise.all(
        [...groups.values()].map(async (indices) => {
          const members = indices.map((index) => keys[index]!);
          const first = members[0]!;
          const request: IndicatorRequest = {
            grain: first.grain,
            within: commonPrefix(members.map((member) => member.within)),
            ...first.question,
          };
          const rows = await queries.figures<FigureRow>(INDICATORS[first.indicator], request);
          indices.forEach((index) => {
            const key = keys[index]!;
            answers[index] =
              key.unit !== undefined
                ? rows.filter((row) => row.unit === key.unit)
                : key.grain === 'programme'
                  ? rows.filter((row) => String(row.owner_code).startsWith(key.within))
                  : rows;
          });
        }),
      );
      return answers;
    },
    { cacheKeyFn: keyOf },
  );
}
