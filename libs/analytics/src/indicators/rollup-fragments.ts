/**
 * SQL over the rollups (migration 0009), shared by the indicator files. A rollup is read through
 * its aggregate projections: a query that filters and groups by a projection's keys is answered
 * from a few rows per school and day, not from the students.
 */
import { hierarchyAsOfNow, schoolYearOf } from './sql-fragments';

const AS_OF = "{asOf:DateTime64(3, 'UTC')}";

/**
 * How a rollup is read "as of" a recorded time: the totals of what it holds, less the rows
 * recorded after `asOf` — one range of the table's key (recorded_at), empty for a question
 * asked as of now. The totals branch names no recording time, so the engine answers it from
 * the projection.
 */
export const correctionOf = (table: string): string =>
  `FROM {db:Identifier}.${table} WHERE recorded_at > ${AS_OF}`;

const AS_OF_CORRECTION = '/* as-of correction */';
const END_OF_AS_OF_CORRECTION = '/* end of as-of correction */';
const CORRECTIONS = /\/\* as-of correction \*\/[\s\S]*?\/\* end of as-of correction \*\//g;

/**
 * The query asked as of now: without the branches that take away what was recorded after
 * `asOf` (none was), which the engine would still parse, analyse and plan for every request,
 * and with the school hierarchy read from its dimension rather than folded (sql-fragments.ts).
 */
export function asOfNow(sql: string): string {
  return hierarchyAsOfNow(sql.replace(CORRECTIONS, ''));
}

/**
 * `<name>`: the sums of `delta` in `table` by `keys` over the rows matching one of `branches`,
 * as recorded up to `asOf`. Each branch is its own SELECT, so each can be answered by the
 * projection that fits it (a year's totals for earlier years, the days of the current one).
 */
export const rollupTotals = (
  name: string,
  table: string,
  keys: string,
  branches: readonly string[],
): string => `
${name} AS (
  SELECT ${keys}, sum(delta) AS delta
  FROM (${branches
    .map(
      (where) => `
    SELECT ${keys}, sum(delta) AS delta
    FROM {db:Identifier}.${table}
    WHERE ${where}
    GROUP BY ${keys}`,
    )
    .join('\n    UNION ALL')}
    ${AS_OF_CORRECTION}
    UNION ALL
    SELECT ${keys}, -sum(delta) AS delta
    ${correctionOf(table)}
      AND (${branches.map((where) => `(${where})`).join(' OR ')})
    GROUP BY ${keys}
    ${END_OF_AS_OF_CORRECTION}
  )
  GROUP BY ${keys}
  HAVING delta != 0
)`;

/**
 * `register_<name>`: the students on each school's register at the end of the day
 * `{<name>:Date}` by level and grade that day (the facts' rule, `registerOn`): the register
 * changes of the earlier school years by year, those of the day's school year up to the day.
 */
export const registerTotalsOn = (name: string): string => {
  const day = `{${name}:Date}`;
  const year = `toUInt16(${schoolYearOf(day)})`;
  return `${rollupTotals(
    `register_changes_${name}`,
    'register_changes',
    'school_code, level, final_grade, grade_base',
    [`change_year < ${year}`, `change_year = ${year} AND changed_on <= ${day}`],
  )},
register_${name} AS (
  SELECT school_code,
         level,
         toUInt8(least(final_grade, grade_base + ${year})) AS grade,
         sum(delta) AS students
  FROM register_changes_${name}
  GROUP BY school_code, level, grade
  HAVING students != 0
)`;
};
