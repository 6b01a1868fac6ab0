import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Clock } from '@junheng/domain';
import { ApiKeyRepository } from '@junheng/identity';
import type { Principal } from '@junheng/identity';
import { CLOCK, JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import type { IndicatorName } from '@junheng/analytics';
import type { AreaLevel } from './dashboard-scope';
import { ReadRefusedException } from './dashboard.exceptions';
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

/** Why a live stream ended before the caller hung up. */
export type LiveEndReason = 'credentials-expired' | 'credentials-revoked';

export interface LiveSubscriber {
  /** `scorecard` first (every indicator), then `changed` whenever figures change. */
  send(event: 'scorecard' | 'changed', update: LiveUpdate): void;
  /** The credentials it was opened with are no longer valid: a last event, then the end. */
  end(reason: LiveEndReason): void;
}

/**
 * A live stream's places: one of its caller's JUNHENG_LIVE_STREAMS_PER_CALLER, and its question
 * among the JUNHENG_LIVE_QUESTIONS_PER_PROCESS watched. Held from before the first scorecard is
 * computed until the stream ends; `release` frees both (once, however often it is called).
 */
export interface LiveAdmission {
  readonly question: string;
  release(): void;
}

/** setTimeout's longest delay (about 24.8 days); a later expiry is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One watcher per area and question: the same question asked twice is one key. */
function questionKey(area: string, question: FigureQuestion): string {
  return JSON.stringify([
    area,
    question.schoolYear,
    question.month ?? null,
    question.term ?? null,
    question.level ?? null,
    question.group ?? null,
    question.asOf ?? null,
  ]);
}

/** Who holds the streams: the subject of a token, an API key (as the rate limits count). */
const callerOf = (principal: Principal): string => `${principal.via}:${principal.subject}`;

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
 *
 * A stream lasts no longer than the credentials it was opened with: a token's stream ends at
 * the token's `exp` (a timer per stream), an API key's when the key is revoked (checked every
 * tick, JUNHENG_LIVE_INTERVAL_MS, one query per key however many streams it has open). Either
 * way the subscriber is told why (`end`) and released.
 *
 * Every watched question is recomputed on each advance, one after another: so that one reader
 * cannot slow everyone's screens, a caller holds at most JUNHENG_LIVE_STREAMS_PER_CALLER
 * streams (429 beyond) and the process watches at most JUNHENG_LIVE_QUESTIONS_PER_PROCESS
 * distinct questions (503 for a new one beyond; a question already watched is always served).
 */
@Injectable()
export class LiveScorecards implements OnModuleDestroy {
  private readonly topics = new Map<string, Topic>();
  private timer: NodeJS.Timeout | undefined;
  private version: string | undefined;
  private ticking = false;
  private readonly closers = new Set<() => void>();
  /** Streams opened with an API key, by key id: ended when the key is revoked. */
  private readonly byApiKey = new Map<string, Set<() => void>>();
  /** Streams admitted (opening or open), by caller and by question. */
  private readonly streamsByCaller = new Map<string, number>();
  private readonly streamsByQuestion = new Map<string, number>();

  constructor(
    private readonly dashboard: DashboardService,
    private readonly progress: ProjectionProgress,
    private readonly apiKeys: ApiKeyRepository,
    @Inject(JUNHENG_CONFIG) private readonly config: JunhengConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(LiveScorecards.name);
  }

  /**
   * Admits a stream of `credentials` on the question, before anything is computed for it:
   * refused with 429 when the caller already holds its streams, with 503 when the question is
   * not watched yet and the process watches as many as it may.
   */
  admit(credentials: Principal, area: string, question: FigureQuestion): LiveAdmission {
    const caller = callerOf(credentials);
    const key = questionKey(area, question);
    const { liveStreamsPerCaller, liveQuestionsPerProcess } = this.config;
    if ((this.streamsByCaller.get(caller) ?? 0) >= liveStreamsPerCaller) {
      throw ReadRefusedException.tooManyStreams(liveStreamsPerCaller);
    }
    if (
      !this.streamsByQuestion.has(key) &&
      this.streamsByQuestion.size >= liveQuestionsPerProcess
    ) {
      throw ReadRefusedException.tooManyQuestions(liveQuestionsPerProcess);
    }
    const add = (counts: Map<string, number>, name: string, by: number): void => {
      const count = (counts.get(name) ?? 0) + by;
      if (count > 0) counts.set(name, count);
      else counts.delete(name);
    };
    add(this.streamsByCaller, caller, 1);
    add(this.streamsByQuestion, key, 1);
    let released = false;
    return {
      question: key,
      release: () => {
        if (released) return;
        released = true;
        add(this.streamsByCaller, caller, -1);
        add(this.streamsByQuestion, key, -1);
      },
    };
  }

  /**
   * Pushes `subscriber` the indicators that change from `initial` on (the scorecard it was
   * first sent) for as long as `credentials` stay valid; the answer stops it and releases the
   * admission. `close` ends its stream at shutdown.
   */
  watch(
    admission: LiveAdmission,
    area: { readonly code: string; readonly level: AreaLevel },
    question: FigureQuestion,
    initial: Scorecard,
    subscriber: LiveSubscriber,
    close: () => void,
    credentials: Principal,
  ): () => void {
    const key = admission.question;
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
    let expiry: NodeJS.Timeout | undefined;
    let ended = false;
    const unwatch = (): void => {
      if (expiry !== undefined) clearTimeout(expiry);
      if (credentials.apiKeyId !== undefined) {
        const streams = this.byApiKey.get(credentials.apiKeyId);
        streams?.delete(endRevoked);
        if (streams?.size === 0) this.byApiKey.delete(credentials.apiKeyId);
      }
      watched.subscribers.delete(subscriber);
      this.closers.delete(close);
      if (watched.subscribers.size === 0 && this.topics.get(key) === watched)
        this.topics.delete(key);
      if (this.topics.size === 0) this.stopTimer();
      admission.release();
    };
    const end = (reason: LiveEndReason): void => {
      if (ended) return;
      ended = true;
      unwatch();
      subscriber.end(reason);
    };
    const endRevoked = (): void => end('credentials-revoked');
    const expiresAt = credentials.expiresAt?.getTime();
    if (expiresAt !== undefined) {
      const arm = (): void => {
        const left = expiresAt - this.clock.now().getTime();
        if (left <= 0) return end('credentials-expired');
        expiry = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
      };
      arm();
    }
    if (credentials.apiKeyId !== undefined && !ended) {
      const streams = this.byApiKey.get(credentials.apiKeyId) ?? new Set();
      streams.add(endRevoked);
      this.byApiKey.set(credentials.apiKeyId, streams);
    }
    return unwatch;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.endRevokedStreams();
      const state = await this.progress.state();
      if (state.version === this.version) return;
      this.version = state.version;
      for (const [key, topic] of [...this.topics]) {
        // A screen closed meanwhile is not computed for; one question failing (stopped at
        // its time limit) does not hold back the others.
        if (this.topics.get(key) !== topic) continue;
        try {
          await this.refresh(topic);
        } catch (error) {
          this.logger.warn({ err: error }, 'live scorecard refresh failed');
        }
      }
    } catch (error) {
      // The next tick tries again; a screen keeps its last figures meanwhile.
      this.logger.warn({ err: error }, 'live scorecard refresh failed');
    } finally {
      this.ticking = false;
    }
  }

  /** How many streams are open (screens watching), over every area. */
  openStreams(): number {
    let streams = 0;
    for (const topic of this.topics.values()) streams += topic.subscribers.size;
    return streams;
  }

  /** Ends the streams of every API key revoked since they opened (one query per key). */
  private async endRevokedStreams(): Promise<void> {
    for (const [id, streams] of [...this.byApiKey]) {
      let active: boolean;
      try {
        active = await this.apiKeys.isActive(id);
      } catch (error) {
        // The store is unreachable: the next tick asks again; the stream keeps its figures.
        this.logger.warn({ err: error }, 'could not check a live stream’s API key');
        continue;
      }
      if (!active) for (const end of [...streams]) end();
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
