import { deterministicEventId, uuidV5 } from './event-ids';

describe('event ids', () => {
  it('computes RFC 9562 version 5 UUIDs (the RFC example: www.example.com in the DNS namespace)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('gives a retried command the same ids and different commands different ones', () => {
    expect(deterministicEventId('key-1', 0)).toBe(deterministicEventId('key-1', 0));
    expect(deterministicEventId('key-1', 0)).not.toBe(deterministicEventId('key-1', 1));
    expect(deterministicEventId('key-1', 0)).not.toBe(deterministicEventId('key-2', 0));
  });
});
