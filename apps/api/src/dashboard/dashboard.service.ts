import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import {
  ANALYTICS_CLIENT,
  AnalyticsQueryTimeout,
  INDICATORS,
  INDICATOR_NAMES,
  IndicatorQueries,
  SCHOOL_YEAR_MONTHS,
  schoolDirectory,
} from '@junheng/analytics';
import type {
  AnalyticsClient,
  ContributingEvent,
  DirectorySchool,
  FigureRow,
  FormulaSettings,
  Grain,
  IndicatorFamily,
  IndicatorDefinition,
  IndicatorName,
  IndicatorRequest,
  IndicatorThresholds,
} from '@junheng/analytics';
import { isBoundedInstant } from '../security/instant';
import { RequestValidationException } from '../problem-details/request-validation.exception';
import { DashboardScope } from './dashboard-scope';
import type { AreaLevel, ScopedQuestion } from './dashboard-scope';
import { ReadRefusedException } from './dashboard.exceptions';
import { toFigure } from './figure';
import { FigureCache } from './figure-cache';
import type { Figure } from './figure';
import { commonPrefix, figureLoader } from './figure-loader';
import type { FigureKey } from './figure-loader';
import type { FigureQuestion } from './figure-question';
import { ProjectionProgress } from './projection-progress';
import type { Freshness, ProjectionState } from './projection-progress';

/** The first skeleton's answer: one district's lesson exchanges in one month (deprecated). */
export interface LessonExchangesOfMonth {
  readonly district: string;
  /** YYYY-MM */
  readonly month: string;
  readonly exchanges: number;
  /** 人次 */
  readonly attendees: number;
  readonly freshness: Freshness;
}

export const INDICATOR_SETTINGS = Symbol('INDICATOR_SETTINGS');

export interface IndicatorSettings {
  readonly thresholds: IndicatorThresholds;
  readonly formulas: FormulaSettings;
  /** The most engine time one read may take (JUNHENG_INDICATOR_QUERY_TIMEOUT_MS). */
  readonly queryTimeoutMs: number;
}

/** An indicator's figures for one question, labelled with how complete they are. */
export interface IndicatorResult {
  readonly indicator: IndicatorName;
  readonly title: string;
  readonly family: IndicatorFamily;
  readonly grain: Grain;
  /** The area the figures come from (a code prefix). */
  readonly area: string;
  /** The one unit asked for, or null for every unit of the grain inside the area. */
  readonly unit: string | null;
  readonly schoolYear: number;
  readonly month: number | null;
  readonly term: number | null;
  readonly level: string | null;
  readonly group: string | null;
  readonly asOf: string | null;
  readonly figures: readonly Figure[];
  /** How many figures breach their thresholds. */
  readonly breaches: number;
  readonly freshness: Freshness;
}

export interface IndicatorDescription {
  readonly name: IndicatorName;
  readonly title: string;
  readonly family: IndicatorFamily;
  readonly grains: Grain[];
  readonly byLevel: boolean;
  readonly byPeriod: boolean;
  readonly byGroup: boolean;
}

/** Every indicator of one area or school, for one question. */
export interface Scorecard {
  readonly unit: string;
  readonly grain: Grain;
  readonly indicators: readonly IndicatorResult[];
  readonly breaches: number;
  readonly freshness: Freshness;
}

export interface SeriesPoint {
  readonly schoolYear: number;
  readonly month: number | null;
  readonly figures: readonly Figure[];
}

export interface Series {
  readonly indicator: IndicatorName;
  readonly grain: Grain;
  readonly unit: string | null;
  readonly points: readonly SeriesPoint[];
  readonly freshness: Freshness;
}

/** A figure that breaches its thresholds, with the indicator it belongs to. */
export interface Breach {
  readonly indicator: IndicatorName;
  readonly title: string;
  readonly figure: Figure;
}

export interface BreachList {
  readonly area: string;
  readonly grain: Grain;
  readonly breaches: readonly Breach[];
  readonly freshness: Freshness;
}

