import { NotFoundException } from '@nestjs/common';
import { Args, Context, Extensions, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Complexity } from '@nestjs/graphql';
import type { Request } from 'express';
import type { DirectorySchool, Grain } from '@junheng/analytics';
import { RequirePermission } from '@junheng/identity';
import { ENGINE_QUERY_COST, PER_PARENT_QUERIES } from '../graphql/query-limits';
import type { PerParentQueries } from '../graphql/query-limits';
import {
  AreaArgs,
  BreachesArgs,
  EventsArgs,
  IndicatorArgs,
  LessonExchangeIndicatorQuery,
  SchoolArgs,
  SeriesArgs,
} from './dashboard.args';
import {
  DashboardService,
  MAX_SERIES_YEARS,
  SCHOOL_YEAR_MONTHS,
  breachesQueries,
  scorecardQueries,
} from './dashboard.service';
import type {
  BreachList,
  EventPage,
  IndicatorResult,
  LessonExchangesOfMonth,
  Scorecard,
  Series,
  SeriesSpan,
} from './dashboard.service';
import { areaLevelOf } from './dashboard-scope';
import type { AreaLevel } from './dashboard-scope';
import {
  AreaNodeType,
  BreachListType,
  EventPageType,
  FigureType,
  IndicatorDescriptionType,
  IndicatorResultType,
  LabelType,
  LessonExchangeIndicatorType,
  MeasureType,
  ScorecardType,
  SchoolNodeType,
  SeriesType,
} from './dashboard.types';
import type { Figure } from './figure';
import { FigureQuestion } from './figure-question';

/** A node of the area tree, as the resolvers pass it on. */
export interface AreaNode {
  readonly code: string;
  readonly level: AreaLevel;
  readonly parentCode: string | null;
}

const parentOf = (code: string): string | null => (code.length > 2 ? code.slice(0, -2) : null);
/** A node of an area the directory or the scope has shown to exist (so its code is valid). */
const areaNode = (code: string): AreaNode => ({
  code,
  level: areaLevelOf(code) ?? 'district',
  parentCode: parentOf(code),
});

export function seriesSpan(args: {
  by?: 'year' | 'month';
  fromYear?: number;
  schoolYear: number;
}): SeriesSpan {
  return args.by === 'month'
    ? { by: 'month' }
    : { by: 'year', fromYear: args.fromYear ?? args.schoolYear, toYear: args.schoolYear };
}

/**
 * The declared cost of a field answered by `queries` ClickHouse queries for its question
 * (ENGINE_QUERY_COST each; docs/api.md, GraphQL limits), plus what is selected under it.
 */
const engineQueries =
  (queries: number | ((args: Record<string, unknown>) => number)): Complexity =>
  ({ args, childComplexity }) =>
    ENGINE_QUERY_COST * (typeof queries === 'number' ? queries : queries(args)) + childComplexity;

/** An area's scorecard: one query per indicator shown, at whichever level the area is. */
const AREA_SCORECARD_QUERIES = Math.max(
  ...(['province', 'city', 'district'] as const).map(scorecardQueries),
);

/**
 * A series: at most one query per point (the months of a school year, or its school years).
 * A monthly series of an indicator with a monthly form is one query, but is declared at the
 * bound all the same: a query's cost does not depend on which indicator it names.
 */
function seriesPoints(args: Record<string, unknown>): number {
  if (args.by === 'month') return SCHOOL_YEAR_MONTHS.length;
  const to = Number(args.schoolYear);
  const from = args.fromYear === undefined || args.fromYear === null ? to : Number(args.fromYear);
  const points = to - from + 1;
  // A span beyond the limit is refused when it runs; an unreadable one counts as the longest.
  return Number.isInteger(points) && points >= 1
    ? Math.min(points, MAX_SERIES_YEARS)
    : MAX_SERIES_YEARS;
}

/** Each parent asks its own (unbatched) queries: refused under a list (query-limits.ts). */
const perParent = (decides: PerParentQueries) => Extensions({ [PER_PARENT_QUERIES]: decides });

/** An area's figures at another grain list units inside it: one query for each area asked. */
const otherGrain = (args: Record<string, unknown>): boolean =>
  args.grain !== undefined && args.grain !== null && args.grain !== 'programme';

/** GraphQL passes an argument given as null as null: the question knows only "absent". */
export function questionOf(args: FigureQuestion): FigureQuestion {
  const { schoolYear, month, term, level, group, asOf } = args;
  return {
    schoolYear,
    month: month ?? undefined,
    term: term ?? undefined,
    level: level ?? undefined,
    group: group ?? undefined,
    asOf: asOf ?? undefined,
  };
}

