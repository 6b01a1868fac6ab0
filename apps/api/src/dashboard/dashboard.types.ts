import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { INDICATOR_NAMES } from '@junheng/analytics';
import type { ContributingEvent, IndicatorName } from '@junheng/analytics';
import type { LessonExchangesOfMonth } from './dashboard.service';
import type { ValueUnit } from './figure';
import type { Freshness } from './projection-progress';

/** GraphQL names the indicators in capitals: COHORT_CONSOLIDATION is cohort-consolidation. */
export const IndicatorNameEnum = Object.fromEntries(
  INDICATOR_NAMES.map((name) => [name.toUpperCase().replace(/-/g, '_'), name]),
) as Record<string, IndicatorName>;
registerEnumType(IndicatorNameEnum, {
  name: 'IndicatorName',
  description: 'docs/indicators.md describes each one',
});

@ApiSchema({ name: 'Freshness' })
@ObjectType('Freshness', { description: 'How far the projection has applied the log' })
export class FreshnessType implements Freshness {
  @Field(() => Float)
  @ApiProperty({ type: 'integer' })
  transactionId!: number;

  @Field(() => Float)
  @ApiProperty({ type: 'integer' })
  globalPosition!: number;

  @Field(() => String, { nullable: true, description: 'recorded time of the last event applied' })
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'recorded time of the last event applied',
  })
  recordedAt!: string | null;
}

export const FigureGrainEnum = {
  SCHOOL: 'school',
  DISTRICT: 'district',
  CITY: 'city',
  PROVINCE: 'province',
  PAIRING: 'pairing',
  PROGRAMME: 'programme',
} as const;
registerEnumType(FigureGrainEnum, { name: 'FigureGrain' });

@ObjectType('Measure', { description: 'a named component of a formula' })
export class MeasureType {
  @Field()
  name!: string;

  @Field(() => Float, { nullable: true })
  value!: number | null;
}

@ObjectType('Label')
export class LabelType {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@ObjectType('Figure', { description: 'one figure of an indicator, judged by its thresholds' })
export class FigureType {
  @Field({ description: 'school, district, city, province, pairing or programme code' })
  unit!: string;

  @Field(() => String, { nullable: true, description: 'primary | junior' })
  level!: string | null;

  @Field(() => String, { nullable: true, description: 'the resource of a CV row, a school' })
  dimension!: string | null;

  @Field(() => Float, { nullable: true, description: 'the headline value' })
  value!: number | null;

  @Field(() => String, { description: 'percent | coefficient | ratio | count | yuan' })
  valueUnit!: ValueUnit;

  @Field(() => [MeasureType], { description: 'every component of the formula' })
  measures!: MeasureType[];

  @Field(() => [MeasureType], { description: 'out-of-school by reason, a school’s resources' })
  breakdown!: MeasureType[];

  @Field(() => [LabelType])
  labels!: LabelType[];

  @Field()
  breaches!: boolean;

  @Field(() => [String], { description: 'the thresholds breached, e.g. coverage-below-10' })
  rules!: string[];
}

/** REST's figure: the measures as an object. */
@ApiSchema({ name: 'Figure' })
export class FigureDocument {
  @ApiProperty({ example: '440311' })
  unit!: string;

  @ApiProperty({ type: String, nullable: true, enum: ['primary', 'junior'] })
  level!: string | null;

  @ApiProperty({ type: String, nullable: true })
  dimension!: string | null;

  @ApiProperty({ type: Number, nullable: true })
  value!: number | null;

  @ApiProperty({ enum: ['percent', 'coefficient', 'ratio', 'count', 'yuan'] })
  valueUnit!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    example: { entrants: 120, graduates: 114, cohortSize: 118 },
  })
  measures!: Record<string, number | null>;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } })
  breakdown!: Record<string, number>;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  labels!: Record<string, string>;

  @ApiProperty()
  breaches!: boolean;

  @ApiProperty({ type: [String], example: ['junior-dropout-not-below-2'] })
  rules!: string[];
}

@ApiSchema({ name: 'IndicatorResult' })
@ObjectType('IndicatorResult')
export class IndicatorResultType {
  @Field(() => IndicatorNameEnum)
  @ApiProperty({ enum: INDICATOR_NAMES })
  indicator!: IndicatorName;

  @Field()
  @ApiProperty({ example: '辍学率' })
  title!: string;

  @Field()
  @ApiProperty()
  family!: string;

  @Field(() => FigureGrainEnum)
  @ApiProperty({ enum: Object.values(FigureGrainEnum) })
  grain!: string;

