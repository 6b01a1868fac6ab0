export enum EventStoreErrorCode {
  WrongExpectedVersion = 'event-store.wrong-expected-version',
  DuplicateEventId = 'event-store.duplicate-event-id',
  Unavailable = 'event-store.unavailable',
  /** The idempotency key was used before for a different request (another fingerprint). */
  IdempotencyKeyReused = 'event-store.idempotency-key-reused',
  /** The request that first used the key is still being processed. */
  IdempotencyKeyInFlight = 'event-store.idempotency-key-in-flight',
}

export class EventStoreException extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EventStoreException';
  }

  static wrongExpectedVersion(
    streamId: string,
    expected: number,
    actual: number | null,
  ): EventStoreException {
    return new EventStoreException(
      EventStoreErrorCode.WrongExpectedVersion,
      `Stream "${streamId}" is at version ${actual ?? 'unknown'}, expected ${expected}`,
      { streamId, expectedVersion: expected, actualVersion: actual },
    );
  }

  static idempotencyKeyReused(): EventStoreException {
    return new EventStoreException(
      EventStoreErrorCode.IdempotencyKeyReused,
      'This idempotency key was used before for a different request',
    );
  }
}
