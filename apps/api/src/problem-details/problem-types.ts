/**
 * Stable problem types (RFC 9457). Clients branch on `type`; titles and details may be
 * reworded. docs/api.md lists every type.
 */
export const PROBLEM_TYPE_PREFIX = 'urn:junheng:problem:';

export const ProblemType = {
  validation: `${PROBLEM_TYPE_PREFIX}validation`,
  unauthenticated: `${PROBLEM_TYPE_PREFIX}unauthenticated`,
  forbidden: `${PROBLEM_TYPE_PREFIX}forbidden`,
  outOfScope: `${PROBLEM_TYPE_PREFIX}out-of-scope`,
  rateLimited: `${PROBLEM_TYPE_PREFIX}rate-limited`,
  malformedRequest: `${PROBLEM_TYPE_PREFIX}malformed-request`,
  unsupportedMediaType: `${PROBLEM_TYPE_PREFIX}unsupported-media-type`,
  payloadTooLarge: `${PROBLEM_TYPE_PREFIX}payload-too-large`,
  headersTooLarge: `${PROBLEM_TYPE_PREFIX}headers-too-large`,
  requestTimeout: `${PROBLEM_TYPE_PREFIX}request-timeout`,
  notFound: `${PROBLEM_TYPE_PREFIX}not-found`,
  concurrencyConflict: `${PROBLEM_TYPE_PREFIX}concurrency-conflict`,
  /** The Idempotency-Key was used before, by this caller, for a different request. */
  idempotencyKeyReused: `${PROBLEM_TYPE_PREFIX}idempotency-key-reused`,
  /** The request that first used the Idempotency-Key is still being processed. */
  idempotencyKeyInFlight: `${PROBLEM_TYPE_PREFIX}idempotency-key-in-flight`,
  unavailable: `${PROBLEM_TYPE_PREFIX}service-unavailable`,
  projectionBehind: `${PROBLEM_TYPE_PREFIX}projection-behind`,
  internal: `${PROBLEM_TYPE_PREFIX}internal`,
  /** One type per domain rule, named after it: `urn:junheng:problem:rule:<rule>`. */
  rule: (rule: string): string => `${PROBLEM_TYPE_PREFIX}rule:${rule}`,
} as const;

export interface FieldError {
  /** Dotted path of the offending field in the request (`attendees`, `query.month`). */
  readonly field: string;
  readonly reason: string;
}

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly correlationId?: string;
  readonly errors?: readonly FieldError[];
  readonly rule?: string;
  readonly facts?: Readonly<Record<string, unknown>>;
  readonly [extension: string]: unknown;
}
