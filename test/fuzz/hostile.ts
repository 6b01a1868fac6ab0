import fc from 'fast-check';

/**
 * JSON text that JSON.stringify cannot write (a 100,000-level nest, a number beyond double
 * precision, bytes that are not UTF-8), spliced into a body by `serialize`. `standsFor` is
 * what the server would read, as far as a schema check can tell (null: cannot tell).
 */
export class RawJson {
  constructor(
    readonly bytes: Buffer,
    readonly standsFor: { readonly value: unknown } | null,
    readonly label: string,
  ) {}
  toString(): string {
    return `RawJson(${this.label})`;
  }
}

const raw = (text: string | Buffer, standsFor: { value: unknown } | null, label: string) =>
  new RawJson(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, standsFor, label);

/** 100,000 levels, built as text: `[[[…]]]` or `{"a":{"a":…1}}`. */
export const DEEP_LEVELS = 100_000;
export const deepArrayText = (levels = DEEP_LEVELS): string =>
  `${'['.repeat(levels)}${']'.repeat(levels)}`;
export const deepObjectText = (levels = DEEP_LEVELS): string =>
  `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** Bytes that are not UTF-8 (a lone continuation byte, 0xFF, an encoded surrogate) in a string. */
export const INVALID_UTF8_STRING = Buffer.from([
  0x22, 0x61, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x62, 0x22,
]);

const text = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : 'x';

/**
 * Hostile replacements for a schema-valid value, by name (the name is what a counterexample
 * shows; the value is built from it and from the valid value it replaces).
 */
export const HOSTILE: Readonly<Record<string, (valid: unknown) => unknown>> = {
  // wrong types
  null: () => null,
  true: () => true,
  zero: () => 0,
  'empty-string': () => '',
  'empty-array': () => [],
  'empty-object': () => ({}),
  'wrapped-in-array': (valid) => [valid],
  'wrapped-in-object': (valid) => ({ value: valid }),
  'number-as-string': (valid) => (typeof valid === 'number' ? String(valid) : '7'),
  'digits-as-number': (valid) =>
    typeof valid === 'string' && /^\d{1,15}$/.test(valid) ? Number(valid) : 12,
  // strings
  nul: () => '\u0000',
  'nul-appended': (valid) => `${text(valid)}\u0000`,
  'nul-inside': (valid) => `a\u0000${text(valid)}`,
  'lone-high-surrogate': () => '\ud800',
  'lone-surrogate-appended': (valid) => `${text(valid)}\udfff`,
  'long-100k': () => 'x'.repeat(100_000),
  'long-digits-5k': () => '1'.repeat(5_000),
  'padded-with-spaces': (valid) => ` ${text(valid)} `,
  'upper-cased': (valid) => text(valid).toUpperCase(),
  'unicode-mix': () => '𝔘𝔫𝔦 😀 \u202e 测试\u200b',
  'sql-ish': () => "'; DROP TABLE events; --",
  'control-characters': () => '\u0001\u001b[31m\r\n\t',
  'percent-00': () => '%00',
  'proto-as-string': () => '__proto__',
  'constructor-as-string': () => 'constructor',
  'toString-as-string': () => 'toString',
  'hasOwnProperty-as-string': () => 'hasOwnProperty',
  // numbers
  '2^31': () => 2 ** 31,
  '2^32+1': () => 2 ** 32 + 1,
  '2^53+1 (raw)': () => raw('9007199254740993', { value: 2 ** 53 }, '2^53+1'),
  '1e300': () => 1e300,
  '1e400 (raw)': () => raw('1e400', { value: Infinity }, '1e400'),
  '400 digits (raw)': () => raw(`1${'0'.repeat(400)}`, { value: Infinity }, '1e400 digits'),
  '-1': () => -1,
  'one-half': () => 0.5,
  'negative-zero (raw)': () => raw('-0', { value: 0 }, '-0'),
  '1e-300': () => 1e-300,
  'NaN-string': () => 'NaN',
  'Infinity-string': () => 'Infinity',
  '1e300-string': () => '1e300',
  '20-nines-string': () => '99999999999999999999',
  // dates
  '9999-12-31': () => '9999-12-31',
  '0001-01-01': () => '0001-01-01',
  '0000-00-00': () => '0000-00-00',
  '2024-02-30': () => '2024-02-30',
  '2023-02-29': () => '2023-02-29',
  '2024-13-01': () => '2024-13-01',
  '+275760-09-13': () => '+275760-09-13T00:00:00.000Z',
  // structure
  'proto-key-object': () => JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
  'constructor-prototype-object': () => ({ constructor: { prototype: { polluted: true } } }),
  'nested-200': () => nestedObject(200),
  'deep-100k-array (raw)': () => raw(deepArrayText(), { value: [[]] }, 'deep array'),
  'deep-100k-object (raw)': () => raw(deepObjectText(), { value: { a: { a: 1 } } }, 'deep object'),
  'invalid-utf8 (raw)': () => raw(INVALID_UTF8_STRING, null, 'invalid UTF-8'),
};
export const HOSTILE_NAMES = Object.keys(HOSTILE);

/** Keys that a careless `target[key] = value` or a prototype lookup trips over. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'prototype',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'unknownField',
  '',
  'a.b',
  'student\u0000',
] as const;

function nestedObject(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level += 1) value = { a: value };
  return value;
}

/** The value a hostile name builds from a valid one. */
export function hostile(name: string, valid: unknown): unknown {
  const build = HOSTILE[name];
  if (build === undefined) throw new Error(`no hostile value ${name}`);
  return build(valid);
}

/**
 * JSON bytes of a value that may hold RawJson pieces and keys such as `__proto__` (own
 * properties survive JSON.stringify).
 */
export function serialize(value: unknown): Buffer {
  const pieces: RawJson[] = [];
  const marker = (index: number) => `\u0000raw-json-${index}\u0000`;
  const json = JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof RawJson) {
      pieces.push(item);
      return marker(pieces.length - 1);
    }
    return item;
  });
  if (pieces.length === 0) return Buffer.from(json ?? 'null', 'utf8');
  const parts: Buffer[] = [];
  let rest = json ?? 'null';
  pieces.forEach((piece, index) => {
    const token = JSON.stringify(marker(index));
    const at = rest.indexOf(token);
    parts.push(Buffer.from(rest.slice(0, at), 'utf8'), piece.bytes);
    rest = rest.slice(at + token.length);
  });
  parts.push(Buffer.from(rest, 'utf8'));
  return Buffer.concat(parts);
}

/**
 * What the server would parse from a value holding RawJson pieces, for the schema check;
 * null when a piece cannot be judged (invalid UTF-8).
 */
export function asParsed(value: unknown): { value: unknown } | null {
  if (value instanceof RawJson) return value.standsFor;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const parsed = asParsed(item);
      if (parsed === null) return null;
      items.push(parsed.value);
    }
    return { value: items };
  }
  if (value !== null && typeof value === 'object') {
    const record: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const parsed = asParsed((value as Record<string, unknown>)[key]);
      if (parsed === null) return null;
      Object.defineProperty(record, key, {
        value: parsed.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return { value: record };
  }
  return { value };
}

/** Whether a value holds RawJson anywhere (such values cannot go into a query string). */
export function holdsRaw(value: unknown): boolean {
  if (value instanceof RawJson) return true;
  if (Array.isArray(value)) return value.some(holdsRaw);
  if (value !== null && typeof value === 'object')
    return Object.values(value as Record<string, unknown>).some(holdsRaw);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Personal identifiers: realistic 身份证号 (GB 11643 check digit) and 全国学籍号 (G + ID number).

const REGIONS = ['440311', '440305', '440106', '450103', '110101', '310115', '440304'] as const;
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';

export function idCheckDigit(first17: string): string {
  const sum = [...first17].reduce(
    (total, digit, index) => total + Number(digit) * WEIGHTS[index]!,
    0,
  );
  return CHECK[sum % 11]!;
}

/** An 18-character ID number: region, birth date, sequence, check digit (X in either case). */
export const idNumber: fc.Arbitrary<string> = fc
  .record({
    region: fc.constantFrom(...REGIONS),
    birth: fc.date({
      min: new Date('1960-01-01T00:00:00Z'),
      max: new Date('2019-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    sequence: fc.integer({ min: 0, max: 999 }),
    lowerCaseX: fc.boolean(),
  })
  .map(({ region, birth, sequence, lowerCaseX }) => {
    const first17 = `${region}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
    const check = idCheckDigit(first17);
    return `${first17}${lowerCaseX ? check.toLowerCase() : check}`;
  });

