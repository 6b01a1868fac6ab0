import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives equal text for equal values whatever the field order', () => {
    expect(canonicalJson({ x: 1, y: [true, null] })).toBe(canonicalJson({ y: [true, null], x: 1 }));
  });

  it('writes what JSON.stringify writes for scalars and drops undefined fields', () => {
    expect(canonicalJson({ a: undefined, b: 'é\u0000', c: 1.5 })).toBe('{"b":"é\\u0000","c":1.5}');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
  });

  it('survives nesting far deeper than a recursive writer could', () => {
    let value: unknown = 1;
    for (let depth = 0; depth < 200_000; depth += 1) value = [value];
    const text = canonicalJson(value);
    expect(text.length).toBe(200_000 * 2 + 1);
  });
});
