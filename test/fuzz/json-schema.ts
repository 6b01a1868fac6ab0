import fc from 'fast-check';

/**
 * The part of JSON Schema (OpenAPI 3.1) that Junheng's committed documents use: what
 * class-validator-jsonschema writes for the DTOs and @nestjs/swagger for parameters.
 */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly $ref?: string;
  readonly pattern?: string;
  readonly format?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
}

/** Keywords the generator and the validator below understand; anything else is a gap. */
const UNDERSTOOD = new Set([
  'type',
  'enum',
  'oneOf',
  'anyOf',
  '$ref',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'items',
  'minItems',
  'maxItems',
  'properties',
  'required',
  'additionalProperties',
  'description',
  'title',
  'default',
  'example',
  'examples',
]);
const UNDERSTOOD_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'array', 'object']);
const UNDERSTOOD_FORMATS = new Set(['date', 'date-time']);

/** Why a schema cannot be fuzzed faithfully (keywords or types this suite does not know). */
export function schemaGaps(schema: JsonSchema, where: string): string[] {
  const gaps: string[] = [];
  for (const key of Object.keys(schema)) {
    if (!UNDERSTOOD.has(key)) gaps.push(`${where}: keyword "${key}"`);
  }
  const types = typesOf(schema);
  for (const type of types) {
    if (type !== 'null' && !UNDERSTOOD_TYPES.has(type)) gaps.push(`${where}: type "${type}"`);
  }
  if (schema.format !== undefined && !UNDERSTOOD_FORMATS.has(schema.format)) {
    gaps.push(`${where}: format "${schema.format}"`);
  }
  if (schema.$ref !== undefined) gaps.push(`${where}: unresolved $ref ${schema.$ref}`);
  if (
    types.length === 0 &&
    schema.enum === undefined &&
    schema.oneOf === undefined &&
    schema.anyOf === undefined
  ) {
    gaps.push(`${where}: no type`);
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    gaps.push(...schemaGaps(property, `${where}.${name}`));
  }
  if (schema.items !== undefined) gaps.push(...schemaGaps(schema.items, `${where}[]`));
  for (const [index, branch] of [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].entries()) {
    gaps.push(...schemaGaps(branch, `${where}|${index}`));
  }
  return gaps;
}

/** Inlines every `#/components/schemas/...` reference. */
export function resolveRefs(
  schema: JsonSchema,
  document: unknown,
  seen: string[] = [],
): JsonSchema {
  if (schema.$ref !== undefined) {
    const ref = schema.$ref;
    if (seen.includes(ref)) throw new Error(`recursive schema ${ref}`);
    const target = ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>(
        (node, key) =>
          node !== null && typeof node === 'object'
            ? (node as Record<string, unknown>)[key]
            : undefined,
        document,
      );
    if (target === undefined || target === null || typeof target !== 'object') return schema;
    return resolveRefs(target, document, [...seen, ref]);
  }
  const resolved: Record<string, unknown> = { ...schema };
  if (schema.properties !== undefined) {
    resolved.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [
        name,
        resolveRefs(property, document, seen),
      ]),
    );
  }
  if (schema.items !== undefined) resolved.items = resolveRefs(schema.items, document, seen);
  if (schema.oneOf !== undefined)
    resolved.oneOf = schema.oneOf.map((branch) => resolveRefs(branch, document, seen));
  if (schema.anyOf !== undefined)
    resolved.anyOf = schema.anyOf.map((branch) => resolveRefs(branch, document, seen));
  return resolved;
}

export function typesOf(schema: JsonSchema): readonly string[] {
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : schema.type;
}

const codePoints = (text: string): number => [...text].length;

/** RFC 3339 full-date, a real day. */
function isDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** RFC 3339 date-time (with a zone). */
function isDateTime(text: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(
    text,
  );
  return (
    match !== null &&
    isDate(match[1]!) &&
    Number(match[2]) < 24 &&
    Number(match[3]) < 60 &&
    Number(match[4]) < 60
  );
}

/**
 * Whether a value definitely breaks its schema. Objects admit no unknown keys (Junheng refuses
 * unknown fields: docs/api.md), and `null` in an optional field counts as absent, as
 * class-validator's IsOptional reads it; that leniency is the only departure from JSON Schema.
 */
export function breaksSchema(schema: JsonSchema, value: unknown): boolean {
  return !conforms(schema, value);
}

export function conforms(schema: JsonSchema, value: unknown): boolean {
  if (schema.enum !== undefined && !schema.enum.some((option) => Object.is(option, value))) {
    // Enums of numbers also match their equal value (-0 and 0 aside, as JSON cannot tell).
    if (!schema.enum.some((option) => option === value)) return false;
  }
  if (schema.oneOf !== undefined) {
    if (schema.oneOf.filter((branch) => conforms(branch, value)).length !== 1) return false;
  }
  if (schema.anyOf !== undefined && !schema.anyOf.some((branch) => conforms(branch, value))) {
    return false;
  }
  const types = typesOf(schema);
  if (types.length === 0) return true;
  return types.some((type) => conformsAs(type, schema, value));
}