export interface EventPage {
  readonly indicator: IndicatorName;
  readonly grain: Grain;
  readonly unit: string | null;
  readonly edges: ReadonlyArray<{ readonly cursor: string; readonly node: ContributingEvent }>;
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
  /** The recorded time every page of this listing is computed as of. */
  readonly asOf: string;
  readonly freshness: Freshness;
}

/** Where a series runs: over school years, or over the months of one school year. */
export type SeriesSpan =
  | { readonly by: 'year'; readonly fromYear: number; readonly toYear: number }
  | { readonly by: 'month' };

export { SCHOOL_YEAR_MONTHS };
export const MAX_SERIES_YEARS = 10;
export const MAX_EVENTS_PAGE = 500;

/**
 * What a request to the dashboard holds: the freshness read once (before any figure, so the
 * figures are at least as fresh as they claim), the figure loader that batches, and the
 * school directory by area.
 */
export class DashboardSession {
  private stateRead: Promise<ProjectionState> | undefined;
  private readonly directories: DataLoader<DirectoryKey, DirectorySchool[], string>;

  constructor(
    readonly figures: DataLoader<FigureKey, FigureRow[], string>,
    private readonly progress: ProjectionProgress,
    private readonly analytics: AnalyticsClient,
  ) {
    this.directories = directoryLoader(analytics);
  }

  /** Read-your-writes: waits for `minPosition` once; later reads share the answer. */
  state(minPosition?: number): Promise<ProjectionState> {
    if (minPosition !== undefined) {
      const waited = this.progress.waitFor(minPosition);
      this.stateRead = waited;
      return waited;
    }
    this.stateRead ??= this.progress.state();
    return this.stateRead;
  }

  async freshness(): Promise<Freshness> {
    return (await this.state()).freshness;
  }

  /** One open school, wherever it is: scope is judged on where it is found. */
  async school(schoolCode: string): Promise<DirectorySchool | undefined> {
    const [school] = await answeredInTime(
      schoolDirectory(this.analytics, { within: '', school: schoolCode }),
    );
    return school;
  }

  /**
   * The open schools within an area. Every area asked for in one tick (the districts of each
   * city of a province) is answered by one query, cut back per area.
   */
  directory(within: string, asOf: string | undefined): Promise<DirectorySchool[]> {
    return this.directories.load({ within, asOf });
  }
}

interface DirectoryKey {
  readonly within: string;
  readonly asOf: string | undefined;
}

function directoryLoader(
  analytics: AnalyticsClient,
): DataLoader<DirectoryKey, DirectorySchool[], string> {
  return new DataLoader<DirectoryKey, DirectorySchool[], string>(
    async (keys) => {
      const byAsOf = new Map<string | undefined, DirectoryKey[]>();
      for (const key of keys) byAsOf.set(key.asOf, [...(byAsOf.get(key.asOf) ?? []), key]);
      const answers = new Map<DirectoryKey, DirectorySchool[]>();
      await Promise.all(
        [...byAsOf].map(async ([asOf, group]) => {
          const schools = await answeredInTime(
            schoolDirectory(analytics, {
              within: commonPrefix(group.map((key) => key.within)),
              asOf,
            }),
          );
          for (const key of group) {
            answers.set(
              key,
              schools.filter((school) => school.districtCode.startsWith(key.within)),
            );
          }
        }),
      );
      return keys.map((key) => answers.get(key)!);
    },
    { cacheKeyFn: (key) => `${key.within}@${key.asOf ?? ''}` },
  );
}

/** A read the engine stopped at its time limit is the caller's problem to narrow: 503. */
async function answeredInTime<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof AnalyticsQueryTimeout) throw ReadRefusedException.tooSlow(error.limitMs);
    throw error;
  }
}

/** How many ClickHouse queries a scorecard of a unit at `level` issues: one per indicator shown. */
export function scorecardQueries(level: AreaLevel | 'school'): number {
  return INDICATOR_NAMES.filter((indicator) => scorecardGrain(indicator, level) !== null).length;
}

