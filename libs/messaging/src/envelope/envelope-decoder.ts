import {
  CURRENT_SCHEMA_VERSIONS,
  MissingUpcasterError,
  isDomainEventType,
  upcastPayload,
} from '@junheng/domain';
import type { EventEnvelope } from './event-envelope';

export type PoisonReason =
  'malformed' | 'unknown-type' | 'future-schema-version' | 'missing-upcaster';

/** A message no reader of this version can apply. */
export class PoisonEventError extends Error {
  constructor(
    readonly reason: PoisonReason,
    message: string,
  ) {
    super(message);
    this.name = 'PoisonEventError';
  }
}

const STRING_FIELDS = [
  'eventId',
  'type',
  'streamId',
  'streamType',
  'occurredAt',
  'recordedAt',
] as const;
const NUMBER_FIELDS = [
  'schemaVersion',
  'streamVersion',
  'globalPosition',
  'transactionId',
] as const;

/** Parses a message value into today's envelope shape, upcasting older payloads. */
export function decodeEnvelope(value: string | Buffer | null): EventEnvelope {
  if (value === null) throw new PoisonEventError('malformed', 'Empty message');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString());
  } catch {
    throw new PoisonEventError('malformed', 'Message is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new PoisonEventError('malformed', 'Message is not a JSON object');
  }
  const candidate = parsed as Record<string, unknown>;
  for (const field of STRING_FIELDS) {
    if (typeof candidate[field] !== 'string') {
      throw new PoisonEventError('malformed', `Field "${field}" must be a string`);
    }
  }
  for (const field of NUMBER_FIELDS) {
    if (!Number.isInteger(candidate[field])) {
      throw new PoisonEventError('malformed', `Field "${field}" must be an integer`);
    }
  }
  if (typeof candidate.data !== 'object' || candidate.data === null) {
    throw new PoisonEventError('malformed', 'Field "data" must be an object');
  }
  const envelope = candidate as unknown as EventEnvelope;
  if (!isDomainEventType(envelope.type)) {
    throw new PoisonEventError('unknown-type', `Unknown event type "${envelope.type}"`);
  }
  const current: number = CURRENT_SCHEMA_VERSIONS[envelope.type];
  if (envelope.schemaVersion > current) {
    throw new PoisonEventError(
      'future-schema-version',
      `${envelope.type} v${envelope.schemaVersion} is newer than this reader's v${current}`,
    );
  }
  try {
    const data = upcastPayload(envelope.type, envelope.schemaVersion, envelope.data);
    return { ...envelope, schemaVersion: current, data };
  } catch (error) {
    if (error instanceof MissingUpcasterError) {
      throw new PoisonEventError('missing-upcaster', error.message);
    }
    throw error;
  }
}
