import { NotFoundException } from '@nestjs/common';
import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Request } from 'express';
import type { DirectorySchool, Grain } from '@junheng/analytics';
import { RequirePermission } from '@junheng/identity';
import {
  AreaArgs,
  BreachesArgs,
  EventsArgs,
  IndicatorArgs,
  SchoolArgs,
  SeriesArgs,
} from './dashboard.args';
import { DashboardService } from './dashboard.service';
import type {
  BreachList,
  EventPage,
  IndicatorResult,
  Scorecard,
  Series,
  SeriesSpan,
} from './dashboard.service';
import type { AreaLevel } from './dashboard-scope';
import {
  AreaNodeType,
  BreachListType,
  EventPageType,
  FigureType,
  IndicatorDescriptionType,
  IndicatorResultType,
  LabelType,
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
const levelOfLength = (code: string): AreaLevel =>
  code.length === 2 ? 'province' : code.length === 4 ? 'city' : 'district';
const areaNode = (code: string): AreaNode => ({
  code,
  level: levelOfLength(code),
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

  @Query(() => SchoolNodeType, { description: 'a school inside your scope' })
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
    complexity: 5,
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
    complexity: 5,
  })
  async districts(@Parent() area: AreaNode, @Context('req') request: Request): Promise<AreaNode[]> {
    const schools = await this.dashboard.session(request).directory(area.code, undefined);
    return [...new Set(schools.map((school) => school.districtCode))].sort().map(areaNode);
  }

  @ResolveField(() => [SchoolNodeType], { description: 'the open schools inside', complexity: 5 })
  schools(@Parent() area: AreaNode, @Context('req') request: Request): Promise<DirectorySchool[]> {
    return this.dashboard.session(request).directory(area.code, undefined);
  }

  @ResolveField(() => IndicatorResultType, { complexity: 10 })
  indicator(
    @Parent() area: AreaNode,
    @Args() args: IndicatorArgs,
    @Context('req') request: Request,
  ): Promise<IndicatorResult> {
    const grain: Grain = args.grain ?? area.level;
    const scoped = this.dashboard.scope.question({
      area: area.code,
      grain,
      unit: grain === area.level ? area.code : undefined,
    });
    return this.dashboard.indicator(
      this.dashboard.session(request),
      args.indicator,
      scoped,
      questionOf(args),
    );
  }

  @ResolveField(() => ScorecardType, {
    description: 'every indicator of this area',
    complexity: 50,
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

  @ResolveField(() => SeriesType, { complexity: 50 })
  series(
    @Parent() area: AreaNode,
    @Args() args: SeriesArgs,
    @Context('req') request: Request,
  ): Promise<Series> {
    const scoped = this.dashboard.scope.question({
      area: area.code,
      grain: area.level,
      unit: area.code,
    });
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
    complexity: 50,
  })
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
    complexity: 20,
  })
  events(
    @Parent() area: AreaNode,
    @Args() args: EventsArgs,
    @Context('req') request: Request,
  ): Promise<EventPage> {
    const scoped = this.dashboard.scope.question({
      area: area.code,
      grain: area.level,
      unit: area.code,
    });
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

  @ResolveField(() => IndicatorResultType, { complexity: 10 })
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

  @ResolveField(() => ScorecardType, { complexity: 50 })
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

  @ResolveField(() => SeriesType, { complexity: 50 })
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

  @ResolveField(() => EventPageType, { complexity: 20 })
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