/** How many ClickHouse queries an area's breaches of `grain` issue: one per indicator of it. */
export function breachesQueries(grain: Grain): number {
  return INDICATOR_NAMES.filter((indicator) => {
    const grains: readonly Grain[] = INDICATORS[indicator].grains;
    return grains.includes(grain);
  }).length;
}

/** The scorecard's grain for an indicator inside an area of `level` (null: not shown). */
function scorecardGrain(indicator: IndicatorName, level: AreaLevel | 'school'): Grain | null {
  const grains: readonly Grain[] = INDICATORS[indicator].grains;
  if (grains.includes(level)) return level;
  // Budgets belong to programmes: an area's scorecard shows the programmes it owns.
  if (level !== 'school' && grains.includes('programme') && !grains.includes('district'))
    return 'programme';
  return null;
}

/**
 * The dashboard's reads: indicator figures judged by the configured thresholds, scorecards,
 * series, breaches and drill-down to events — scoped by the caller, batched per request, and
 * labelled with the projection's gap-free watermark.
 */
@Injectable()
export class DashboardService {
  private readonly queries: IndicatorQueries;
  /** Every dashboard read is bounded in engine time (JUNHENG_INDICATOR_QUERY_TIMEOUT_MS). */
  private readonly analytics: AnalyticsClient;
  private readonly sessions = new WeakMap<object, DashboardSession>();

  constructor(
    @Inject(ANALYTICS_CLIENT) analytics: AnalyticsClient,
    private readonly progress: ProjectionProgress,
    readonly scope: DashboardScope,
    @Inject(INDICATOR_SETTINGS) private readonly settings: IndicatorSettings,
    private readonly figureCache: FigureCache,
  ) {
    this.analytics = analytics.withReadLimits({ maxExecutionTimeMs: settings.queryTimeoutMs });
    this.queries = new IndicatorQueries(this.analytics, settings.formulas);
  }

  /** Every indicator, with what it is computed per and what narrows it. */
  catalogue(): IndicatorDescription[] {
    return INDICATOR_NAMES.map((name) => {
      const { title, family, grains, byLevel, byPeriod, byGroup } = INDICATORS[name];
      return { name, title, family, grains: [...grains], byLevel, byPeriod, byGroup };
    });
  }

  /** The session of one HTTP request (GraphQL or REST), created on first use. */
  session(request: object): DashboardSession {
    let session = this.sessions.get(request);
    if (session === undefined) {
      // Figures are memoised per projection version: the version this request reads at (its
      // freshness, read before any figure) is the version its figures are computed at.
      const figures = async <Row extends object>(
        indicator: IndicatorDefinition,
        question: IndicatorRequest,
      ): Promise<Row[]> => {
        const { version } = await opened.state();
        const rows = await this.figureCache.figures(version, indicator.name, question, () =>
          answeredInTime(this.queries.figures<FigureRow>(indicator, question)),
        );
        return rows as Row[];
      };
      // A year's months in one query go through the same cache, held month by month.
      const monthlyFigures = async <Row extends object>(
        indicator: IndicatorDefinition,
        question: IndicatorRequest,
      ): Promise<Map<number, Row[]>> => {
        const { version } = await opened.state();
        const months = await this.figureCache.months(version, indicator.name, question, () =>
          answeredInTime(this.queries.monthlyFigures<FigureRow>(indicator, question)),
        );
        return months as Map<number, Row[]>;
      };
      const opened = new DashboardSession(
        figureLoader({ figures, monthlyFigures }),
        this.progress,
        this.analytics,
      );
      session = opened;
      this.sessions.set(request, session);
    }
    return session;
  }

  async indicator(
    session: DashboardSession,
    indicator: IndicatorName,
    scoped: ScopedQuestion,
    question: FigureQuestion,
  ): Promise<IndicatorResult> {
    this.requireGrain(indicator, scoped.grain);
    const freshness = await session.freshness();
    const rows = await session.figures.load({ indicator, ...scoped, question });
    return this.result(indicator, scoped, question, rows, freshness);
  }