function conformsAs(type: string, schema: JsonSchema, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string': {
      if (typeof value !== 'string') return false;
      if (schema.minLength !== undefined && value.length < schema.minLength) return false;
      if (schema.maxLength !== undefined && codePoints(value) > schema.maxLength) return false;
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) return false;
      if (schema.format === 'date' && !isDate(value)) return false;
      if (schema.format === 'date-time' && !isDateTime(value)) return false;
      return true;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      if (type === 'integer' && !Number.isInteger(value)) return false;
      if (schema.minimum !== undefined && value < schema.minimum) return false;
      if (schema.maximum !== undefined && value > schema.maximum) return false;
      return true;
    }
    case 'array': {
      if (!Array.isArray(value)) return false;
      if (schema.minItems !== undefined && value.length < schema.minItems) return false;
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
      const items = schema.items;
      return items === undefined || value.every((item) => conforms(items, item));
    }
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
      const record = value as Record<string, unknown>;
      const properties = schema.properties ?? {};
      for (const name of schema.required ?? []) {
        if (!Object.prototype.hasOwnProperty.call(record, name) || record[name] === undefined)
          return false;
        if (record[name] === null && !typesOf(properties[name] ?? {}).includes('null'))
          return false;
      }
      for (const key of Object.keys(record)) {
        const property = Object.prototype.hasOwnProperty.call(properties, key)
          ? properties[key]
          : undefined;
        if (property === undefined) {
          if (schema.additionalProperties !== true) return false;
          continue;
        }
        const field = record[key];
        if (field === undefined) continue;
        if (field === null && !(schema.required ?? []).includes(key)) continue;
        if (!conforms(property, field)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** What the valid-value generator may use: realistic examples and fixed values by field. */
export interface ValueHints {
  /** Realistic strings (codes of registered schools, districts, dates…): used when they fit. */
  readonly examples: readonly string[];
  /** Realistic numbers (school years, grades, small counts): used when they fit. */
  readonly numbers?: readonly number[];
  /** Arbitraries for named properties (personal identifiers), ahead of the schema. */
  readonly byProperty?: Readonly<Record<string, fc.Arbitrary<unknown>>>;
}

const ISO_DAY_MIN = new Date('2000-01-01T00:00:00Z');
const ISO_DAY_MAX = new Date('2030-12-31T00:00:00Z');

/**
 * Values that satisfy a schema, biased towards realistic ones (registered schools, the
 * caller's district, recent dates) so that requests get past shape checks and reach the
 * domain's rules and the event store.
 */
export function validValue(schema: JsonSchema, hints: ValueHints): fc.Arbitrary<unknown> {
  const arbitrary = rawValidValue(schema, hints);
  // A generator that cannot meet its schema must not hang the suite: after many misses it lets
  // values through, and the gap test (which samples every target) reports it.
  let misses = 0;
  return arbitrary.filter((value) => conforms(schema, value) || (misses += 1) > MAX_MISSES);
}

const MAX_MISSES = 10_000;

function rawValidValue(schema: JsonSchema, hints: ValueHints): fc.Arbitrary<unknown> {
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches !== undefined && branches.length > 0) {
    return fc.oneof(...branches.map((branch) => rawValidValue(branch, hints)));
  }
  const type = typesOf(schema).find((candidate) => candidate !== 'null') ?? 'string';
  switch (type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (type === 'integer' ? -1000 : -1e6);
      const max = schema.maximum ?? (type === 'integer' ? 1_000_000 : 1e9);
      const realisticMax = Math.min(max, Math.max(min, 0) + 500);
      const realistic = fc.integer({ min: Math.ceil(min), max: Math.floor(realisticMax) });
      const wide =
        type === 'integer'
          ? fc.integer({
              min: Math.max(Math.ceil(min), Number.MIN_SAFE_INTEGER),
              max: Math.min(Math.floor(max), Number.MAX_SAFE_INTEGER),
            })
          : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
      const fitting = (hints.numbers ?? []).filter((example) => conformsAs(type, schema, example));
      return fitting.length === 0
        ? fc.oneof({ weight: 4, arbitrary: realistic }, { weight: 1, arbitrary: wide })
        : fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(...fitting) },
            { weight: 2, arbitrary: realistic },
            { weight: 1, arbitrary: wide },
          );
    }
    case 'array': {
      const items = schema.items ?? { type: 'string' };
      const minLength = schema.minItems ?? 0;
      return fc.array(rawValidValue(items, hints), {
        minLength,
        maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 3, 3)),
      });
    }
    case 'object': {
      const properties = schema.properties ?? {};
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) {
        const hint = hints.byProperty?.[name];
        // A named property's arbitrary gives one value; a list of them (a class graduation's
        // `except`: 学籍号) is a list of such values.
        model[name] =
          hint === undefined
            ? rawValidValue(property, hints)
            : typesOf(property).includes('array')
              ? fc.array(hint, { maxLength: Math.min(property.maxItems ?? 3, 3) })
              : hint;
      }
      return fc.record(model, { requiredKeys: [...(schema.required ?? [])] as never[] });
    }
    default:
      return validString(schema, hints);
  }
}

function validString(schema: JsonSchema, hints: ValueHints): fc.Arbitrary<string> {
  const fitting = hints.examples.filter((example) =>
    conformsAs('string', { ...schema, type: 'string' }, example),
  );
  let generated: fc.Arbitrary<string>;
  if (schema.pattern !== undefined) {
    generated = fc.stringMatching(new RegExp(schema.pattern));
  } else if (schema.format === 'date' || schema.format === 'date-time') {
    generated = fc
      .date({ min: ISO_DAY_MIN, max: ISO_DAY_MAX, noInvalidDate: true })
      .map((date) =>
        schema.format === 'date' ? date.toISOString().slice(0, 10) : date.toISOString(),
      );
  } else {
    const minLength = schema.minLength ?? 0;
    generated = fc.string({
      minLength,
      maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 20, 20)),
      unit: 'grapheme',
    });
  }
  if (fitting.length === 0) return generated;
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...fitting) },
    { weight: 1, arbitrary: generated },
  );
}
