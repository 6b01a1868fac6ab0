import { ArgsType, Field, Float, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsBoundedInstant } from '../security/instant';
import type { Level, UrbanRuralGroupName } from '@junheng/analytics';

/**
 * What every figure question shares, over GraphQL arguments and REST query strings alike:
 * the school year, optionally a month or term of it, a level, an urban-rural group, and the
 * recorded time the figures are computed as of.
 */
@ArgsType()
export class FigureQuestion {
  @Field(() => Int, {
    description: '学年: 2024 is 2024-09-01 .. 2025-08-31 (budgets: the fiscal year)',
  })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  schoolYear!: number;

  @Field(() => Int, { nullable: true, description: 'a month of the school year, 1-12' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(12)
  month?: number;

  @Field(() => Int, { nullable: true, description: 'a term: 1 (Sep-Jan) or 2 (Feb-Aug)' })
  @IsOptional()
  @Type(() => Number)
  @IsIn([1, 2])
  term?: 1 | 2;

  @Field(() => String, { nullable: true, description: 'primary | junior' })
  @IsOptional()
  @IsIn(['primary', 'junior'])
  level?: Level;

  @Field(() => String, { nullable: true, description: 'urban (城区) | town (镇区) | rural (乡村)' })
  @IsOptional()
  @IsIn(['urban', 'town', 'rural'])
  group?: UrbanRuralGroupName;

  @Field(() => String, {
    nullable: true,
    description: 'only events recorded up to this instant count (ISO 8601); default: all',
  })
  @IsOptional()
  @IsBoundedInstant()
  asOf?: string;
}

/** Read-your-writes: wait (bounded) until the projection has applied this log position. */
@ArgsType()
export class ReadYourWrites {
  @Field(() => Float, {
    nullable: true,
    description: 'a command answer’s globalPosition: answer only once the figures include it',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  minPosition?: number;
}