  @Field({ description: 'the area the figures come from' })
  @ApiProperty({ example: '4403' })
  area!: string;

  @Field(() => String, { nullable: true })
  @ApiProperty({ type: String, nullable: true })
  unit!: string | null;

  @Field(() => Int)
  @ApiProperty()
  schoolYear!: number;

  @Field(() => Int, { nullable: true })
  @ApiProperty({ type: Number, nullable: true })
  month!: number | null;

  @Field(() => Int, { nullable: true })
  @ApiProperty({ type: Number, nullable: true })
  term!: number | null;

  @Field(() => String, { nullable: true })
  @ApiProperty({ type: String, nullable: true })
  level!: string | null;

  @Field(() => String, { nullable: true })
  @ApiProperty({ type: String, nullable: true })
  group!: string | null;

  @Field(() => String, { nullable: true })
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  asOf!: string | null;

  @Field(() => [FigureType])
  @ApiProperty({ type: [FigureDocument] })
  figures!: FigureType[];

  @Field(() => Int, { description: 'how many figures breach their thresholds' })
  @ApiProperty()
  breaches!: number;

  @Field(() => FreshnessType)
  @ApiProperty({ type: () => FreshnessType })
  freshness!: FreshnessType;
}

@ApiSchema({ name: 'Scorecard' })
@ObjectType('Scorecard')
export class ScorecardType {
  @Field()
  @ApiProperty()
  unit!: string;

  @Field(() => FigureGrainEnum)
  @ApiProperty({ enum: Object.values(FigureGrainEnum) })
  grain!: string;

  @Field(() => [IndicatorResultType])
  @ApiProperty({ type: [IndicatorResultType] })
  indicators!: IndicatorResultType[];

  @Field(() => Int)
  @ApiProperty()
  breaches!: number;

  @Field(() => FreshnessType)
  @ApiProperty({ type: () => FreshnessType })
  freshness!: FreshnessType;
}

@ApiSchema({ name: 'SeriesPoint' })
@ObjectType('SeriesPoint')
export class SeriesPointType {
  @Field(() => Int)
  @ApiProperty()
  schoolYear!: number;

  @Field(() => Int, { nullable: true })
  @ApiProperty({ type: Number, nullable: true })
  month!: number | null;

  @Field(() => [FigureType])
  @ApiProperty({ type: [FigureDocument] })
  figures!: FigureType[];
}

@ApiSchema({ name: 'Series' })
@ObjectType('Series')
export class SeriesType {
  @Field(() => IndicatorNameEnum)
  @ApiProperty({ enum: INDICATOR_NAMES })
  indicator!: IndicatorName;

  @Field(() => FigureGrainEnum)
  @ApiProperty({ enum: Object.values(FigureGrainEnum) })
  grain!: string;

  @Field(() => String, { nullable: true })
  @ApiProperty({ type: String, nullable: true })
  unit!: string | null;

  @Field(() => [SeriesPointType])
  @ApiProperty({ type: [SeriesPointType] })
  points!: SeriesPointType[];

  @Field(() => FreshnessType)
  @ApiProperty({ type: () => FreshnessType })
  freshness!: FreshnessType;
}

@ApiSchema({ name: 'Breach' })
@ObjectType('Breach')
export class BreachType {
  @Field(() => IndicatorNameEnum)
  @ApiProperty({ enum: INDICATOR_NAMES })
  indicator!: IndicatorName;

  @Field()
  @ApiProperty()
  title!: string;

  @Field(() => FigureType)
  @ApiProperty({ type: FigureDocument })
  figure!: FigureType;
}

@ApiSchema({ name: 'BreachList' })
@ObjectType('BreachList')
export class BreachListType {
  @Field()
  @ApiProperty()
  area!: string;

  @Field(() => FigureGrainEnum)
  @ApiProperty({ enum: Object.values(FigureGrainEnum) })
  grain!: string;

  @Field(() => [BreachType])
  @ApiProperty({ type: [BreachType] })
  breaches!: BreachType[];

  @Field(() => FreshnessType)
  @ApiProperty({ type: () => FreshnessType })
  freshness!: FreshnessType;
}

@ApiSchema({ name: 'ContributingEvent' })
@ObjectType('ContributingEvent', { description: 'one event behind a figure' })
export class ContributingEventType implements ContributingEvent {
  @Field({ description: 'the figure’s unit' })
  @ApiProperty()
  unit!: string;

  @Field()
  @ApiProperty()
  schoolCode!: string;

