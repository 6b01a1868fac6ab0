import { ArgsType, Field, Float, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { INDICATOR_NAMES } from '@junheng/analytics';
import type { Grain, IndicatorName } from '@junheng/analytics';
import { FigureGrainEnum, IndicatorNameEnum } from './dashboard.types';
import { FigureQuestion } from './figure-question';
import { MAX_EVENTS_PAGE, MAX_SERIES_YEARS } from './dashboard.service';

const GRAINS = Object.values(FigureGrainEnum);
const AREA_CODE = /^[1-9]\d(\d{2}){0,2}$/;
const UNIT_CODE = /^[\w.:-]{1,100}$/;

/** `area(code, minPosition)`: a province, city or district; default the caller's own. */
@ArgsType()
export class AreaArgs {
  @Field(() => String, { nullable: true, description: "'44', '4403' or '440311'" })
  @IsOptional()
  @Matches(AREA_CODE, { message: 'code must be a 2-, 4- or 6-digit administrative code' })
  code?: string;

  @Field(() => Float, { nullable: true, description: 'read-your-writes: see minPosition' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

/** `school(code, minPosition)`. */
@ArgsType()
export class SchoolArgs {
  @Field({ description: '学校标识码, ten digits' })
  @Matches(/^\d{10}$/, { message: 'code must be a 10-digit school code' })
  code!: string;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

/** An indicator's figures: of the node itself, or of every unit of a finer grain inside it. */
@ArgsType()
export class IndicatorArgs extends FigureQuestion {
  @Field(() => IndicatorNameEnum)
  @IsIn(INDICATOR_NAMES)
  indicator!: IndicatorName;

  @Field(() => FigureGrainEnum, {
    nullable: true,
    description: "default: the node's own figure; a finer grain lists its units inside the node",
  })
  @IsOptional()
  @IsIn(GRAINS)
  grain?: Grain;
}

@ArgsType()
export class SeriesArgs extends FigureQuestion {
  @Field(() => IndicatorNameEnum)
  @IsIn(INDICATOR_NAMES)
  indicator!: IndicatorName;

  @Field(() => String, {
    nullable: true,
    description: 'month: the months of schoolYear; year (default): fromYear .. schoolYear',
  })
  @IsOptional()
  @IsIn(['year', 'month'])
  by?: 'year' | 'month';

  @Field(() => Int, {
    nullable: true,
    description: `first school year of a yearly series (at most ${MAX_SERIES_YEARS} years)`,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fromYear?: number;
}

@ArgsType()
export class BreachesArgs extends FigureQuestion {
  @Field(() => FigureGrainEnum, { description: 'whose figures to judge: school, district, …' })
  @IsIn(GRAINS)
  grain!: Grain;
}

@ArgsType()
export class EventsArgs extends FigureQuestion {
  @Field(() => IndicatorNameEnum)
  @IsIn(INDICATOR_NAMES)
  indicator!: IndicatorName;

  @Field(() => Int, { nullable: true, description: `page size, 1 to ${MAX_EVENTS_PAGE} (100)` })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_EVENTS_PAGE)
  first?: number;

  @Field(() => String, { nullable: true, description: 'the endCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[\w-]{1,200}$/, { message: 'after must be a cursor from an earlier page' })
  after?: string;
}

// REST query strings: the same questions, with the area, grain and unit in the query.

export class RestFigureQuery extends FigureQuestion {
  @IsOptional()
  @Matches(AREA_CODE, { message: 'area must be a 2-, 4- or 6-digit administrative code' })
  area?: string;

  @IsOptional()
  @IsIn(GRAINS)
  grain?: Grain;

  @IsOptional()
  @Matches(UNIT_CODE, { message: 'unit must be a school, area, pairing or programme code' })
  unit?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

export class RestSeriesQuery extends RestFigureQuery {
  @IsOptional()
  @IsIn(['year', 'month'])
  by?: 'year' | 'month';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fromYear?: number;
}

export class RestEventsQuery extends RestFigureQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_EVENTS_PAGE)
  first?: number;

  @IsOptional()
  @Matches(/^[\w-]{1,200}$/, { message: 'after must be a cursor from an earlier page' })
  after?: string;
}

export class RestAreaQuery extends FigureQuestion {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

export class RestBreachesQuery extends RestAreaQuery {
  @IsIn(GRAINS)
  grain!: Grain;
}

/** The directory needs no school year. */
export class RestDirectoryQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

/**
 * The first skeleton's question, GET /v1/indicators/lesson-exchanges?district=440311&month=2024-10
 * and its GraphQL query: deprecated, answered by the catalogue's `lesson-exchanges` indicator.
 */
@ArgsType()
export class LessonExchangeIndicatorQuery {
  @Field({ description: '6-digit county code' })
  @Matches(/^[1-9]\d{5}$/, { message: 'district must be a 6-digit county code' })
  district!: string;

  @Field({ description: 'YYYY-MM' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month!: string;
}