/** The dashboard's entry points: an area, a school, and what indicators there are. */
@Resolver()
export class DashboardResolver {
  constructor(private readonly dashboard: DashboardService) {}

  @Query(() => AreaNodeType, {
    description: 'a province, city or district inside your scope (default: your own)',
  })
  @RequirePermission('indicators:read')
  async area(@Args() args: AreaArgs, @Context('req') request: Request): Promise<AreaNode> {
    const area = this.dashboard.scope.area(args.code);
    await this.dashboard.session(request).state(args.minPosition);
    return areaNode(area.code);
  }

  @Query(() => SchoolNodeType, {
    description: 'a school inside your scope',
    complexity: engineQueries(1),
  })
  @RequirePermission('indicators:read')
  async school(
    @Args() args: SchoolArgs,
    @Context('req') request: Request,
  ): Promise<DirectorySchool> {
    const session = this.dashboard.session(request);
    await session.state(args.minPosition);
    const school = await session.school(args.code);
    if (school === undefined) throw new NotFoundException(`No open school ${args.code}`);
    this.dashboard.scope.school(school.schoolCode, school.districtCode);
    return school;
  }

  @Query(() => LessonExchangeIndicatorType, {
    description: 'Lesson exchanges of a district in a month',
    deprecationReason: 'Area.indicator(indicator: LESSON_EXCHANGES, month: …) answers it',
    complexity: engineQueries(1),
  })
  @RequirePermission('indicators:read')
  lessonExchangeIndicator(
    @Args() query: LessonExchangeIndicatorQuery,
    @Context('req') request: Request,
  ): Promise<LessonExchangesOfMonth> {
    return this.dashboard.lessonExchangesOfMonth(
      this.dashboard.session(request),
      query.district,
      query.month,
    );
  }

  @Query(() => [IndicatorDescriptionType], { description: 'every indicator (docs/indicators.md)' })
  @RequirePermission('indicators:read')
  indicatorCatalogue(): IndicatorDescriptionType[] {
    return this.dashboard.catalogue();
  }
}

@Resolver(() => AreaNodeType)
export class AreaNodeResolver {
  constructor(private readonly dashboard: DashboardService) {}

  @ResolveField(() => [AreaNodeType], {
    description: 'the cities of a province, the districts of a city (with schools)',
    complexity: engineQueries(1),
  })
  async children(@Parent() area: AreaNode, @Context('req') request: Request): Promise<AreaNode[]> {
    if (area.level === 'district') return [];
    const schools = await this.dashboard.session(request).directory(area.code, undefined);
    const codes = new Set(
      schools.map((school) => school.districtCode.slice(0, area.code.length + 2)),
    );
    return [...codes].sort().map(areaNode);
  }

  @ResolveField(() => [AreaNodeType], {
    description: 'every district inside, with schools',
    complexity: engineQueries(1),
  })
  async districts(@Parent() area: AreaNode, @Context('req') request: Request): Promise<AreaNode[]> {
    const schools = await this.dashboard.session(request).directory(area.code, undefined);
    return [...new Set(schools.map((school) => school.districtCode))].sort().map(areaNode);
  }

  @ResolveField(() => [SchoolNodeType], {
    description: 'the open schools inside',
    complexity: engineQueries(1),
  })
  schools(@Parent() area: AreaNode, @Context('req') request: Request): Promise<DirectorySchool[]> {
    return this.dashboard.session(request).directory(area.code, undefined);
  }

  @ResolveField(() => IndicatorResultType, { complexity: engineQueries(1) })
  @perParent(otherGrain)
  indicator(
    @Parent() area: AreaNode,
    @Args() args: IndicatorArgs,
    @Context('req') request: Request,
  ): Promise<IndicatorResult> {
    const scoped = this.dashboard.scope.ask({ area: area.code, grain: args.grain ?? undefined });
    return this.dashboard.indicator(
      this.dashboard.session(request),
      args.indicator,
      scoped,
      questionOf(args),
    );
  }

  @ResolveField(() => ScorecardType, {
    description: 'every indicator of this area',
    complexity: engineQueries(AREA_SCORECARD_QUERIES),
  })
  scorecard(
    @Parent() area: AreaNode,
    @Args() args: FigureQuestion,
    @Context('req') request: Request,
  ): Promise<Scorecard> {
    return this.dashboard.scorecard(
      this.dashboard.session(request),
      { area: area.code, level: area.level },
      questionOf(args),
    );
  }

