import { Inject, Injectable } from '@nestjs/common';
import { ANALYTICS_CLIENT, ProjectionWriter, lessonExchangesIndicator } from '@junheng/analytics';
import type { AnalyticsClient, Watermark } from '@junheng/analytics';
import { CallerContext } from '../security/caller-context';

export interface Freshness {
  /** The projection has applied the log up to here (commit order). */
  readonly transactionId: number;
  readonly globalPosition: number;
  /** When the last applied event was recorded: the answer is complete as of this time. */
  readonly recordedAt: string | null;
}

export interface LessonExchangeIndicatorAnswer {
  readonly district: string;
  readonly month: string;
  readonly exchanges: number;
  readonly attendees: number;
  readonly freshness: Freshness;
}

@Injectable()
export class IndicatorsService {
  constructor(
    @Inject(ANALYTICS_CLIENT) private readonly analytics: AnalyticsClient,
    private readonly writer: ProjectionWriter,
    private readonly caller: CallerContext,
  ) {}

  async lessonExchanges({
    district,
    month,
  }: {
    district: string;
    month: string;
  }): Promise<LessonExchangeIndicatorAnswer> {
    this.caller.requireDistrict(district);
    // The watermark is read first: the figures are at least as fresh as it claims.
    const watermark = await this.writer.watermark();
    const figures = await lessonExchangesIndicator(this.analytics, { district, month });
    return { district, month, ...figures, freshness: freshnessOf(watermark) };
  }
}

function freshnessOf(watermark: Watermark): Freshness {
  return {
    transactionId: watermark.transactionId,
    globalPosition: watermark.globalPosition,
    recordedAt: watermark.recordedAt,
  };
}