/** A student's 学籍号: G (sometimes L, J, lower case, or none) and an ID number. */
export const studentNumber: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('G', 'G', 'G', 'L', 'J', 'g', ''), idNumber)
  .map(([prefix, id]) => `${prefix}${id}`);

export const personalIdentifier = (kind: 'student' | 'teacher'): fc.Arbitrary<string> =>
  kind === 'student' ? studentNumber : idNumber;

/**
 * The forms of the identifiers a text carries that must never come back: each ID-shaped run
 * in either case, and its first 16 digits.
 */
export function identifierForms(values: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const value of values) {
    for (const match of value.matchAll(/[GLJ]?(\d{17}[\dX])/gi)) {
      const id = match[1]!;
      forms.add(match[0].toLowerCase());
      forms.add(id.toLowerCase());
      forms.add(id.slice(0, 16));
    }
  }
  return [...forms];
}

// ---------------------------------------------------------------------------------------------
// Read parameters: what a query string or a path segment may carry.

const base64url = (value: string) => Buffer.from(value, 'utf8').toString('base64url');
const cursorOf = (offset: string, asOf: string) => base64url(`[${offset},${JSON.stringify(asOf)}]`);
const NOW = '2026-01-01T00:00:00.000Z';

/** Hostile query-string / path values: `text` is URL-encoded, `raw` is sent as it stands. */
export const HOSTILE_PARAMETERS: Readonly<Record<string, { text: string } | { raw: string }>> = {
  '1e300': { text: '1e300' },
  '20 nines': { text: '99999999999999999999' },
  '2^32+1': { text: String(2 ** 32 + 1) },
  '2^53+1': { text: '9007199254740993' },
  '-1': { text: '-1' },
  zero: { text: '0' },
  'one and a half': { text: '1.5' },
  NaN: { text: 'NaN' },
  Infinity: { text: 'Infinity' },
  hex: { text: '0x10' },
  empty: { text: '' },
  space: { text: ' ' },
  'long 10k': { text: 'x'.repeat(10_000) },
  '%00': { raw: '%00' },
  'a%00b': { raw: 'a%00b' },
  '%ff': { raw: '%ff' },
  'lone %': { raw: '%' },
  '%zz': { raw: '%zz' },
  'encoded surrogate %ED%A0%80': { raw: '%ED%A0%80' },
  '9999-12-31': { text: '9999-12-31' },
  '0001-01-01': { text: '0001-01-01' },
  '+275760-09-13': { text: '+275760-09-13T00:00:00.000Z' },
  '2024-13-45': { text: '2024-13-45' },
  '2024-10-15T25:61:00Z': { text: '2024-10-15T25:61:00Z' },
  // A computed key: a literal `__proto__:` would set the prototype instead.
  ['__proto__']: { text: '__proto__' },
  constructor: { text: 'constructor' },
  'unicode mix': { text: '测试 😀 \u202e' },
  'cursor offset 1e300': { text: cursorOf('1e300', NOW) },
  'cursor offset 2^32+1': { text: cursorOf(String(2 ** 32 + 1), NOW) },
  'cursor offset 2^53+1': { text: cursorOf('9007199254740993', NOW) },
  'cursor offset 1e400': { text: cursorOf('1e400', NOW) },
  'cursor offset -1': { text: cursorOf('-1', NOW) },
  'cursor offset 0.5': { text: cursorOf('0.5', NOW) },
  'cursor asOf 9999-12-31': { text: cursorOf('1', '9999-12-31T23:59:59.999Z') },
  'cursor asOf 0001-01-01': { text: cursorOf('1', '0001-01-01T00:00:00.000Z') },
  'cursor asOf +275760': { text: cursorOf('1', '+275760-09-13T00:00:00.000Z') },
  'cursor asOf date only': { text: cursorOf('1', '2024-10-01') },
  'cursor asOf 1': { text: cursorOf('1', '1') },
  'cursor object': { text: base64url('{"offset":1}') },
  'cursor of NUL': { text: base64url('\u0000') },
  'cursor not base64': { text: '!!!not-a-cursor!!!' },
};
export const HOSTILE_PARAMETER_NAMES = Object.keys(HOSTILE_PARAMETERS);