  @ResolveField(() => SeriesType, { complexity: engineQueries(seriesPoints) })
  series(
    @Parent() area: AreaNode,
    @Args() args: SeriesArgs,
    @Context('req') request: Request,
  ): Promise<Series> {
    const scoped = this.dashboard.scope.ask({ area: area.code });
    return this.dashboard.series(
      this.dashboard.session(request),
      args.indicator,
      scoped,
      questionOf(args),
      seriesSpan(args),
    );
  }

  @ResolveField(() => BreachListType, {
    description: 'every breaching figure inside',
    complexity: engineQueries((args) => breachesQueries(args.grain as Grain)),
  })
  @perParent((args) => args.grain !== 'programme')
  breaches(
    @Parent() area: AreaNode,
    @Args() args: BreachesArgs,
    @Context('req') request: Request,
  ): Promise<BreachList> {
    const scoped = this.dashboard.scope.question({ area: area.code, grain: args.grain });
    return this.dashboard.breaches(this.dashboard.session(request), scoped, questionOf(args));
  }

  @ResolveField(() => EventPageType, {
    description: 'the events behind this area’s figure',
    complexity: engineQueries(1),
  })
  @perParent(true)
  events(
    @Parent() area: AreaNode,
    @Args() args: EventsArgs,
    @Context('req') request: Request,
  ): Promise<EventPage> {
    const scoped = this.dashboard.scope.ask({ area: area.code });
    return this.dashboard.events(
      this.dashboard.session(request),
      args.indicator,
      scoped,
      questionOf(args),
      { first: args.first ?? undefined, after: args.after ?? undefined },
    );
  }
}

@Resolver(() => SchoolNodeType)
export class SchoolNodeResolver {
  constructor(private readonly dashboard: DashboardService) {}

  private scoped(school: DirectorySchool) {
    return this.dashboard.scope.question({
      area: school.districtCode,
      grain: 'school',
      unit: school.schoolCode,
    });
  }

  @ResolveField(() => IndicatorResultType, { complexity: engineQueries(1) })
  indicator(
    @Parent() school: DirectorySchool,
    @Args() args: IndicatorArgs,
    @Context('req') request: Request,
  ): Promise<IndicatorResult> {
    return this.dashboard.indicator(
      this.dashboard.session(request),
      args.indicator,
      this.scoped(school),
      questionOf(args),
    );
  }

  @ResolveField(() => ScorecardType, { complexity: engineQueries(scorecardQueries('school')) })
  scorecard(
    @Parent() school: DirectorySchool,
    @Args() args: FigureQuestion,
    @Context('req') request: Request,
  ): Promise<Scorecard> {
    return this.dashboard.scorecard(
      this.dashboard.session(request),
      { school: school.schoolCode, district: school.districtCode },
      questionOf(args),
    );
  }

  @ResolveField(() => SeriesType, { complexity: engineQueries(seriesPoints) })
  series(
    @Parent() school: DirectorySchool,
    @Args() args: SeriesArgs,
    @Context('req') request: Request,
  ): Promise<Series> {
    return this.dashboard.series(
      this.dashboard.session(request),
      args.indicator,
      this.scoped(school),
      questionOf(args),
      seriesSpan(args),
    );
  }

  @ResolveField(() => EventPageType, { complexity: engineQueries(1) })
  @perParent(true)
  events(
    @Parent() school: DirectorySchool,
    @Args() args: EventsArgs,
    @Context('req') request: Request,
  ): Promise<EventPage> {
    return this.dashboard.events(
      this.dashboard.session(request),
      args.indicator,
      this.scoped(school),
      questionOf(args),
      { first: args.first ?? undefined, after: args.after ?? undefined },
    );
  }
}

const entries = (record: Readonly<Record<string, number | null>>): MeasureType[] =>
  Object.entries(record).map(([name, value]) => ({ name, value }));

/** GraphQL has no maps: a figure's measures are name-value lists. */
@Resolver(() => FigureType)
export class FigureResolver {
  @ResolveField(() => [MeasureType])
  measures(@Parent() figure: Figure): MeasureType[] {
    return entries(figure.measures);
  }

  @ResolveField(() => [MeasureType])
  breakdown(@Parent() figure: Figure): MeasureType[] {
    return entries(figure.breakdown);
  }

  @ResolveField(() => [LabelType])
  labels(@Parent() figure: Figure): LabelType[] {
    return Object.entries(figure.labels).map(([name, value]) => ({ name, value }));
  }
}
