import fc from 'fast-check';
import { bearer } from '@junheng/testing';
import type { Expectation, WireRequest } from './oracle';
import type { JsonSchema, ValueHints } from './json-schema';
import { breaksSchema, conforms, typesOf, validValue } from './json-schema';
import type { Plan } from './plans';
import { applyPlan, checklistPlans, planArbitrary } from './plans';
import {
  DEEP_LEVELS,
  HOSTILE_KEYS,
  HOSTILE_PARAMETERS,
  HOSTILE_PARAMETER_NAMES,
  INVALID_UTF8_STRING,
  RawJson,
  asParsed,
  deepArrayText,
  holdsRaw,
  hostileParametersFor,
  identifierForms,
  personalIdentifier,
  serialize,
} from './hostile';
import type {
  GraphqlTarget,
  ImportRowVariant,
  ImportTarget,
  OpenApiParameter,
  PersonalKind,
  RestCommandTarget,
  RestReadTarget,
  Target,
} from './surface';
import { IMPORT_FORMATS, graphqlDocument } from './surface';

/** Who calls: a province administrator of Guangdong, and a district clerk of Guangming. */
export const CALLERS = {
  'province-admin 44': () => bearer('province-admin', '44', 'fuzz-province-admin'),
  'district-clerk 44/4403/440311': () =>
    bearer('district-clerk', '44/4403/440311', 'fuzz-district-clerk'),
} as const;
export type CallerName = keyof typeof CALLERS;
const caller = fc.constantFrom(...(Object.keys(CALLERS) as CallerName[]));

export interface Built {
  readonly request: WireRequest;
  readonly expectation: Expectation;
}

const MAX_BODY_BYTES = 1024 * 1024;

function hintsWithIdentifiers(
  hints: ValueHints,
  personal: Readonly<Record<string, PersonalKind>>,
): ValueHints {
  const byProperty: Record<string, fc.Arbitrary<unknown>> = { ...hints.byProperty };
  for (const [field, kind] of Object.entries(personal))
    byProperty[field] = personalIdentifier(kind);
  return { ...hints, byProperty };
}

/** Every string under a key naming a personal identifier, at any depth. */
function personalStrings(value: unknown, names: ReadonlySet<string>, inside = false): string[] {
  if (typeof value === 'string') return inside ? [value] : [];
  if (value instanceof RawJson) return inside ? [value.bytes.toString('latin1')] : [];
  if (Array.isArray(value)) return value.flatMap((item) => personalStrings(item, names, inside));
  if (value !== null && typeof value === 'object') {
    return Object.keys(value).flatMap((key) =>
      personalStrings((value as Record<string, unknown>)[key], names, inside || names.has(key)),
    );
  }
  return [];
}

/** Idempotency keys: mostly well-formed, sometimes not (too long, spaces, non-ASCII). */
const idempotencyKey = fc.option(
  fc.oneof(
    { weight: 5, arbitrary: fc.stringMatching(/^fuzz-[\w.:-]{1,40}$/) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('x'.repeat(201), ' spaced key ', 'clé-é', '../../etc', '""', '*'),
    },
  ),
  { freq: 3 },
);

function headerSchema(
  parameters: readonly OpenApiParameter[],
  name: string,
): JsonSchema | undefined {
  return parameters.find(
    (parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === name.toLowerCase(),
  )?.schema;
}

// ---------------------------------------------------------------------------------------------
// REST commands: a JSON body from the DTO's schema, mutated; sometimes the wrong media type or
// bytes that are not JSON at all.

const BODY_TRANSPORTS = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'no content type',
  'not JSON',
  'empty body',
  'over 1 MB',
  'charset=latin1',
  'UTF-8 BOM',
] as const;
type BodyTransport = 'json' | (typeof BODY_TRANSPORTS)[number];

export interface RestCommandInput {
  readonly caller: CallerName;
  readonly body: unknown;
  readonly plan: Plan;
  readonly transport: BodyTransport;
  readonly idempotencyKey: string | null;
}

