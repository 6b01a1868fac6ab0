import { inlineParameters } from './inline-parameters';

describe('query parameters written as typed literals (chDB)', () => {
  it('casts each value to the type its placeholder names', () => {
    expect(
      inlineParameters(
        "SELECT * FROM {db:Identifier}.t WHERE d = {day:Date} AND n < {limit:UInt32} AND s IN {codes:Array(String)} AND t <= {asOf:DateTime64(3, 'UTC')}",
        {
          db: 'junheng',
          day: '2024-09-01',
          limit: 100,
          codes: ['440311', '440305'],
          asOf: '2199-12-31 23:59:59.999',
        },
      ),
    ).toBe(
      "SELECT * FROM `junheng`.t WHERE d = CAST('2024-09-01' AS Date) AND n < CAST(100 AS UInt32) AND s IN CAST(['440311', '440305'] AS Array(String)) AND t <= CAST('2199-12-31 23:59:59.999' AS DateTime64(3, 'UTC'))",
    );
  });

  it('keeps a string a string, whatever it holds', () => {
    expect(inlineParameters('SELECT {s:String}', { s: "x' OR 1=1 -- \\' }" })).toBe(
      "SELECT CAST('x\\' OR 1=1 -- \\\\\\' }' AS String)",
    );
  });

  it('refuses what it cannot write safely', () => {
    expect(() => inlineParameters('SELECT {s:String}', {})).toThrow('has no value');
    expect(() => inlineParameters('SELECT 1 FROM {db:Identifier}.t', { db: 'a.b' })).toThrow(
      'not an identifier',
    );
    expect(() => inlineParameters('SELECT {n:Float64}', { n: Number.NaN })).toThrow('not finite');
    expect(() => inlineParameters('SELECT {o:String}', { o: { a: 1 } })).toThrow('neither');
  });
});
