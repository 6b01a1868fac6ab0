import type { RecordedEvent } from '@junheng/event-store';
import { encodeEnvelope } from './event-envelope';
import { PoisonEventError, decodeEnvelope } from './envelope-decoder';

const event: RecordedEvent = {
  eventId: '5f0c6f0e-7a39-4b2b-9a53-64b4c1f3d9a1',
  type: 'LessonExchanged',
  schemaVersion: 2,
  streamId: 'lesson-exchange-1',
  streamType: 'lesson-exchange',
  streamVersion: 1,
  globalPosition: 7,
  transactionId: 700,
  occurredAt: '2024-10-15T00:00:00.000Z',
  recordedAt: '2024-10-16T09:30:00.000Z',
  districtCode: '440311',
  actor: 'clerk',
  actorRole: 'district-clerk',
  actorScope: '44/4403/440311',
  commandId: 'key-1',
  correlationId: 'corr-1',
  data: { attendees: 67, pairingId: null },
};

function reasonOf(value: string): string {
  try {
    decodeEnvelope(value);
  } catch (error) {
    if (error instanceof PoisonEventError) return error.reason;
    throw error;
  }
  return 'decoded';
}

describe('event envelope', () => {
  it('round-trips with key = stream id and the routing headers', () => {
    const message = encodeEnvelope(event);
    expect(message.key).toBe('lesson-exchange-1');
    expect(message.headers).toEqual({
      'junheng-event-id': event.eventId,
      'junheng-event-type': 'LessonExchanged',
      'junheng-schema-version': '2',
      'junheng-correlation-id': 'corr-1',
    });
    expect(decodeEnvelope(Buffer.from(message.value))).toEqual(event);
  });

  it('treats what it cannot apply as poison, with the reason', () => {
    expect(reasonOf('{not json')).toBe('malformed');
    expect(reasonOf('[]')).toBe('malformed');
    expect(reasonOf(JSON.stringify({ ...event, globalPosition: 'seven' }))).toBe('malformed');
    expect(reasonOf(JSON.stringify({ ...event, type: 'TeacherTeleported' }))).toBe('unknown-type');
    expect(reasonOf(JSON.stringify({ ...event, schemaVersion: 3 }))).toBe('future-schema-version');
    expect(reasonOf(JSON.stringify(event))).toBe('decoded');
  });
});
