import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import type { IndicatorName } from '@junheng/analytics';
import type { AreaLevel } from './dashboard-scope';
import { DashboardService } from './dashboard.service';
import type { IndicatorResult, Scorecard } from './dashboard.service';
import type { FigureQuestion } from './figure-question';
import { ProjectionProgress } from './projection-progress';
import type { Freshness } from './projection-progress';

/** What a live dashboard is pushed: the indicators whose figures changed, and how fresh. */
export interface LiveUpdate {
  readonly area: string;
  readonly freshness: Freshness;
  readonly indicators: readonly IndicatorResult[];
}

export interface LiveSubscriber {
  /** `scorecard` first (every indicator), then `changed` whenever figures change. */
  send(event: 'scorecard' | 'changed', update: LiveUpdate): void;
}

interface Topic {
  readonly area: string;
  readonly level: AreaLevel;
  readonly question: FigureQuestion;
  readonly subscribers: Set<LiveSubscriber>;
  /** Each indicator's figures as last pushed. */
  readonly pushed: Map<IndicatorName, string>;
}

/**
 * Live dashboards: one watcher per area and question, however many screens show it. Each tick
 * reads the projection's version once; only when it moved is each watched scorecard computed
 * again, and only indicators whose figures changed are pushed.
 */
@Injectable()
export class LiveScorecards implements OnModuleDestroy {
  private readonly topics = new Map<string, Topic>();
  private timer: NodeJS.Timeout | undefined;
  private version: string | undefined;
  private ticking = false;
  private readonly closers = new Set<() => void>();

  constructor(
    private readonly dashboard: DashboardService,
    private readonly progress: ProjectionProgress,
    @Inject(JUNHENG_CONFIG) private readonly config: JunhengConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(LiveScorecards.name);
  }

  /**
   * Pushes `subscriber` the indicators that change from `initial` on (the scorecard it was
   * first sent); the answer stops it. `close` ends its stream at shutdown.
   */
  watch(
    area: { readonly code: string; readonly level: AreaLevel },
    question: FigureQuestion,
    initial: Scorecard,
    subscriber: LiveSubscriber,
    close: () => void,
  ): () => void {
    const key = JSON.stringify([area.code, question]);
    let topic = this.topics.get(key);
    if (topic === undefined) {
      topic = {
        area: area.code,
        level: area.level,
        question,
        subscribers: new Set(),
        pushed: new Map(
          initial.indicators.map((result) => [result.indicator, fingerprint(result)]),
        ),
      };
      this.topics.set(key, topic);
    }
    topic.subscribers.add(subscriber);
    this.closers.add(close);
    this.timer ??= setInterval(() => void this.tick(), this.config.liveIntervalMs);
    const watched = topic;
    return () => {
      watched.subscribers.delete(subscriber);
      this.closers.delete(close);
      if (watched.subscribers.size === 0) this.topics.delete(key);
      if (this.topics.size === 0) this.stopTimer();
    };
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const state = await this.progress.state();
      if (state.version === this.version) return;
      this.version = state.version;
      for (const topic of [...this.topics.values()]) await this.refresh(topic);
    } catch (error) {
      // The next tick tries again; a screen keeps its last figures meanwhile.
      this.logger.warn({ err: error }, 'live scorecard refresh failed');
    } finally {
      this.ticking = false;
    }
  }

  private async refresh(topic: Topic): Promise<void> {
    const scorecard = await this.dashboard.scorecard(
      this.dashboard.session({}),
      { area: topic.area, level: topic.level },
      topic.question,
    );
    const changed = scorecard.indicators.filter(
      (result) => topic.pushed.get(result.indicator) !== fingerprint(result),
    );
    if (changed.length === 0) return;
    for (const result of changed) topic.pushed.set(result.indicator, fingerprint(result));
    const update = { area: topic.area, freshness: scorecard.freshness, indicators: changed };
    for (const subscriber of topic.subscribers) subscriber.send('changed', update);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.version = undefined;
  }

  onModuleDestroy(): void {
    this.stopTimer();
    // Open streams would hold the HTTP server open at shutdown.
    for (const close of [...this.closers]) close();
  }
}

function fingerprint(result: IndicatorResult): string {
  return JSON.stringify(result.figures);
}
