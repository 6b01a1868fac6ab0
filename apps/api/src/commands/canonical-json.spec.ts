import fc from 'fast-check';
import { canonicalJson as canonical } from './canonical-json';

/** The recursive definition canonical() replaced: the digests of every entry before it. */
function recursive(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(recursive).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : 1,
    );
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${recursive(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

describe('canonical parameters', () => {
  it('are the sorted-keys JSON the recursive definition gave, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonical(value)).toBe(recursive(value));
      }),
      { numRuns: 500 },
    );
    expect(canonical({ b: [1, { d: null, c: 'x' }], a: undefined })).toBe(
      '{"a":null,"b":[1,{"c":"x","d":null}]}',
    );
  });

  it('survive a body nested 100,000 deep, where the recursive walk overflowed the stack', () => {
    const depth = 100_000;
    const text = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const nested: unknown = JSON.parse(text);
    expect(() => recursive(nested)).toThrow(RangeError);
    expect(canonical(nested)).toBe(text);
    const arrays: unknown = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    expect(canonical({ body: arrays })).toHaveLength(depth * 2 + 9);
  });

  it('write a value that contains itself once, instead of looping', () => {
    const looped: Record<string, unknown> = { a: 1 };
    looped.self = looped;
    expect(canonical(looped)).toBe('{"a":1,"self":"[circular]"}');
    // The same object twice side by side is no loop.
    const shared = { x: 1 };
    expect(canonical([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});
