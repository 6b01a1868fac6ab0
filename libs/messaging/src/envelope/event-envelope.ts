import type { RecordedEvent } from '@junheng/event-store';

/**
 * An event on the wire (architecture.md, "The event envelope"): the recorded event itself,
 * keyed by stream id, with the ids a consumer routes on copied into headers.
 */
export type EventEnvelope = RecordedEvent;

export const ENVELOPE_HEADERS = {
  eventId: 'junheng-event-id',
  type: 'junheng-event-type',
  schemaVersion: 'junheng-schema-version',
  correlationId: 'junheng-correlation-id',
} as const;

export interface WireMessage {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

export function encodeEnvelope(event: EventEnvelope): WireMessage {
  const headers: Record<string, string> = {
    [ENVELOPE_HEADERS.eventId]: event.eventId,
    [ENVELOPE_HEADERS.type]: event.type,
    [ENVELOPE_HEADERS.schemaVersion]: String(event.schemaVersion),
  };
  if (event.correlationId !== null) headers[ENVELOPE_HEADERS.correlationId] = event.correlationId;
  return { key: event.streamId, value: JSON.stringify(event), headers };
}
