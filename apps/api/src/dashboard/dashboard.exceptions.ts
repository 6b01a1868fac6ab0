import { PROBLEM_TYPE_PREFIX, ProblemType } from '../problem-details/problem-types';
import type { Freshness } from './projection-progress';

/** A read asked for `minPosition` and the projection did not reach it in time: 503. */
export class ProjectionBehindException extends Error {
  constructor(
    readonly minPosition: number,
    readonly freshness: Freshness,
  ) {
    super(
      `The indicators have applied the log up to position ${freshness.globalPosition}, not yet up to ${minPosition}`,
    );
    this.name = 'ProjectionBehindException';
  }
}

/** The engine stopped a dashboard read at its time limit (docs/api.md, problem types). */
export const QUERY_TOO_SLOW = `${PROBLEM_TYPE_PREFIX}query-too-slow`;

/** Live streams end when their screens close: a slot is usually free again within seconds. */
const LIVE_RETRY_AFTER_SECONDS = 10;

/**
 * A dashboard read refused to keep the engine for everyone: the problem it answers (type,
 * status, title, detail) and, for 429 / 503, when to try again (`Retry-After`).
 */
export class ReadRefusedException extends Error {
  constructor(
    readonly type: string,
    readonly status: 429 | 503,
    readonly title: string,
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(detail);
    this.name = 'ReadRefusedException';
  }

  /** A read stopped by the engine at JUNHENG_INDICATOR_QUERY_TIMEOUT_MS. */
  static tooSlow(limitMs: number): ReadRefusedException {
    return new ReadRefusedException(
      QUERY_TOO_SLOW,
      503,
      'The question took too long to answer',
      `The analytics engine stopped this read after ${limitMs} ms; narrow the question or retry after the time in Retry-After.`,
      Math.max(1, Math.ceil(limitMs / 1000)),
    );
  }

  /** The caller already holds JUNHENG_LIVE_STREAMS_PER_CALLER live streams. */
  static tooManyStreams(limit: number): ReadRefusedException {
    return new ReadRefusedException(
      ProblemType.rateLimited,
      429,
      'Too many live streams',
      `You hold ${limit} live streams open, the most one caller may; close one, or retry after the time in Retry-After.`,
      LIVE_RETRY_AFTER_SECONDS,
    );
  }

  /** JUNHENG_LIVE_QUESTIONS_PER_PROCESS distinct questions are already watched here. */
  static tooManyQuestions(limit: number): ReadRefusedException {
    return new ReadRefusedException(
      ProblemType.unavailable,
      503,
      'The service is temporarily unavailable',
      `Live dashboards here already watch ${limit} distinct questions; retry after the time in Retry-After, or ask a question already watched.`,
      LIVE_RETRY_AFTER_SECONDS,
    );
  }
}