export function restCommandInput(
  target: RestCommandTarget,
  hints: ValueHints,
): fc.Arbitrary<RestCommandInput> {
  return fc.record({
    caller,
    body: validValue(target.body, hintsWithIdentifiers(hints, target.personal)),
    plan: planArbitrary(target.body, { replaceRoot: true }),
    transport: fc.oneof(
      { weight: 14, arbitrary: fc.constant('json' as const) },
      { weight: 2, arbitrary: fc.constantFrom(...BODY_TRANSPORTS) },
    ),
    idempotencyKey,
  });
}

export function buildRestCommand(target: RestCommandTarget, input: RestCommandInput): Built {
  const value = applyPlan(input.body, input.plan);
  const json = serialize(value);
  const headers: Record<string, string> = { authorization: CALLERS[input.caller]() };
  if (input.idempotencyKey !== null) headers['idempotency-key'] = input.idempotencyKey;
  let body: Buffer = json;
  let contentType: string | null = 'application/json';
  let mustRefuse = false;
  let unsupportedMedia = false;
  switch (input.transport) {
    case 'json':
      break;
    case 'text/plain':
    case 'application/x-www-form-urlencoded':
      contentType = input.transport;
      unsupportedMedia = true;
      mustRefuse = true;
      break;
    case 'no content type':
      contentType = null;
      mustRefuse = true;
      break;
    case 'not JSON':
      body = Buffer.concat([json.subarray(0, Math.max(json.length - 1, 1)), Buffer.from(',')]);
      mustRefuse = true;
      break;
    case 'empty body':
      body = Buffer.alloc(0);
      mustRefuse = true;
      break;
    case 'over 1 MB':
      body = Buffer.from(
        JSON.stringify({
          ...(typeof value === 'object' ? value : {}),
          padding: 'x'.repeat(MAX_BODY_BYTES),
        }),
      );
      mustRefuse = true;
      break;
    case 'charset=latin1':
      contentType = 'application/json; charset=latin1';
      break;
    case 'UTF-8 BOM':
      body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]);
      break;
  }
  if (contentType !== null) headers['content-type'] = contentType;
  const parsed = asParsed(value);
  const keySchema = headerSchema(target.parameters, 'Idempotency-Key');
  const keyBreaks =
    input.idempotencyKey !== null &&
    keySchema !== undefined &&
    !conforms(keySchema, input.idempotencyKey);
  const bodyBreaks =
    input.transport === 'json' && parsed !== null && breaksSchema(target.body, parsed.value);
  return {
    request: { method: target.method, url: target.path, headers, body },
    expectation: {
      transport: 'rest',
      read: false,
      breaksSchema: mustRefuse || bodyBreaks || keyBreaks,
      unsupportedMedia,
      minPosition: null,
      personalForms: identifierForms(personalStrings(value, new Set(Object.keys(target.personal)))),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// REST reads: every path and query parameter valid (the optional ones now and then), then one
// change: a parameter hostile, repeated or dropped, or an unknown one added.

type ReadChange =
  | { readonly op: 'as-is' }
  | { readonly op: 'hostile'; readonly parameter: string; readonly value: string }
  | { readonly op: 'repeat'; readonly parameter: string }
  | { readonly op: 'drop'; readonly parameter: string }
  | { readonly op: 'unknown parameter'; readonly key: string; readonly value: string };

export interface RestReadInput {
  readonly caller: CallerName;
  /** Valid values; null leaves an optional parameter out. */
  readonly parameters: Readonly<Record<string, string | null>>;
  readonly change: ReadChange;
  readonly accept: string | null;
}

const asText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number'
      ? String(value)
      : JSON.stringify(value);

export function restReadInput(
  target: RestReadTarget,
  hints: ValueHints,
): fc.Arbitrary<RestReadInput> {
  const model: Record<string, fc.Arbitrary<string | null>> = {};
  const names: string[] = [];
  const required: string[] = [];
  for (const parameter of target.parameters) {
    if (parameter.in !== 'path' && parameter.in !== 'query') continue;
    const valid = validValue(parameter.schema ?? { type: 'string' }, hints).map(asText);
    const isRequired = parameter.in === 'path' || parameter.required === true;
    model[parameter.name] = isRequired
      ? valid
      : fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: valid });
    names.push(parameter.name);
    if (isRequired) required.push(parameter.name);
  }
  const changes: Array<fc.WeightedArbitrary<ReadChange>> = [
    { weight: 4, arbitrary: fc.constant({ op: 'as-is' } as const) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('unknown parameter' as const),
        key: fc.constantFrom(...HOSTILE_KEYS.filter((key) => key !== '')),
        value: fc.constantFrom(...HOSTILE_PARAMETER_NAMES),
      }),
    },
  ];
  if (names.length > 0) {
    changes.push(
      {
        weight: 8,
        arbitrary: fc.oneof(
          ...target.parameters
            .filter((parameter) => names.includes(parameter.name))
            .map((parameter) =>
              fc.record({
                op: fc.constant('hostile' as const),
                parameter: fc.constant(parameter.name),
                value: hostileParameterFor(parameter),
              }),
            ),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant('repeat' as const),
          parameter: fc.constantFrom(...names),
        }),
      },
    );
  }
  if (required.length > 0) {
    changes.push({
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('drop' as const),
        parameter: fc.constantFrom(...required),
      }),
    });
  }
  return fc.record({
    caller,
    parameters: fc.record(model),
    change: fc.oneof(...changes),
    accept: fc.oneof(
      { weight: 3, arbitrary: fc.constant(null) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('text/csv', 'application/xml', '*/*', 'text/event-stream'),
      },
    ),
  });
}

