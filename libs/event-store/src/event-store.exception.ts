export enum EventStoreErrorCode {
  WrongExpectedVersion = 'event-store.wrong-expected-version',
  DuplicateEventId = 'event-store.duplicate-event-id',
  Unavailable = 'event-store.unavailable',
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
}
