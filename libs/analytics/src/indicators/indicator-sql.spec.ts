import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { INDICATORS, INDICATOR_NAMES } from './catalogue';
import type { IndicatorName } from './catalogue';
import { INDICATOR_DOCS_FILE, withCatalogueTable } from './indicator-docs';
import { INDICATOR_SQL_DIR, renderIndicatorSql } from './indicator-sql-files';
import { asOfNow, correctionOf } from './rollup-fragments';

const ROOT = join(__dirname, '..', '..', '..', '..');
const STALE = 'is stale: run `npm run sync:sql` and commit libs/analytics/sql';

describe('the committed indicator SQL (libs/analytics/sql)', () => {
  const files = renderIndicatorSql();

  it('has a figures and an events file for every indicator, and a monthly one where it has one', () => {
    const monthly = INDICATOR_NAMES.filter((name) => monthlySqlOf(name) !== undefined);
    expect(monthly).toContain('lesson-exchanges');
    expect(files.size).toBe(2 * INDICATOR_NAMES.length + monthly.length);
    for (const name of monthly)
      expect(files.has(`${INDICATOR_SQL_DIR}/${name}.monthly.sql`)).toBe(true);
  });

  it.each([...files.keys()])('%s matches the indicator source', (path) => {
    const target = join(ROOT, path);
    if (!existsSync(target)) throw new Error(`${path} is missing: ${STALE}`);
    if (readFileSync(target, 'utf8') !== files.get(path)) throw new Error(`${path} ${STALE}`);
  });

  it('holds no .sql file that no indicator produces', () => {
    const produced = new Set([...files.keys()].map((path) => basename(path)));
    const extra = readdirSync(join(ROOT, INDICATOR_SQL_DIR)).filter(
      (name) => name.endsWith('.sql') && !produced.has(name),
    );
    if (extra.length > 0) throw new Error(`${extra.join(', ')} ${STALE}`);
  });
});

describe('the catalogue table of docs/indicators.md', () => {
  it('lists every indicator of the catalogue as it describes itself', () => {
    const page = readFileSync(join(ROOT, INDICATOR_DOCS_FILE), 'utf8');
    if (withCatalogueTable(page) !== page) throw new Error(`${INDICATOR_DOCS_FILE} ${STALE}`);
    for (const name of INDICATOR_NAMES) expect(page).toContain(`| [\`${name}\`](#${name}) |`);
  });
});

const AS_OF = "recorded_at <= {asOf:DateTime64(3, 'UTC')}";

/**
 * The tables a query reads whose read is not followed by the as-of filter before the next read,
 * and that the query does not correct for what was recorded after asOf (a rollup's totals are
 * read whole, less the rows recorded after asOf: rollup-fragments.ts).
 */
function readsWithoutAsOf(sql: string): string[] {
  return sql
    .split('{db:Identifier}.')
    .slice(1)
    .map((read) => ({ read, table: read.split(/\s/, 1)[0] ?? read }))
    .filter(({ read, table }) => !read.includes(AS_OF) && !sql.includes(correctionOf(table)))
    .map(({ table }) => table);
}

/** The figures of a year's months in one query, where the indicator has it. */
const monthlySqlOf = (name: IndicatorName): string | undefined => INDICATORS[name].monthlySql;

/** Every figures query of every indicator: its figures SQL, and its monthly SQL if it has one. */
const FIGURES_QUERIES = INDICATOR_NAMES.flatMap((name) => {
  const monthly = monthlySqlOf(name);
  return [
    [`${name} figures`, INDICATORS[name].figuresSql] as const,
    ...(monthly === undefined ? [] : [[`${name} monthly`, monthly] as const]),
  ];
});

describe('every indicator query', () => {
  it.each(INDICATOR_NAMES)('%s counts only the events recorded up to asOf', (name) => {
    const { figuresSql, eventsSql } = INDICATORS[name];
    const monthlySql = monthlySqlOf(name);
    expect(figuresSql).toContain('{asOf:');
    expect(readsWithoutAsOf(figuresSql)).toEqual([]);
    expect(readsWithoutAsOf(eventsSql)).toEqual([]);
    if (monthlySql !== undefined) {
      expect(monthlySql).toContain('{asOf:');
      expect(readsWithoutAsOf(monthlySql)).toEqual([]);
    }
  });

  it.each(INDICATOR_NAMES.filter((name) => monthlySqlOf(name) !== undefined))(
    '%s has a monthly query only as a period indicator, naming the month of each row',
    (name) => {
      expect(INDICATORS[name].byPeriod).toBe(true);
      expect(monthlySqlOf(name)).toMatch(/\bAS month\b/);
    },
  );
});

describe('a question asked as of now', () => {
  it.each(FIGURES_QUERIES)('%s plans no as-of correction branch, and keeps the rest', (_, sql) => {
    const now = asOfNow(sql);
    expect(now).not.toContain('recorded_at >');
    expect(now).not.toContain('as-of correction');
    // Only the correction branches go: as many reads less as there were corrections.
    const corrections = sql.split('/* as-of correction */').length - 1;
    expect(now.split('{db:Identifier}.').length).toBe(
      sql.split('{db:Identifier}.').length - corrections,
    );
  });
});