function parameterShape(parameter: OpenApiParameter): { types: string[]; format?: string } {
  const schema = parameter.schema ?? {};
  const branches = [schema, ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])];
  return {
    types: branches.flatMap((branch) => [...typesOf(branch)]),
    format: branches.find((branch) => branch.format !== undefined)?.format,
  };
}

function hostileParameterFor(parameter: OpenApiParameter): fc.Arbitrary<string> {
  const { types, format } = parameterShape(parameter);
  return fc.oneof(
    ...hostileParametersFor(types, format).map(({ weight, names }) => ({
      weight,
      arbitrary: fc.constantFrom(...names),
    })),
  );
}

function encodeHostile(name: string): string {
  const found = HOSTILE_PARAMETERS[name];
  if (found === undefined) throw new Error(`no hostile parameter ${name}`);
  return 'raw' in found ? found.raw : encodeURIComponent(found.text);
}

/** What a minPosition parameter asks for, as the server would read a number. */
function minPositionOf(text: string | null | undefined): number | 'unreadable' | null {
  if (text === undefined) return null;
  if (text === null) return 'unreadable';
  const number = Number(text);
  return text.trim() === '' || !Number.isFinite(number) ? 'unreadable' : number;
}

export function buildRestRead(target: RestReadTarget, input: RestReadInput): Built {
  const { change } = input;
  // Each parameter's encoded values (several when repeated), and its value as text.
  const values = new Map<string, string[]>();
  const texts = new Map<string, string | null>();
  for (const [name, value] of Object.entries(input.parameters)) {
    if (value === null) continue;
    values.set(name, [encodeURIComponent(value)]);
    texts.set(name, value);
  }
  switch (change.op) {
    case 'as-is':
    case 'unknown parameter':
      break;
    case 'hostile': {
      values.set(change.parameter, [encodeHostile(change.value)]);
      const found = HOSTILE_PARAMETERS[change.value];
      texts.set(change.parameter, found !== undefined && 'text' in found ? found.text : null);
      break;
    }
    case 'repeat': {
      const value = input.parameters[change.parameter] ?? '1';
      values.set(change.parameter, [encodeURIComponent(value), encodeURIComponent(value)]);
      texts.set(change.parameter, null);
      break;
    }
    case 'drop':
      values.delete(change.parameter);
      texts.delete(change.parameter);
      break;
  }
  let path = target.path;
  const query: string[] = [];
  for (const parameter of target.parameters) {
    const encoded = values.get(parameter.name);
    if (parameter.in === 'path') {
      path = path.replace(`{${parameter.name}}`, encoded?.join(',') ?? '');
    } else if (parameter.in === 'query' && encoded !== undefined) {
      for (const item of encoded) query.push(`${encodeURIComponent(parameter.name)}=${item}`);
    }
  }
  if (change.op === 'unknown parameter') {
    query.push(`${encodeURIComponent(change.key)}=${encodeHostile(change.value)}`);
  }
  const headers: Record<string, string> = { authorization: CALLERS[input.caller]() };
  if (input.accept !== null) headers.accept = input.accept;
  return {
    request: {
      method: target.method,
      url: query.length === 0 ? path : `${path}?${query.join('&')}`,
      headers,
      streams: target.streams || input.accept === 'text/event-stream',
    },
    expectation: {
      transport: 'rest',
      read: true,
      breaksSchema: false,
      unsupportedMedia: false,
      minPosition: minPositionOf(texts.get('minPosition')),
      personalForms: [],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// GraphQL: the operation built from the schema, its variables valid for the twin DTO and then
// mutated (wrong types, unknown input fields, missing required ones…).

const GRAPHQL_TRANSPORTS = [
  'text/plain',
  'not JSON',
  'invalid UTF-8 in the query',
  'deep 100k JSON in the variables',
  'variables as a string',
] as const;

export interface GraphqlInput {
  readonly caller: CallerName;
  readonly variables: unknown;
  readonly plan: Plan;
  readonly transport: 'json' | (typeof GRAPHQL_TRANSPORTS)[number];
}

/** A field's operation with valid-then-mutated variables, sent as a proper JSON request. */
export function graphqlInput(target: GraphqlTarget, hints: ValueHints): fc.Arbitrary<GraphqlInput> {
  return graphqlInputWith(target, hints, fc.constant('json' as const));
}

/**
 * The same operations in bodies that are not a proper GraphQL request (the wrong media type,
 * bytes that are not JSON or not UTF-8, variables as a string, a 100k-deep nest): the transport,
 * fuzzed once for the endpoint rather than once per field.
 */
export function graphqlTransportInput(
  target: GraphqlTarget,
  hints: ValueHints,
): fc.Arbitrary<GraphqlInput> {
  return graphqlInputWith(target, hints, fc.constantFrom(...GRAPHQL_TRANSPORTS));
}

function graphqlInputWith(
  target: GraphqlTarget,
  hints: ValueHints,
  transport: fc.Arbitrary<GraphqlInput['transport']>,
): fc.Arbitrary<GraphqlInput> {
  const personal: Record<string, PersonalKind> = {};
  for (const { path, kind } of target.personal) personal[path.at(-1)!] = kind;
  return fc.record({
    caller,
    variables: validValue(target.variables, hintsWithIdentifiers(hints, personal)),
    plan: planArbitrary(target.variables, { replaceRoot: false, addTopLevel: false }),
    transport,
  });
}

export function buildGraphql(target: GraphqlTarget, input: GraphqlInput): Built {
  const variables = applyPlan(input.variables, input.plan);
  const query = graphqlDocument(target);
  const headers: Record<string, string> = {
    authorization: CALLERS[input.caller](),
    'content-type': 'application/json',
  };
  let body = serialize({ query, variables });
  let mustRefuse = false;
  switch (input.transport) {
    case 'json':
      break;
    case 'text/plain':
      headers['content-type'] = 'text/plain';
      mustRefuse = true;
      break;
    case 'not JSON':
      body = Buffer.concat([body.subarray(0, body.length - 1)]);
      mustRefuse = true;
      break;
    case 'invalid UTF-8 in the query':
      body = Buffer.concat([
        Buffer.from(`{"query":${JSON.stringify(`${query} #`).slice(0, -1)}`),
        INVALID_UTF8_STRING.subarray(1, -1),
        Buffer.from(`","variables":`),
        serialize(variables),
        Buffer.from('}'),
      ]);
      break;
    case 'deep 100k JSON in the variables':
      body = Buffer.concat([
        Buffer.from(`{"query":${JSON.stringify(query)},"variables":{"deep":`),
        Buffer.from(deepArrayText(DEEP_LEVELS)),
        Buffer.from('}}'),
      ]);
      break;
    case 'variables as a string':
      body = Buffer.from(JSON.stringify({ query, variables: JSON.stringify(variables) }));
      break;
  }
  const parsed = asParsed(variables);
  const minPosition = (() => {
    if (parsed === null || parsed.value === null || typeof parsed.value !== 'object') return null;
    const asked = Object.entries(parsed.value as Record<string, unknown>).filter(([name]) =>
      /(^|_)minPosition$/.test(name),
    );
    if (asked.length === 0 || asked.every(([, value]) => value === undefined || value === null))
      return null;
    const value = asked.find(([, item]) => item !== undefined && item !== null)?.[1];
    return typeof value === 'number' && Number.isFinite(value) ? value : ('unreadable' as const);
  })();
  return {
    request: { method: 'POST', url: '/graphql', headers, body },
    expectation: {
      transport: 'graphql',
      read: target.operation === 'query',
      breaksSchema:
        mustRefuse ||
        (input.transport === 'json' &&
          parsed !== null &&
          breaksSchema(target.variables, parsed.value)),
      unsupportedMedia: false,
      minPosition,
      personalForms: identifierForms(
        personalStrings(variables, new Set(target.personal.map(({ path }) => path.at(-1)!))),
      ),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Imports: rows of each kind from their commands' schemas, mutated, as NDJSON or CSV; whole
// bodies that are not rows at all; the wrong media type.

const IMPORT_BODIES = [
  'empty',
  'only blank lines',
  'a line of invalid UTF-8',
  'a 100k-deep JSON line',
  'a NUL line',
  'a CSV header only',
  'an unbalanced quote',
  'a UTF-8 BOM first',
  'CRLF line ends',
] as const;

const IMPORT_MEDIA = [
  'text/plain',
  'application/json',
  'no content type',
  'with charset=latin1',
] as const;

export interface ImportRowInput {
  readonly variant: number;
  readonly row: unknown;
  readonly plan: Plan;
}

export interface ImportInput {
  readonly caller: CallerName;
  readonly rows: readonly ImportRowInput[];
  readonly body: 'rows' | (typeof IMPORT_BODIES)[number];
  readonly media: 'declared' | (typeof IMPORT_MEDIA)[number];
  /** A hostile import kind in the path instead of the target's. */
  readonly kind: string | null;
}

export function importInput(target: ImportTarget, hints: ValueHints): fc.Arbitrary<ImportInput> {
  const rowArbitraries = target.rows.map((variant, index) =>
    fc.record({
      variant: fc.constant(index),
      row: validValue(variant.schema, hintsWithIdentifiers(hints, variant.personal)),
      plan: planArbitrary(variant.schema, { replaceRoot: true }),
    }),
  );
  return fc.record({
    caller,
    rows:
      rowArbitraries.length === 0
        ? fc.constant([])
        : fc.array(fc.oneof(...rowArbitraries), { maxLength: 6 }),
    body: fc.oneof(
      { weight: 12, arbitrary: fc.constant('rows' as const) },
      { weight: 2, arbitrary: fc.constantFrom(...IMPORT_BODIES) },
    ),
    media: fc.oneof(
      { weight: 14, arbitrary: fc.constant('declared' as const) },
      { weight: 1, arbitrary: fc.constantFrom(...IMPORT_MEDIA) },
    ),
    kind: fc.oneof(
      { weight: 14, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_PARAMETER_NAMES) },
    ),
  });
}

function csvCell(value: unknown): Buffer {
  if (value === undefined || value === null) return Buffer.alloc(0);
  if (value instanceof RawJson) return value.bytes;
  const text =
    typeof value === 'string'
      ? value
      : holdsRaw(value)
        ? serialize(value).toString('utf8')
        : typeof value === 'number' || typeof value === 'boolean'
          ? `${value}`
          : JSON.stringify(value);
  return Buffer.from(
    /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text,
    'utf8',
  );
}

/** Whether a row is a record (an object that is not an array nor raw JSON text). */
function isRecord(row: unknown): row is Record<string, unknown> {
  return (
    row !== null && typeof row === 'object' && !Array.isArray(row) && !(row instanceof RawJson)
  );
}

function csvOf(rows: readonly unknown[]): Buffer {
  const header: string[] = [];
  for (const row of rows) {
    if (!isRecord(row)) continue;
    for (const key of Object.keys(row)) if (!header.includes(key)) header.push(key);
  }
  const lines: Buffer[] = [
    Buffer.from(header.map((name) => csvCell(name).toString('utf8')).join(',')),
  ];
  for (const row of rows) {
    if (!isRecord(row)) {
      // A row that is not a record is written as one cell (raw JSON as its bytes).
      lines.push(csvCell(row));
      continue;
    }
    const line: Buffer[] = [];
    header.forEach((name, index) => {
      if (index > 0) line.push(Buffer.from(','));
      line.push(
        Object.prototype.hasOwnProperty.call(row, name) ? csvCell(row[name]) : Buffer.alloc(0),
      );
    });
    lines.push(Buffer.concat(line));
  }
  return Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')]));
}

/** The row variant a row is, read from its discriminating column (null: none fits). */
function variantOf(variants: readonly ImportRowVariant[], row: unknown): ImportRowVariant | null {
  if (variants.length === 1 && variants[0]!.discriminator === null) return variants[0]!;
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return null;
  return (
    variants.find(
      (variant) =>
        variant.discriminator !== null &&
        Object.prototype.hasOwnProperty.call(row, variant.discriminator.column) &&
        (row as Record<string, unknown>)[variant.discriminator.column] ===
          variant.discriminator.value,
    ) ?? null
  );
}

export function buildImport(target: ImportTarget, input: ImportInput): Built {
  const rows = input.rows.map(({ row, plan }) => applyPlan(row, plan));
  let body: Buffer;
  switch (input.body) {
    case 'rows':
      body =
        target.format === 'csv'
          ? csvOf(rows)
          : Buffer.concat(rows.flatMap((row) => [serialize(row), Buffer.from('\n')]));
      break;
    case 'empty':
      body = Buffer.alloc(0);
      break;
    case 'only blank lines':
      body = Buffer.from('\n\n  \n\t\n');
      break;
    case 'a line of invalid UTF-8':
      body = Buffer.concat([Buffer.from('{"a":'), INVALID_UTF8_STRING, Buffer.from('}\n')]);
      break;
    case 'a 100k-deep JSON line':
      body = Buffer.from(`${deepArrayText(DEEP_LEVELS)}\n`);
      break;
    case 'a NUL line':
      body = Buffer.from('\u0000\u0000\u0000\n');
      break;
    case 'a CSV header only':
      body = Buffer.from('event,student,schoolCode,districtCode,date\n');
      break;
    case 'an unbalanced quote':
      body = Buffer.from('"event,student\n"enrolment,"G44031120150101002X\n');
      break;
    case 'a UTF-8 BOM first':
      body = Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        target.format === 'csv'
          ? csvOf(rows)
          : Buffer.concat(rows.flatMap((row) => [serialize(row), Buffer.from('\n')])),
      ]);
      break;
    case 'CRLF line ends':
      body = Buffer.from(
        (target.format === 'csv'
          ? csvOf(rows)
          : Buffer.concat(rows.flatMap((row) => [serialize(row), Buffer.from('\n')]))
        )
          .toString('utf8')
          .replace(/\n/g, '\r\n'),
      );
      break;
  }
  const headers: Record<string, string> = { authorization: CALLERS[input.caller]() };
  const declared = IMPORT_FORMATS[target.format];
  let unsupportedMedia = false;
  switch (input.media) {
    case 'declared':
      headers['content-type'] = declared;
      break;
    case 'with charset=latin1':
      headers['content-type'] = `${declared}; charset=latin1`;
      break;
    case 'no content type':
      unsupportedMedia = true;
      break;
    case 'text/plain':
    case 'application/json':
      headers['content-type'] = input.media;
      unsupportedMedia = true;
      break;
  }
  const schemaBreakingRows: number[] = [];
  if (input.body === 'rows' && target.format === 'ndjson' && input.media === 'declared') {
    rows.forEach((row, index) => {
      const parsed = asParsed(row);
      if (parsed === null) return;
      const variant = variantOf(target.rows, parsed.value);
      if (variant === null || breaksSchema(variant.schema, parsed.value))
        schemaBreakingRows.push(index + 1);
    });
  }
  const personalNames = new Set(target.rows.flatMap((variant) => Object.keys(variant.personal)));
  const url =
    input.kind === null ? target.path : target.path.replace(/[^/]+$/, encodeHostile(input.kind));
  return {
    request: { method: 'POST', url, headers, body },
    expectation: {
      transport: 'rest',
      read: false,
      breaksSchema: unsupportedMedia || input.kind !== null,
      // With an unknown kind too, which refusal comes first is the server's choice.
      unsupportedMedia: unsupportedMedia && input.kind === null,
      minPosition: null,
      personalForms: identifierForms(personalStrings(rows, personalNames)),
      schemaBreakingRows,
      isImport: true,
    },
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Schemas whose valid-value generator misses (values that break the schema they were made
 * from): such a target would be fuzzed with noise, not with requests that reach the domain.
 */
export function generatorGaps(target: Target, hints: ValueHints): string[] {
  const schemas: Array<[string, JsonSchema, Readonly<Record<string, PersonalKind>>]> = [];
  switch (target.family) {
    case 'rest-command':
      schemas.push([`${target.id} body`, target.body, target.personal]);
      break;
    case 'rest-read':
      for (const parameter of target.parameters) {
        schemas.push([`${target.id} ${parameter.name}`, parameter.schema ?? {}, {}]);
      }
      break;
    case 'import':
      target.rows.forEach((variant, index) => {
        schemas.push([`${target.id} row ${index}`, variant.schema, variant.personal]);
      });
      break;
    case 'graphql': {
      const personal: Record<string, PersonalKind> = {};
      for (const { path, kind } of target.personal) personal[path.at(-1)!] = kind;
      schemas.push([`${target.id} variables`, target.variables, personal]);
      break;
    }
  }
  const gaps: string[] = [];
  for (const [where, schema, personal] of schemas) {
    const samples = fc.sample(validValue(schema, hintsWithIdentifiers(hints, personal)), {
      numRuns: 25,
      seed: 1,
    });
    const bad = samples.filter((sample) => !conforms(schema, sample));
    if (bad.length > 0) {
      gaps.push(
        `${where}: ${bad.length}/25 generated values break the schema, e.g. ${fc.stringify(bad[0])}`,
      );
    }
  }
  return gaps;
}

// ---------------------------------------------------------------------------------------------
// The checklist every run starts with (fast-check examples): each value the issue names, on each
// field and parameter, built on one valid request; the random runs follow.

const CHECKLIST_CALLER: CallerName = 'province-admin 44';

function sampleOf<T>(arbitrary: fc.Arbitrary<T>, seed: number): T {
  return fc.sample(arbitrary, { numRuns: 1, seed })[0]!;
}

export function restCommandChecklist(
  target: RestCommandTarget,
  hints: ValueHints,
  seed: number,
): RestCommandInput[] {
  const base = { ...sampleOf(restCommandInput(target, hints), seed), caller: CHECKLIST_CALLER };
  const json = { ...base, transport: 'json' as const, idempotencyKey: null };
  return [
    ...checklistPlans(target.body, { replaceRoot: true }).map((plan) => ({ ...json, plan })),
    { ...json, plan: { op: 'as-is' }, transport: 'text/plain' },
    { ...json, plan: { op: 'as-is' }, idempotencyKey: 'x'.repeat(201) },
  ];
}

const READ_CHECKLIST = {
  number: ['1e300', '20 nines', '2^53+1', '-1'],
  date: ['9999-12-31', '0001-01-01', '+275760-09-13'],
  text: [
    '%00',
    'encoded surrogate %ED%A0%80',
    'long 10k',
    'cursor offset 1e300',
    'cursor offset 2^32+1',
    'cursor asOf 9999-12-31',
    'cursor asOf 0001-01-01',
  ],
} as const;

export function restReadChecklist(
  target: RestReadTarget,
  hints: ValueHints,
  seed: number,
): RestReadInput[] {
  const base = {
    ...sampleOf(restReadInput(target, hints), seed),
    caller: CHECKLIST_CALLER,
    accept: null,
  };
  const inputs: RestReadInput[] = [];
  for (const parameter of target.parameters) {
    if (parameter.in !== 'path' && parameter.in !== 'query') continue;
    const { types, format } = parameterShape(parameter);
    const values =
      types.includes('integer') || types.includes('number')
        ? READ_CHECKLIST.number
        : format === 'date' || format === 'date-time'
          ? READ_CHECKLIST.date
          : READ_CHECKLIST.text;
    for (const value of values) {
      inputs.push({ ...base, change: { op: 'hostile', parameter: parameter.name, value } });
    }
    inputs.push({ ...base, change: { op: 'repeat', parameter: parameter.name } });
  }
  inputs.push({ ...base, change: { op: 'unknown parameter', key: '__proto__', value: '%00' } });
  return inputs;
}

export function graphqlChecklist(
  target: GraphqlTarget,
  hints: ValueHints,
  seed: number,
): GraphqlInput[] {
  const base = {
    ...sampleOf(graphqlInput(target, hints), seed),
    caller: CHECKLIST_CALLER,
    transport: 'json' as const,
  };
  return [
    ...checklistPlans(target.variables, { replaceRoot: false, addTopLevel: false }).map((plan) => ({
      ...base,
      plan,
    })),
  ];
}

export function importChecklist(
  target: ImportTarget,
  hints: ValueHints,
  seed: number,
): ImportInput[] {
  const base: ImportInput = {
    ...sampleOf(importInput(target, hints), seed),
    caller: CHECKLIST_CALLER,
    body: 'rows',
    media: 'declared',
    kind: null,
  };
  // One import per row (so a failure names its row): every checklist plan on the first kind of
  // row, the enum and unknown-key checks on the others.
  const inputs: ImportInput[] = [];
  target.rows.forEach((variant, index) => {
    const valid = sampleOf(
      validValue(variant.schema, hintsWithIdentifiers(hints, variant.personal)),
      seed + index,
    );
    const plans = checklistPlans(variant.schema, { replaceRoot: true }).filter(
      (plan) =>
        index === 0 ||
        plan.op === 'add' ||
        (plan.op === 'set' && plan.value.endsWith('-as-string')),
    );
    for (const plan of plans)
      inputs.push({ ...base, rows: [{ variant: index, row: valid, plan }] });
  });
  // Whole bodies, media types and kinds, around one valid row.
  const first = target.rows[0];
  const one: ImportInput = {
    ...base,
    rows:
      first === undefined
        ? []
        : [
            {
              variant: 0,
              row: sampleOf(
                validValue(first.schema, hintsWithIdentifiers(hints, first.personal)),
                seed,
              ),
              plan: { op: 'as-is' },
            },
          ],
  };
  inputs.push(
    ...IMPORT_BODIES.map((body) => ({ ...one, body })),
    ...(['text/plain', 'application/json'] as const).map((media) => ({ ...one, media })),
    ...(['__proto__', 'constructor', '%00'] as const).map((kind) => ({ ...one, kind })),
  );
  return inputs;
}

/** The transport checklist: each body that is not a proper request, on each field's operation. */
export function graphqlTransportChecklist(
  targets: readonly GraphqlTarget[],
  hints: ValueHints,
  seed: number,
): Array<{ readonly target: string; readonly input: GraphqlInput }> {
  return targets.flatMap((target) => {
    const base = { ...sampleOf(graphqlInput(target, hints), seed), caller: CHECKLIST_CALLER };
    return GRAPHQL_TRANSPORTS.map((transport) => ({
      target: target.id,
      input: { ...base, plan: { op: 'as-is' } as const, transport },
    }));
  });
}
