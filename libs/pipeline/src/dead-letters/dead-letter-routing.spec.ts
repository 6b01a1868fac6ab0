import type { EventEnvelope, SourceMessage } from '@junheng/messaging';
import { routeBatch } from './dead-letter-routing';

let position = 0;
const event = (streamId: string): SourceMessage => {
  position += 1;
  return {
    kind: 'event',
    origin: `t/0@${position}`,
    event: { eventId: `e${position}`, streamId, type: 'StudentEnrolled' } as EventEnvelope,
  };
};
const poison = (
  key: string | null,
  reason: 'malformed' | 'future-schema-version',
): SourceMessage => {
  position += 1;
  return {
    kind: 'poison',
    origin: `t/0@${position}`,
    poison: {
      reason,
      message: 'cannot read',
      origin: `t/0@${position}`,
      key,
      value: '{not json',
      headers: { 'junheng-event-type': 'StudentReturned' },
    },
  };
};

describe('routing a batch around poison messages', () => {
  it('applies everything when nothing is poisoned', () => {
    const messages = [event('student-a'), event('student-b')];
    const routed = routeBatch('kafka:t:0', messages, new Map());
    expect(routed.apply.map((applied) => applied.streamId)).toEqual(['student-a', 'student-b']);
    expect(routed.deadLetters).toEqual([]);
  });

  it('dead-letters a poison message and holds back the later events of its stream only', () => {
    const before = event('student-a');
    const bad = poison('student-a', 'future-schema-version');
    const later = event('student-a');
    const other = event('student-b');
    const held = new Map<string, string>();
    const routed = routeBatch('kafka:t:0', [before, bad, later, other], held);
    expect(routed.apply.map((applied) => applied.eventId)).toEqual([
      before.kind === 'event' ? before.event.eventId : '',
      other.kind === 'event' ? other.event.eventId : '',
    ]);
    expect(
      routed.deadLetters.map((letter) => [letter.reason, letter.origin, letter.heldBehind]),
    ).toEqual([
      ['future-schema-version', bad.origin, ''],
      ['held-back', later.origin, bad.origin],
    ]);
    expect(routed.deadLetters[0]).toMatchObject({
      streamId: 'student-a',
      eventType: 'StudentReturned',
      value: '{not json',
    });
    expect(held).toEqual(new Map([['student-a', bad.origin]]));
  });

  it('keeps holding a stream in later batches, behind the first poison', () => {
    const held = new Map([['student-a', 't/0@1']]);
    const routed = routeBatch(
      'kafka:t:0',
      [event('student-a'), poison('student-a', 'malformed')],
      held,
    );
    expect(routed.apply).toEqual([]);
    expect(routed.deadLetters.map((letter) => letter.heldBehind)).toEqual(['t/0@1', 't/0@1']);
  });

  it('cannot hold a stream for a message without a key, and applies the rest', () => {
    const routed = routeBatch(
      'kafka:t:0',
      [poison(null, 'malformed'), event('student-c')],
      new Map(),
    );
    expect(routed.deadLetters).toHaveLength(1);
    expect(routed.deadLetters[0]!.streamId).toBe('');
    expect(routed.apply).toHaveLength(1);
  });
});