// ---------------------------------------------------------------------------------------------
// Which hostile values suit which field: a string field meets NUL and surrogates more often than
// a boolean does, so that every field gets its share of the values that matter for its type.

const STRING_VALUES = [
  'nul',
  'nul-appended',
  'nul-inside',
  'lone-high-surrogate',
  'lone-surrogate-appended',
  'long-100k',
  'long-digits-5k',
  'padded-with-spaces',
  'upper-cased',
  'unicode-mix',
  'sql-ish',
  'control-characters',
  'percent-00',
  'proto-as-string',
  'constructor-as-string',
  'toString-as-string',
  'hasOwnProperty-as-string',
  'empty-string',
  '20-nines-string',
];
const DATE_VALUES = [
  '9999-12-31',
  '0001-01-01',
  '0000-00-00',
  '2024-02-30',
  '2023-02-29',
  '2024-13-01',
  '+275760-09-13',
];
const NUMBER_VALUES = [
  '2^31',
  '2^32+1',
  '2^53+1 (raw)',
  '1e300',
  '1e400 (raw)',
  '400 digits (raw)',
  '-1',
  'one-half',
  'negative-zero (raw)',
  '1e-300',
  'NaN-string',
  'Infinity-string',
  '1e300-string',
  'number-as-string',
];
const TYPE_VALUES = [
  'null',
  'true',
  'zero',
  'empty-string',
  'empty-array',
  'empty-object',
  'wrapped-in-array',
  'wrapped-in-object',
  'digits-as-number',
];
const STRUCTURE_VALUES = [
  'proto-key-object',
  'constructor-prototype-object',
  'nested-200',
  'deep-100k-array (raw)',
  'deep-100k-object (raw)',
  'invalid-utf8 (raw)',
];