  /**
   * The first skeleton's question (a district's lesson exchanges in one month, `YYYY-MM`), kept
   * for its callers and answered by the catalogue's `lesson-exchanges` indicator like any other.
   */
  async lessonExchangesOfMonth(
    session: DashboardSession,
    district: string,
    month: string,
  ): Promise<LessonExchangesOfMonth> {
    const [year, monthOfYear] = month.split('-').map(Number) as [number, number];
    const scoped = this.scope.question({ area: district, grain: 'district', unit: district });
    const result = await this.indicator(session, 'lesson-exchanges', scoped, {
      schoolYear: monthOfYear >= 9 ? year : year - 1,
      month: monthOfYear,
    });
    const measures = result.figures[0]?.measures ?? {};
    return {
      district,
      month,
      exchanges: measures.exchanges ?? 0,
      attendees: measures.attendees ?? 0,
      freshness: result.freshness,
    };
  }

  /** Every indicator computed for the area (or school) itself. */
  async scorecard(
    session: DashboardSession,
    target:
      | { readonly area: string; readonly level: AreaLevel }
      | { readonly school: string; readonly district: string },
    question: FigureQuestion,
  ): Promise<Scorecard> {
    const freshness = await session.freshness();
    const level: AreaLevel | 'school' = 'school' in target ? 'school' : target.level;
    const unit = 'school' in target ? target.school : target.area;
    const within = 'school' in target ? target.district : target.area;
    const indicators = await Promise.all(
      INDICATOR_NAMES.flatMap((indicator) => {
        const grain = scorecardGrain(indicator, level);
        if (grain === null) return [];
        const scoped: ScopedQuestion =
          grain === 'programme' ? { within, grain } : { within, grain, unit };
        return [
          session.figures
            .load({ indicator, ...scoped, question })
            .then((rows) => this.result(indicator, scoped, question, rows, freshness)),
        ];
      }),
    );
    return {
      unit,
      grain: level,
      indicators,
      breaches: indicators.reduce((sum, result) => sum + result.breaches, 0),
      freshness,
    };
  }

  /**
   * A time series: one point per month of the school year or per school year, each the
   * figures of its own question. The points are asked of the session's loader together, so a
   * monthly series of an indicator with a monthly form (`monthlySql`) is one engine query,
   * held month by month in the figure cache; any other is one query per point.
   */
  async series(
    session: DashboardSession,
    indicator: IndicatorName,
    scoped: ScopedQuestion,
    question: FigureQuestion,
    span: SeriesSpan,
  ): Promise<Series> {
    this.requireGrain(indicator, scoped.grain);
    const points: FigureQuestion[] = [];
    if (span.by === 'month') {
      if (!INDICATORS[indicator].byPeriod) {
        throw new RequestValidationException([
          { field: 'by', reason: `${indicator} is computed per school year, not per month` },
        ]);
      }
      for (const month of SCHOOL_YEAR_MONTHS) points.push({ ...question, month, term: undefined });
    } else {
      if (span.toYear < span.fromYear || span.toYear - span.fromYear >= MAX_SERIES_YEARS) {
        throw new RequestValidationException([
          {
            field: 'toYear',
            reason: `a series spans 1 to ${MAX_SERIES_YEARS} school years from fromYear`,
          },
        ]);
      }
      for (let year = span.fromYear; year <= span.toYear; year += 1)
        points.push({ ...question, schoolYear: year });
    }
    const freshness = await session.freshness();
    const answers = await Promise.all(
      points.map((point) =>
        session.figures
          .load({ indicator, ...scoped, question: point })
          .then((rows) => this.result(indicator, scoped, point, rows, freshness)),
      ),
    );
    return {
      indicator,
      grain: scoped.grain,
      unit: scoped.unit ?? null,
      points: answers.map((answer) => ({
        schoolYear: answer.schoolYear,
        month: answer.month,
        figures: answer.figures,
      })),
      freshness,
    };
  }

