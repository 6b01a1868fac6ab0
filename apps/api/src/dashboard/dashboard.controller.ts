import {
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseEnumPipe,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { INDICATOR_NAMES } from '@junheng/analytics';
import type { IndicatorName } from '@junheng/analytics';
import { RequirePermission } from '@junheng/identity';
import { ApiQueryAnswers } from '../openapi/api-answers';
import { RequestValidationException } from '../problem-details/request-validation.exception';
import {
  LessonExchangeIndicatorQuery,
  RestAreaQuery,
  RestBreachesQuery,
  RestDirectoryQuery,
  RestEventsQuery,
  RestFigureQuery,
  RestSeriesQuery,
} from './dashboard.args';
import { questionOf, seriesSpan } from './dashboard.resolver';
import { DashboardService } from './dashboard.service';
import type { IndicatorResult, LessonExchangesOfMonth, Scorecard } from './dashboard.service';
import {
  BreachListType,
  EventPageType,
  IndicatorDescriptionType,
  IndicatorResultType,
  LessonExchangeIndicatorType,
  ScorecardType,
  SchoolNodeType,
  SeriesType,
} from './dashboard.types';
import type { Figure } from './figure';
import { LiveScorecards } from './live-scorecards';
import type { LiveEndReason, LiveUpdate } from './live-scorecards';
import { CallerContext } from '../security/caller-context';
import { answerRead } from './rest-answer';
import { areaLevelOf } from './dashboard-scope';

const indicatorParam = new ParseEnumPipe(
  Object.fromEntries(INDICATOR_NAMES.map((name) => [name, name])),
  {
    exceptionFactory: () =>
      new RequestValidationException([
        { field: 'indicator', reason: `indicator must be one of ${INDICATOR_NAMES.join(', ')}` },
      ]),
  },
);

const areaParam = (code: string): string => {
  if (areaLevelOf(code) === null) {
    throw new RequestValidationException([
      { field: 'code', reason: 'code must be a 2-, 4- or 6-digit administrative code' },
    ]);
  }
  return code;
};

const schoolParam = (code: string): string => {
  if (!/^\d{10}$/.test(code)) {
    throw new RequestValidationException([
      { field: 'code', reason: 'code must be a 10-digit school code' },
    ]);
  }
  return code;
};

/** A figure as one CSV row: its placing, value and verdict, then every measure. */
function figureRow(figure: Figure, leading: Readonly<Record<string, unknown>> = {}) {
  return {
    ...leading,
    unit: figure.unit,
    level: figure.level,
    dimension: figure.dimension,
    value: figure.value,
    valueUnit: figure.valueUnit,
    breaches: figure.breaches,
    rules: figure.rules,
    ...figure.measures,
    ...Object.fromEntries(
      Object.entries(figure.breakdown).map(([key, amount]) => [`breakdown.${key}`, amount]),
    ),
    ...figure.labels,
  };
}

const resultRows = (result: IndicatorResult) =>
  result.figures.map((figure) => figureRow(figure, { indicator: result.indicator }));

const indicatorApiParam = ApiParam({ name: 'indicator', enum: INDICATOR_NAMES });

/**
 * The dashboard over REST: the same reads as GraphQL (docs/api.md), each answering JSON or CSV
 * (`Accept: text/csv`), with an ETag from what the projection has applied, freshness headers,
 * and read-your-writes through `minPosition`.
 */
@Controller('v1')
export class DashboardController {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly liveScorecards: LiveScorecards,
    private readonly caller: CallerContext,
  ) {}

  @Get('indicators')
  @ApiQueryAnswers(IndicatorDescriptionType)
  @RequirePermission('indicators:read')
  catalogue(): IndicatorDescriptionType[] {
    return this.dashboard.catalogue();
  }

  /**
   * Deprecated: the first skeleton's question. `GET /v1/indicators/lesson-exchanges/figures`
   * answers it and every other grain and period (the successor the Link header names).
   */
  @Get('indicators/lesson-exchanges')
  @ApiOperation({
    deprecated: true,
    summary: 'Deprecated: one district’s lesson exchanges in one month',
  })
  @ApiQueryAnswers(LessonExchangeIndicatorType)
  @RequirePermission('indicators:read')
  lessonExchanges(
    @Query() query: LessonExchangeIndicatorQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LessonExchangesOfMonth> {
    const [year, month] = query.month.split('-').map(Number) as [number, number];
    const schoolYear = month >= 9 ? year : year - 1;
    response.setHeader('Deprecation', 'true');
    response.setHeader(
      'Link',
      `</v1/indicators/lesson-exchanges/figures?area=${query.district}&schoolYear=${schoolYear}&month=${month}>; rel="successor-version"`,
    );
    return this.dashboard.lessonExchangesOfMonth(
      this.dashboard.session(request),
      query.district,
      query.month,
    );
  }

  @Get('indicators/:indicator/figures')
  @indicatorApiParam
  @ApiProduces('application/json', 'text/csv')
  @ApiQueryAnswers(IndicatorResultType)
  @RequirePermission('indicators:read')
  figures(
    @Param('indicator', indicatorParam) indicator: IndicatorName,
    @Query() query: RestFigureQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = this.dashboard.session(request);
    const scoped = this.dashboard.scope.ask(query);
    return answerRead(
      request,
      response,
      session,
      query.minPosition,
      () => this.dashboard.indicator(session, indicator, scoped, questionOf(query)),
      resultRows,
    );
  }

  @Get('indicators/:indicator/series')
  @indicatorApiParam
  @ApiProduces('application/json', 'text/csv')
  @ApiQueryAnswers(SeriesType)
  @RequirePermission('indicators:read')
  series(
    @Param('indicator', indicatorParam) indicator: IndicatorName,
    @Query() query: RestSeriesQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = this.dashboard.session(request);
    const scoped = this.dashboard.scope.ask(query);
    return answerRead(
      request,
      response,
      session,
      query.minPosition,
      () => this.dashboard.series(session, indicator, scoped, questionOf(query), seriesSpan(query)),
      (series) =>
        series.points.flatMap((point) =>
          point.figures.map((figure) =>
            figureRow(figure, { schoolYear: point.schoolYear, month: point.month }),
          ),
        ),
    );
  }

  @Get('indicators/:indicator/events')
  @indicatorApiParam
  @ApiProduces('application/json', 'text/csv')
  @ApiQueryAnswers(EventPageType)
  @RequirePermission('indicators:read')
  events(
    @Param('indicator', indicatorParam) indicator: IndicatorName,
    @Query() query: RestEventsQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = this.dashboard.session(request);
    const scoped = this.dashboard.scope.ask(query);
    return answerRead(
      request,
      response,
      session,
      query.minPosition,
      () =>
        this.dashboard.events(session, indicator, scoped, questionOf(query), {
          first: query.first,
          after: query.after,
        }),
      (page) => page.edges.map((edge) => ({ ...edge.node, cursor: edge.cursor })),
    );
  }

  @Get('areas/:code/scorecard')
  @ApiProduces('application/json', 'text/csv')
  @ApiQueryAnswers(ScorecardType)
  @RequirePermission('indicators:read')
  scorecard(
    @Param('code') code: string,
    @Query() query: RestAreaQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = this.dashboard.session(request);
    const area = this.dashboard.scope.area(areaParam(code));
    return answerRead(
      request,
      response,
      session,
      query.minPosition,
      () =>
        this.dashboard.scorecard(
          session,
          { area: area.code, level: area.level },
          questionOf(query),
        ),
      (scorecard) => scorecard.indicators.flatMap(resultRows),
    );
  }

  @Get('areas/:code/live')
  @ApiProduces('text/event-stream')
  @ApiQueryAnswers(ScorecardType)
  @RequirePermission('indicators:read')
  async live(
    @Param('code') code: string,
    @Query() query: RestAreaQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const area = this.dashboard.scope.area(areaParam(code));
    const principal = this.caller.principal();
    const question = questionOf(query);
    // Refused (429, 503) before anything is computed or the stream opens; held until it ends.
    const admission = this.liveScorecards.admit(principal, area.code, question);
    // The caller may hang up at any point, also before the stream is open.
    let closed = false;
    let stop = (): void => admission.release();
    response.on('close', () => {
      closed = true;
      stop();
    });
    let initial: Scorecard;
    try {
      const session = this.dashboard.session(request);
      await session.state(query.minPosition);
      // The first scorecard is computed before the stream opens: a failure is still a problem
      // answer, not a broken stream.
      initial = await this.dashboard.scorecard(
        session,
        { area: area.code, level: area.level },
        question,
      );
    } catch (error) {
      admission.release();
      throw error;
    }
    if (closed) return;
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    let sequence = 0;
    const send = (event: string, update: LiveUpdate): void => {
      sequence += 1;
      response.write(`id: ${sequence}\nevent: ${event}\ndata: ${JSON.stringify(update)}\n\n`);
    };
    response.write('retry: 2000\n\n');
    send('scorecard', {
      area: area.code,
      freshness: initial.freshness,
      indicators: initial.indicators,
    });
    if (closed) return;
    // The stream lasts as long as the credentials: it ends with `event: end` and the reason
    // when the token expires or the API key is revoked.
    const end = (reason: LiveEndReason): void => {
      if (closed) return;
      sequence += 1;
      response.write(`id: ${sequence}\nevent: end\ndata: ${JSON.stringify({ reason })}\n\n`);
      response.end();
    };
    const unwatch = this.liveScorecards.watch(
      admission,
      area,
      question,
      initial,
      { send, end },
      () => response.end(),
      principal,
    );
    // A comment now and then keeps proxies from closing an idle stream.
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    stop = () => {
      clearInterval(heartbeat);
      unwatch();
    };
    if (closed) stop();
  }

  @Get('areas/:code/breaches')
  @ApiProduces('application/json', 'text/csv')
  @ApiQueryAnswers(BreachListType)
  @RequirePermission('indicators:read')
  breaches(
    @Param('code') code: string,
    @Query() query: RestBreachesQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = this.dashboard.session(request);
    // An area's breaches cover many schools: a school scope is refused here.
    const area = this.dashboard.scope.area(areaParam(code));
    const scoped = this.dashboard.scope.question({ area: area.code, grain: query.grain });
    return answerRead(
      request,
      response,
      session,
      query.minPosition,
      () => this.dashboard.breaches(session, scoped, questionOf(query)),
      (list) =>
        list.breaches.map((breach) => figureRow(breach.figure, { indicator: breach.indicator })),
    );
  }

  @Get('areas/:code/schools')
  @ApiProduces('application/json', 'text/csv')
  @ApiQueryAnswers(SchoolNodeType)
  @RequirePermission('indicators:read')
  schools(
    @Param('code') code: string,
    @Query() query: RestDirectoryQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = this.dashboard.session(request);
    const area = this.dashboard.scope.area(areaParam(code));
    return answerRead(
      request,
      response,
      session,
      query.minPosition,
      () => session.directory(area.code, undefined),
      (schools) => schools.map((school) => ({ ...school })),
    );
  }

  @Get('schools/:code/scorecard')
  @ApiProduces('application/json', 'text/csv')
  @ApiQueryAnswers(ScorecardType)
  @RequirePermission('indicators:read')
  async schoolScorecard(
    @Param('code') code: string,
    @Query() query: RestAreaQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = this.dashboard.session(request);
    const school = await session.school(schoolParam(code));
    if (school === undefined) throw new NotFoundException(`No open school ${code}`);
    this.dashboard.scope.school(school.schoolCode, school.districtCode);
    return answerRead(
      request,
      response,
      session,
      query.minPosition,
      () =>
        this.dashboard.scorecard(
          session,
          { school: school.schoolCode, district: school.districtCode },
          questionOf(query),
        ),
      (scorecard) => scorecard.indicators.flatMap(resultRows),
    );
  }
}
