import type { AnalyticsClient } from '../client/analytics-client';
import type { IndicatorDefinition } from './indicator';
import {
  DEFAULT_FORMULA_SETTINGS,
  SCHOOL_YEAR_MONTHS,
  indicatorParameters,
} from './indicator-parameters';
import type { FormulaSettings, IndicatorRequest } from './indicator-parameters';
import { asOfNow } from './rollup-fragments';

/** One event behind a figure: which school's figure, which part of the formula. */
export interface ContributingEvent {
  readonly unit: string;
  readonly schoolCode: string;
  readonly level: string;
  readonly measure: string;
  readonly eventId: string;
}

/** Whether `monthlyFigures` answers every month of a school year of `indicator` in one query. */
export function hasMonthlyFigures(indicator: IndicatorDefinition): boolean {
  return indicator.byPeriod && indicator.monthlySql !== undefined;
}

/**
 * Runs indicator SQL on the analytics engine. The SQL returns the figures' components and the
 * formula's result; thresholds are applied by the caller (indicator-thresholds.ts), so the
 * same figures can be judged by another province's rules.
 */
export class IndicatorQueries {
  constructor(
    private readonly analytics: AnalyticsClient,
    private readonly settings: FormulaSettings = DEFAULT_FORMULA_SETTINGS,
  ) {}

  async figures<Row extends object>(
    indicator: IndicatorDefinition,
    request: IndicatorRequest,
  ): Promise<Row[]> {
    this.requireGrain(indicator, request);
    return this.analytics.query<Row>(
      request.asOf === undefined
        ? asOfNowSql(figuresNow, indicator, indicator.figuresSql)
        : indicator.figuresSql,
      indicatorParameters(applicable(indicator, request), this.settings),
    );
  }

  /**
   * The figures of every month of the school year of `request` (its month and term are not
   * read), by month in the school year's order, every month present: from the indicator's
   * `monthlySql` in one query, each month's rows as `figures` answers that month — the same
   * rows in the same order, without the `month` column. Refuses an indicator without
   * `monthlySql`: its months are asked one `figures` query each.
   */
  async monthlyFigures<Row extends object>(
    indicator: IndicatorDefinition,
    request: IndicatorRequest,
  ): Promise<Map<number, Row[]>> {
    this.requireGrain(indicator, request);
    const { monthlySql } = indicator;
    if (!indicator.byPeriod || monthlySql === undefined) {
      throw new RangeError(`${indicator.name} has no monthly figures query`);
    }
    const rows = await this.analytics.query<Row & { readonly month: number }>(
      request.asOf === undefined ? asOfNowSql(monthlyNow, indicator, monthlySql) : monthlySql,
      indicatorParameters(
        applicable(indicator, { ...request, month: undefined, term: undefined }),
        this.settings,
      ),
    );
    const byMonth = new Map<number, Row[]>(SCHOOL_YEAR_MONTHS.map((month) => [month, []]));
    for (const { month, ...row } of rows) {
      const answer = byMonth.get(Number(month));
      if (answer === undefined) {
        throw new RangeError(`${indicator.name}: monthly figures for no month (${String(month)})`);
      }
      // The rest of the row is exactly a figures row: the month column is the only one added.
      answer.push(row as unknown as Row);
    }
    return byMonth;
  }

  /**
   * The same figures computed directly from the fact tables, student by student, for an
   * indicator read from rollups (`factsSql`); the rollups' own answer for any other. Slow by
   * design: the check that a rollup agrees with its facts, not a dashboard read.
   */
  async figuresFromFacts<Row extends object>(
    indicator: IndicatorDefinition,
    request: IndicatorRequest,
  ): Promise<Row[]> {
    this.requireGrain(indicator, request);
    return this.analytics.query<Row>(
      indicator.factsSql ?? indicator.figuresSql,
      indicatorParameters(applicable(indicator, request), this.settings),
    );
  }

  /** The events behind the figures of `request` (narrow it with `unit`), a page at a time. */
  async events(
    indicator: IndicatorDefinition,
    request: IndicatorRequest,
    page: { limit: number; offset: number } = { limit: 1000, offset: 0 },
  ): Promise<ContributingEvent[]> {
    this.requireGrain(indicator, request);
    const rows = await this.analytics.query<{
      unit: string;
      school_code: string;
      level: string;
      measure: string;
      event_id: string;
    }>(
      indicator.eventsSql,
      indicatorParameters(applicable(indicator, request), this.settings, page),
    );
    return rows.map((row) => ({
      unit: row.unit,
      schoolCode: row.school_code,
      level: row.level,
      measure: row.measure,
      eventId: row.event_id,
    }));
  }

  private requireGrain(indicator: IndicatorDefinition, request: IndicatorRequest): void {
    if (!indicator.grains.includes(request.grain)) {
      throw new RangeError(`${indicator.name} is not computed per ${request.grain}`);
    }
  }
}

/** Each indicator's figures and monthly SQL asked as of now, rewritten once. */
const figuresNow = new WeakMap<IndicatorDefinition, string>();
const monthlyNow = new WeakMap<IndicatorDefinition, string>();

/** `sql` of `indicator` for a question asked as of now (rollup-fragments.ts `asOfNow`). */
function asOfNowSql(
  rewritten: WeakMap<IndicatorDefinition, string>,
  indicator: IndicatorDefinition,
  sql: string,
): string {
  let now = rewritten.get(indicator);
  if (now === undefined) {
    now = asOfNow(sql);
    rewritten.set(indicator, now);
  }
  return now;
}

/** What an indicator does not split by is not a filter on it. */
function applicable(indicator: IndicatorDefinition, request: IndicatorRequest): IndicatorRequest {
  return {
    ...request,
    level: indicator.byLevel ? request.level : undefined,
    group: indicator.byGroup ? request.group : undefined,
    month: indicator.byPeriod ? request.month : undefined,
    term: indicator.byPeriod ? request.term : undefined,
  };
}