/** Hostile value names for a field of these JSON types, the fitting ones first (weighted). */
export function hostileNamesFor(
  types: readonly string[],
  looksLikeDate: boolean,
): Array<{ readonly weight: number; readonly names: readonly string[] }> {
  const fitting: string[] = [];
  if (types.includes('string'))
    fitting.push(...STRING_VALUES, ...(looksLikeDate ? DATE_VALUES : []));
  if (types.includes('integer') || types.includes('number')) fitting.push(...NUMBER_VALUES);
  const others = [...TYPE_VALUES, ...STRUCTURE_VALUES, ...(looksLikeDate ? [] : DATE_VALUES)];
  if (!types.includes('string')) others.push('nul', 'lone-high-surrogate', 'long-100k');
  if (!types.includes('integer') && !types.includes('number')) others.push('1e300', '2^32+1', '-1');
  const groups = [{ weight: 1, names: others.filter((name) => !fitting.includes(name)) }];
  if (fitting.length > 0) groups.unshift({ weight: 3, names: fitting });
  return groups;
}

const PARAMETER_CATEGORIES = {
  number: [
    '1e300',
    '20 nines',
    '2^32+1',
    '2^53+1',
    '-1',
    'zero',
    'one and a half',
    'NaN',
    'Infinity',
    'hex',
  ],
  date: ['9999-12-31', '0001-01-01', '+275760-09-13', '2024-13-45', '2024-10-15T25:61:00Z'],
  cursor: HOSTILE_PARAMETER_NAMES.filter((name) => name.startsWith('cursor')),
} as const;

/** Hostile parameter names for a parameter of these JSON types (weighted like the above). */
export function hostileParametersFor(
  types: readonly string[],
  format: string | undefined,
): Array<{ readonly weight: number; readonly names: readonly string[] }> {
  const fitting: string[] =
    types.includes('integer') || types.includes('number')
      ? [...PARAMETER_CATEGORIES.number]
      : format === 'date' || format === 'date-time'
        ? [...PARAMETER_CATEGORIES.date]
        : [...PARAMETER_CATEGORIES.cursor, ...PARAMETER_CATEGORIES.date];
  const others = HOSTILE_PARAMETER_NAMES.filter((name) => !fitting.includes(name));
  return [
    { weight: 3, names: fitting },
    { weight: 2, names: others },
  ];
}