  @Field()
  @ApiProperty()
  level!: string;

  @Field({ description: 'the part of the formula it counts in, e.g. dropouts' })
  @ApiProperty()
  measure!: string;

  @Field()
  @ApiProperty({ format: 'uuid' })
  eventId!: string;
}

@ApiSchema({ name: 'ContributingEventEdge' })
@ObjectType('ContributingEventEdge')
export class ContributingEventEdgeType {
  @Field()
  @ApiProperty()
  cursor!: string;

  @Field(() => ContributingEventType)
  @ApiProperty({ type: ContributingEventType })
  node!: ContributingEventType;
}

@ApiSchema({ name: 'ContributingEventConnection' })
@ObjectType('ContributingEventConnection')
export class EventPageType {
  @Field(() => IndicatorNameEnum)
  @ApiProperty({ enum: INDICATOR_NAMES })
  indicator!: IndicatorName;

  @Field(() => FigureGrainEnum)
  @ApiProperty({ enum: Object.values(FigureGrainEnum) })
  grain!: string;

  @Field(() => String, { nullable: true })
  @ApiProperty({ type: String, nullable: true })
  unit!: string | null;

  @Field(() => [ContributingEventEdgeType])
  @ApiProperty({ type: [ContributingEventEdgeType] })
  edges!: ContributingEventEdgeType[];

  @Field()
  @ApiProperty()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'pass as `after` for the next page' })
  @ApiPropertyOptional({ type: String, nullable: true })
  endCursor!: string | null;

  @Field({ description: 'every page of this listing is computed as of this instant' })
  @ApiProperty({ format: 'date-time' })
  asOf!: string;

  @Field(() => FreshnessType)
  @ApiProperty({ type: () => FreshnessType })
  freshness!: FreshnessType;
}

@ApiSchema({ name: 'IndicatorDescription' })
@ObjectType('IndicatorDescription')
export class IndicatorDescriptionType {
  @Field(() => IndicatorNameEnum)
  @ApiProperty({ enum: INDICATOR_NAMES })
  name!: IndicatorName;

  @Field()
  @ApiProperty()
  title!: string;

  @Field()
  @ApiProperty()
  family!: string;

  @Field(() => [FigureGrainEnum])
  @ApiProperty({ enum: Object.values(FigureGrainEnum), isArray: true })
  grains!: string[];

  @Field()
  @ApiProperty({ description: 'whether figures split by level' })
  byLevel!: boolean;

  @Field()
  @ApiProperty({ description: 'whether a month or term narrows it' })
  byPeriod!: boolean;

  @Field()
  @ApiProperty({ description: 'whether an urban-rural group narrows it' })
  byGroup!: boolean;
}

@ApiSchema({ name: 'DirectorySchool' })
@ObjectType('DirectorySchool', { description: 'a school of the hierarchy' })
export class SchoolNodeType {
  @Field()
  @ApiProperty()
  schoolCode!: string;

  @Field()
  @ApiProperty()
  name!: string;

  @Field()
  @ApiProperty()
  districtCode!: string;

  @Field()
  @ApiProperty()
  urbanRuralCode!: string;

  @Field()
  @ApiProperty()
  level!: string;

  @Field()
  @ApiProperty()
  weak!: boolean;
}

@ApiSchema({ name: 'Area' })
@ObjectType('Area', { description: 'a province, city or district (区县)' })
export class AreaNodeType {
  @Field()
  @ApiProperty({ example: '440311' })
  code!: string;

  @Field({ description: 'province | city | district' })
  @ApiProperty({ enum: ['province', 'city', 'district'] })
  level!: string;

  @Field(() => String, { nullable: true })
  @ApiProperty({ type: String, nullable: true })
  parentCode!: string | null;
}

@ApiSchema({ name: 'LessonExchangeIndicator' })
@ObjectType('LessonExchangeIndicator', {
  description: 'deprecated: the lesson-exchanges indicator of one district in one month',
})
export class LessonExchangeIndicatorType implements LessonExchangesOfMonth {
  @Field()
  @ApiProperty({ example: '440311' })
  district!: string;

  @Field()
  @ApiProperty({ example: '2024-10' })
  month!: string;

  @Field(() => Int)
  @ApiProperty({ type: 'integer' })
  exchanges!: number;

  @Field(() => Int, { description: '人次' })
  @ApiProperty({ type: 'integer', description: '人次' })
  attendees!: number;

  @Field(() => FreshnessType)
  @ApiProperty({ type: () => FreshnessType })
  freshness!: FreshnessType;
}
