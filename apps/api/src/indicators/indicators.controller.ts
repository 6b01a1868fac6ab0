import { Controller, Get, Query } from '@nestjs/common';
import { RequirePermission } from '@junheng/identity';
import { LessonExchangeIndicatorQuery } from './lesson-exchange-indicator.query';
import { IndicatorsService } from './indicators.service';
import type { LessonExchangeIndicatorAnswer } from './indicators.service';
import { ApiQueryAnswers } from '../openapi/api-answers';
import { LessonExchangeIndicatorType } from './lesson-exchange-indicator.type';

@Controller('v1/indicators')
export class IndicatorsController {
  constructor(private readonly indicators: IndicatorsService) {}

  @Get('lesson-exchanges')
  @ApiQueryAnswers(LessonExchangeIndicatorType)
  @RequirePermission('indicators:read')
  lessonExchanges(
    @Query() query: LessonExchangeIndicatorQuery,
  ): Promise<LessonExchangeIndicatorAnswer> {
    return this.indicators.lessonExchanges(query);
  }
}
