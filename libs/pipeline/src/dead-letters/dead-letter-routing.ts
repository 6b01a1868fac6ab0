import type { EventEnvelope, PoisonReason, SourceMessage } from '@junheng/messaging';

export type DeadLetterReason = PoisonReason | 'held-back';

/** A message the projector did not apply, with why, as it goes to the dead-letter topic. */
export interface DeadLetter {
  readonly origin: string;
  readonly source: string;
  /** The stream it belongs to (the message key); '' when the message had none. */
  readonly streamId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly reason: DeadLetterReason;
  readonly detail: string;
  /** For a held-back event: the origin of the poison message its stream waits behind. */
  readonly heldBehind: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface RoutedBatch {
  readonly apply: EventEnvelope[];
  readonly deadLetters: DeadLetter[];
}

/**
 * Splits a batch into the events to apply and the dead letters. A poison message stops its
 * stream: every later event of that stream (the message key) is held back as a dead letter
 * too, rather than applied out of order — a dropout applied without the enrolment before it
 * would be a wrong figure, while a held stream is only a late one. `held` maps each stopped
 * stream to the origin of the poison it waits behind; it is updated in place.
 */
export function routeBatch(
  source: string,
  messages: readonly SourceMessage[],
  held: Map<string, string>,
): RoutedBatch {
  const apply: EventEnvelope[] = [];
  const deadLetters: DeadLetter[] = [];
  for (const message of messages) {
    if (message.kind === 'poison') {
      const { poison } = message;
      const streamId = poison.key ?? '';
      const behind = streamId === '' ? undefined : held.get(streamId);
      if (streamId !== '' && behind === undefined) held.set(streamId, message.origin);
      deadLetters.push({
        origin: message.origin,
        source,
        streamId,
        eventId: poison.headers['junheng-event-id'] ?? '',
        eventType: poison.headers['junheng-event-type'] ?? '',
        reason: poison.reason,
        detail: poison.message,
        heldBehind: behind ?? '',
        value: poison.value ?? '',
        headers: poison.headers,
      });
      continue;
    }
    const { event } = message;
    const behind = held.get(event.streamId);
    if (behind === undefined) {
      apply.push(event);
      continue;
    }
    deadLetters.push({
      origin: message.origin,
      source,
      streamId: event.streamId,
      eventId: event.eventId,
      eventType: event.type,
      reason: 'held-back',
      detail: `an earlier event of stream ${event.streamId} could not be applied`,
      heldBehind: behind,
      value: JSON.stringify(event),
      headers: {},
    });
  }
  return { apply, deadLetters };
}
