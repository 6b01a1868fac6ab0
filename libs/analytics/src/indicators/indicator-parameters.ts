import type { Grain } from './indicator';

export type Level = 'primary' | 'junior';
export type UrbanRuralGroupName = 'urban' | 'town' | 'rural';

/** What a reader asks for. Every field but `grain` and `schoolYear` is optional. */
export interface IndicatorRequest {
  readonly grain: Grain;
  /** 学年: 2024 is 2024-09-01 .. 2025-08-31. Budget execution reads it as the fiscal year. */
  readonly schoolYear: number;
  /** A month of the school year (1-12), or a term (1: Sep-Jan, 2: Feb-Aug); else the whole year. */
  readonly month?: number;
  readonly term?: 1 | 2;
  /** The caller's scope as a code prefix ('44', '4403', '440311'); '' or absent: everything. */
  readonly within?: string;
  /** One unit of the grain (a school, district, city, province, pairing or programme code). */
  readonly unit?: string;
  readonly level?: Level;
  readonly group?: UrbanRuralGroupName;
  /** Only events recorded up to this instant count (ISO 8601); absent: everything so far. */
  readonly asOf?: string;
}

/** The configurable parts of the formulas (domain.md marks them *configurable*). */
export interface FormulaSettings {
  /** Whether deaths leave a consolidation rate's denominator (default: they do). */
  readonly deathsLeaveDenominator: boolean;
  /** A nine-year school's junior student weighs this much against a primary one (1 : 1.1). */
  readonly nineYearJuniorWeight: number;
  /** Which class a repeater counts in for cohort consolidation: the one they are in, or entered. */
  readonly repeatersCountIn: 'class' | 'entry';
}

export const DEFAULT_FORMULA_SETTINGS: FormulaSettings = {
  deathsLeaveDenominator: true,
  nineYearJuniorWeight: 1.1,
  repeatersCountIn: 'class',
};

/** The months of a school year in its order, September first (a request's `month`). */
export const SCHOOL_YEAR_MONTHS: readonly number[] = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8];

/** Far enough ahead to mean "everything recorded so far". */
const END_OF_TIME = '2199-12-31 23:59:59.999';

/** The named parameters every indicator query is given (sql-fragments.ts reads them). */
export function indicatorParameters(
  request: IndicatorRequest,
  settings: FormulaSettings,
  page: { limit: number; offset: number } = { limit: 1000, offset: 0 },
): Record<string, string | number> {
  const year = request.schoolYear;
  const yearStart = `${year}-09-01`;
  const yearEnd = `${year + 1}-08-31`;
  const [from, to] = periodOf(request);
  const asOf = asOfParameter(request.asOf);
  const asOfDay = asOf.slice(0, 10);
  const on = asOfDay < yearEnd ? (asOfDay < yearStart ? yearStart : asOfDay) : yearEnd;
  return {
    grain: request.grain,
    within: request.within ?? '',
    unit: request.unit ?? '',
    level: request.level ?? '',
    group: request.group ?? '',
    schoolYear: year,
    yearStart,
    yearEnd,
    from,
    to,
    // Snapshots "now" are taken on the as-of day when it falls inside the year.
    on,
    // The register is read at the end of the requested period, or on the as-of day before it.
    registerDay: to < on ? to : on,
    asOf,
    deathsLeaveDenominator: settings.deathsLeaveDenominator ? 1 : 0,
    repeatersCountIn: settings.repeatersCountIn === 'class' ? 1 : 0,
    juniorWeight: settings.nineYearJuniorWeight,
    limit: page.limit,
    offset: page.offset,
  };
}

/** The first and last day of the requested month, term or school year. */
export function periodOf(request: IndicatorRequest): [string, string] {
  const year = request.schoolYear;
  if (request.month !== undefined) {
    const calendarYear = request.month >= 9 ? year : year + 1;
    const first = new Date(Date.UTC(calendarYear, request.month - 1, 1));
    const last = new Date(Date.UTC(calendarYear, request.month, 0));
    return [day(first), day(last)];
  }
  if (request.term === 1) return [`${year}-09-01`, day(new Date(Date.UTC(year + 1, 1, 0)))];
  if (request.term === 2) return [`${year + 1}-02-01`, `${year + 1}-08-31`];
  return [`${year}-09-01`, `${year + 1}-08-31`];
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The `asOf` parameter of a query: only rows recorded up to it count (absent: all so far). */
export function asOfParameter(asOf: string | undefined): string {
  return asOf === undefined ? END_OF_TIME : clickhouseInstant(asOf);
}

function clickhouseInstant(iso: string): string {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`asOf "${iso}" is not an instant`);
  return instant.toISOString().replace('T', ' ').replace('Z', '');
}
