import { Args, Query, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '@junheng/identity';
import { LessonExchangeIndicatorQuery } from './lesson-exchange-indicator.query';
import { LessonExchangeIndicatorType } from './lesson-exchange-indicator.type';
import { IndicatorsService } from './indicators.service';
import type { LessonExchangeIndicatorAnswer } from './indicators.service';

@Resolver()
export class IndicatorsResolver {
  constructor(private readonly indicators: IndicatorsService) {}

  @Query(() => LessonExchangeIndicatorType, {
    description: 'Lesson exchanges of a district in a month',
  })
  @RequirePermission('indicators:read')
  lessonExchangeIndicator(
    @Args() query: LessonExchangeIndicatorQuery,
  ): Promise<LessonExchangeIndicatorAnswer> {
    return this.indicators.lessonExchanges(query);
  }
}
