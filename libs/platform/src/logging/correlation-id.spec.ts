import type { IncomingMessage } from 'node:http';
import { CORRELATION_ID_HEADER, correlationIdOf } from './logging.module';

const request = (value: string | undefined) =>
  ({ headers: value === undefined ? {} : { [CORRELATION_ID_HEADER]: value } }) as IncomingMessage;

describe('correlationIdOf', () => {
  it("keeps a caller's UUID, so its logs and ours can be joined", () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(correlationIdOf(request(id))).toBe(id);
  });

  it.each([
    ['an ID number', '44031119770707313X'],
    ['a 学籍号', 'G44031120110315002X'],
    ['free text', 'order-12345'],
  ])(
    'replaces %s with a fresh UUID: nothing a caller writes reaches every log line',
    (_, given) => {
      const id = correlationIdOf(request(given));
      expect(id).not.toBe(given);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    },
  );
});