  /** Every figure of `grain` inside the area that breaches a threshold, over all indicators. */
  async breaches(
    session: DashboardSession,
    scoped: ScopedQuestion,
    question: FigureQuestion,
  ): Promise<BreachList> {
    const { within: area, grain } = scoped;
    const freshness = await session.freshness();
    const results = await Promise.all(
      INDICATOR_NAMES.filter((indicator) => {
        const grains: readonly Grain[] = INDICATORS[indicator].grains;
        return grains.includes(grain);
      }).map((indicator) =>
        session.figures
          .load({ indicator, ...scoped, question })
          .then((rows) => this.result(indicator, scoped, question, rows, freshness)),
      ),
    );
    return {
      area,
      grain,
      breaches: results.flatMap((result) =>
        result.figures
          .filter((figure) => figure.breaches)
          .map((figure) => ({ indicator: result.indicator, title: result.title, figure })),
      ),
      freshness,
    };
  }

  /** The events behind the figures, a page at a time, every page as of the same instant. */
  async events(
    session: DashboardSession,
    indicator: IndicatorName,
    scoped: ScopedQuestion,
    question: FigureQuestion,
    page: { readonly first?: number; readonly after?: string },
  ): Promise<EventPage> {
    this.requireGrain(indicator, scoped.grain);
    const freshness = await session.freshness();
    const cursor = page.after === undefined ? null : decodeCursor(page.after);
    const asOf = cursor?.asOf ?? question.asOf ?? new Date().toISOString();
    const first = page.first ?? 100;
    const offset = cursor?.offset ?? 0;
    const events = await answeredInTime(
      this.queries.events(
        INDICATORS[indicator],
        { ...question, ...scoped, asOf },
        { limit: first + 1, offset },
      ),
    );
    const edges = events.slice(0, first).map((node, index) => ({
      cursor: encodeCursor({ offset: offset + index + 1, asOf }),
      node,
    }));
    return {
      indicator,
      grain: scoped.grain,
      unit: scoped.unit ?? null,
      edges,
      hasNextPage: events.length > first,
      endCursor: edges.at(-1)?.cursor ?? null,
      asOf,
      freshness,
    };
  }

  private requireGrain(indicator: IndicatorName, grain: Grain): void {
    const grains: readonly Grain[] = INDICATORS[indicator].grains;
    if (!grains.includes(grain)) {
      throw new RequestValidationException([
        { field: 'grain', reason: `${indicator} is computed per ${grains.join(', ')}` },
      ]);
    }
  }

  private result(
    indicator: IndicatorName,
    scoped: ScopedQuestion,
    question: FigureQuestion,
    rows: readonly FigureRow[],
    freshness: Freshness,
  ): IndicatorResult {
    const definition = INDICATORS[indicator];
    const { thresholds } = this.settings;
    const figures = rows.map((row) => toFigure(definition, row, scoped.grain, thresholds));
    return {
      indicator,
      title: definition.title,
      family: definition.family,
      grain: scoped.grain,
      area: scoped.within,
      unit: scoped.unit ?? null,
      schoolYear: question.schoolYear,
      month: definition.byPeriod ? (question.month ?? null) : null,
      term: definition.byPeriod ? (question.term ?? null) : null,
      level: definition.byLevel ? (question.level ?? null) : null,
      group: definition.byGroup ? (question.group ?? null) : null,
      asOf: question.asOf ?? null,
      figures,
      breaches: figures.filter((figure) => figure.breaches).length,
      freshness,
    };
  }
}

/** Far past any drill-down a person pages through; a cursor beyond it was not ours. */
const MAX_CURSOR_OFFSET = 10_000_000;

interface Cursor {
  readonly offset: number;
  readonly asOf: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.offset, cursor.asOf])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(decoded) &&
      decoded.length === 2 &&
      Number.isSafeInteger(decoded[0]) &&
      (decoded[0] as number) >= 0 &&
      (decoded[0] as number) <= MAX_CURSOR_OFFSET &&
      isBoundedInstant(decoded[1])
    ) {
      return { offset: decoded[0] as number, asOf: decoded[1] };
    }
  } catch {
    // Falls through to the validation problem below.
  }
  throw new RequestValidationException([
    { field: 'after', reason: 'after must be a cursor from an earlier page' },
  ]);
}
