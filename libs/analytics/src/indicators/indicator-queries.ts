import type { AnalyticsClient } from '../client/analytics-client';
import type { IndicatorDefinition } from './indicator';
import { DEFAULT_FORMULA_SETTINGS, indicatorParameters } from './indicator-parameters';
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
      request.asOf === undefined ? figuresNowSql(indicator) : indicator.figuresSql,
      indicatorParameters(applicable(indicator, request), this.settings),
    );
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

/** What an indicator does not split by is not a filter on it. */
const nowSql = new WeakMap<IndicatorDefinition, string>();

/** An indicator's figures SQL for a question asked as of now (rollup-fragments.ts `asOfNow`). */
function figuresNowSql(indicator: IndicatorDefinition): string {
  let sql = nowSql.get(indicator);
  if (sql === undefined) {
    sql = asOfNow(indicator.figuresSql);
    nowSql.set(indicator, sql);
  }
  return sql;
}

function applicable(indicator: IndicatorDefinition, request: IndicatorRequest): IndicatorRequest {
  return {
    ...request,
    level: indicator.byLevel ? request.level : undefined,
    group: indicator.byGroup ? request.group : undefined,
    month: indicator.byPeriod ? request.month : undefined,
    term: indicator.byPeriod ? request.term : undefined,
  };
}
