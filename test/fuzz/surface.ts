import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLObjectType,
  GraphQLString,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import type {
  GraphQLArgument,
  GraphQLField,
  GraphQLInputType,
  GraphQLOutputType,
  GraphQLSchema,
} from 'graphql';
import type { JsonSchema } from './json-schema';
import { resolveRefs, schemaGaps, typesOf } from './json-schema';

// ---------------------------------------------------------------------------------------------
// What the committed documents say.

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'query' | 'path' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: JsonSchema;
}

interface OpenApiOperation {
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: JsonSchema }> };
  readonly responses?: Record<string, { readonly content?: Record<string, unknown> }>;
  readonly 'x-permission'?: string | null;
}

export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components?: { readonly schemas?: Record<string, JsonSchema> };
}

export type PersonalKind = 'student' | 'teacher';

/** What only the running application knows (decorator metadata), as plain data. */
export interface RuntimeFacts {
  /** DTO schema name → its fields marked @PersonalIdentifier. */
  readonly personalFields: Readonly<Record<string, Readonly<Record<string, PersonalKind>>>>;
  /** GraphQL input type → the DTO schema it is generated from (the same class). */
  readonly inputTypeDtos: Readonly<Record<string, string>>;
  /** Import kind → how a row is read: its discriminating column and each row's schema. */
  readonly importRows: Readonly<Record<string, ImportRows>>;
}

export interface ImportRows {
  /** The column naming which command a row is (student-records: `event`); null: one kind. */
  readonly discriminator: string | null;
  /** Each row variant: the discriminator's value and the REST route whose body it is. */
  readonly variants: ReadonlyArray<{ readonly value: string | null; readonly route: string }>;
}

/** Import media types (docs/api.md, "Bulk import"). */
export const IMPORT_FORMATS = { ndjson: 'application/x-ndjson', csv: 'text/csv' } as const;
export type ImportFormat = keyof typeof IMPORT_FORMATS;

/** Columns every import row may carry besides its command's fields (docs/api.md). */
const IMPORT_ROW_COLUMNS: Record<string, JsonSchema> = {
  rowKey: { type: 'string', minLength: 1, maxLength: 200 },
};

// ---------------------------------------------------------------------------------------------
// What the suite fuzzes.

interface TargetBase {
  /** How the route inventory names it: `POST /v1/lesson-exchanges`, `Mutation graphql:…`. */
  readonly inventoryKey: string;
  /** A name for the test. */
  readonly id: string;
  readonly permission: string | null;
}

export interface RestCommandTarget extends TargetBase {
  readonly family: 'rest-command';
  readonly method: string;
  readonly path: string;
  readonly body: JsonSchema;
  readonly bodyName: string;
  readonly mediaTypes: readonly string[];
  readonly parameters: readonly OpenApiParameter[];
  readonly personal: Readonly<Record<string, PersonalKind>>;
}

export interface RestReadTarget extends TargetBase {
  readonly family: 'rest-read';
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly OpenApiParameter[];
  /** Answers text/event-stream: read the head of the stream, then hang up. */
  readonly streams: boolean;
}

export interface ImportRowVariant {
  readonly discriminator: { readonly column: string; readonly value: string } | null;
  readonly schema: JsonSchema;
  readonly personal: Readonly<Record<string, PersonalKind>>;
}

export interface ImportTarget extends TargetBase {
  readonly family: 'import';
  readonly path: string;
  readonly kind: string;
  readonly format: ImportFormat;
  readonly rows: readonly ImportRowVariant[];
}

export interface GraphqlStep {
  readonly field: GraphQLField<unknown, unknown>;
  /** Variable name of each argument: `code`, `scorecard_schoolYear`. */
  readonly variables: Readonly<Record<string, string>>;
}

export interface GraphqlTarget extends TargetBase {
  readonly family: 'graphql';
  readonly operation: 'mutation' | 'query';
  /** The root field, and for nested fields with arguments (an area's scorecard) that field. */
  readonly steps: readonly GraphqlStep[];
  /** The variables as one object: a property per variable, required when non-null. */
  readonly variables: JsonSchema;
  /** Personal identifiers by path inside the variables, e.g. `input.student`. */
  readonly personal: ReadonlyArray<{
    readonly path: readonly string[];
    readonly kind: PersonalKind;
  }>;
}

export type Target = RestCommandTarget | RestReadTarget | ImportTarget | GraphqlTarget;

export interface Surface {
  readonly targets: readonly Target[];
  /** Everything the suite could not turn into a fuzzable target, with why. */
  readonly gaps: readonly string[];
}

const INT32 = { minimum: -(2 ** 31), maximum: 2 ** 31 - 1 };

/** The schema a GraphQL input type declares (its own rules: types, nullability, Int range). */
export function graphqlInputSchema(
  type: GraphQLInputType,
  gaps: string[],
  where: string,
): JsonSchema {
  if (isNonNullType(type)) return graphqlInputSchema(type.ofType, gaps, where);
  if (isListType(type)) {
    return {
      type: 'array',
      items: graphqlInputSchema(type.ofType, gaps, where),
    };
  }
  if (isEnumType(type))
    return { type: 'string', enum: type.getValues().map((value) => value.name) };
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return {
      type: 'object',
      properties: Object.fromEntries(
        fields.map((field) => [
          field.name,
          graphqlInputSchema(field.type, gaps, `${where}.${field.name}`),
        ]),
      ),
      required: fields.filter((field) => isNonNullType(field.type)).map((field) => field.name),
    };
  }
  if (type === GraphQLInt) return { type: 'integer', ...INT32 };
  if (type === GraphQLFloat) return { type: 'number' };
  if (type === GraphQLString || type === GraphQLID) return { type: 'string' };
  if (type === GraphQLBoolean) return { type: 'boolean' };
  gaps.push(`${where}: GraphQL type ${String(type)} has no generator`);
  return { type: 'string' };
}

/**
 * A DTO's schema, narrowed by what its GraphQL twin declares: an `Int` field holds 32 bits, so
 * REST must not accept what GraphQL cannot carry (the same validation over both: docs/api.md).
 */
function narrowedByTwin(
  dto: JsonSchema,
  twin: GraphQLInputObjectType | undefined,
  gaps: string[],
  where: string,
): JsonSchema {
  if (twin === undefined) return dto;
  const fields = twin.getFields();
  const properties: Record<string, JsonSchema> = {};
  for (const [name, property] of Object.entries(dto.properties ?? {})) {
    const field = fields[name];
    if (field === undefined) {
      gaps.push(`${where}.${name}: not in GraphQL input ${twin.name}`);
      properties[name] = property;
      continue;
    }
    const named = getNamedType(field.type);
    properties[name] =
      named === GraphQLInt &&
      typesOf(property).some((type) => type === 'integer' || type === 'number')
        ? {
            ...property,
            type: 'integer',
            minimum: Math.max(property.minimum ?? INT32.minimum, INT32.minimum),
            maximum: Math.min(property.maximum ?? INT32.maximum, INT32.maximum),
          }
        : property;
  }
  for (const name of Object.keys(fields)) {
    if (dto.properties?.[name] === undefined)
      gaps.push(`${where}: GraphQL field ${twin.name}.${name} has no DTO rule`);
  }
  return { ...dto, properties, additionalProperties: false };
}

const normalName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

function compatible(type: GraphQLInputType, schema: JsonSchema): boolean {
  const named = getNamedType(type);
  const types = typesOf(schema);
  if (isListType(isNonNullType(type) ? type.ofType : type)) return false;
  if (named === GraphQLInt) return types.includes('integer');
  if (named === GraphQLFloat) return types.includes('integer') || types.includes('number');
  if (named === GraphQLString || named === GraphQLID) {
    return types.length === 0 || types.includes('string');
  }
  if (named === GraphQLBoolean) return types.includes('boolean');
  return false;
}

function intersectScalar(own: JsonSchema, rest: JsonSchema): JsonSchema {
  if (own.type !== 'integer') return { ...rest };
  return {
    ...rest,
    type: 'integer',
    minimum: Math.max(rest.minimum ?? INT32.minimum, INT32.minimum),
    maximum: Math.min(rest.maximum ?? INT32.maximum, INT32.maximum),
  };
}

/** Every REST route, import kind and GraphQL field the documents describe, and the gaps. */
export function fuzzSurface(
  document: OpenApiDocument,
  schema: GraphQLSchema,
  facts: RuntimeFacts,
): Surface {
  const gaps: string[] = [];
  const targets: Target[] = [];
  const components = document.components?.schemas ?? {};
  const twinOf = new Map<string, GraphQLInputObjectType>();
  for (const [inputType, dtoName] of Object.entries(facts.inputTypeDtos)) {
    const type = schema.getType(inputType);
    if (type instanceof GraphQLInputObjectType) twinOf.set(dtoName, type);
  }
  const dtoSchema = (name: string, where: string): JsonSchema | undefined => {
    const found = components[name];
    if (found === undefined) return undefined;
    return narrowedByTwin(resolveRefs(found, document), twinOf.get(name), gaps, where);
  };

  // Parameters by name, for GraphQL arguments that mean the same (schoolYear, minPosition…).
  const parametersByName = new Map<string, JsonSchema[]>();
  const bodyRoutes = new Map<string, string>();

  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const upper = method.toUpperCase();
      const inventoryKey = `${upper} ${path}`;
      const permission = operation['x-permission'] ?? null;
      const parameters = (operation.parameters ?? []).map((parameter) => ({
        ...parameter,
        schema: resolveRefs(parameter.schema ?? { type: 'string' }, document),
      }));
      for (const parameter of parameters) {
        const key = normalName(parameter.name);
        parametersByName.set(key, [...(parametersByName.get(key) ?? []), parameter.schema]);
        gaps.push(
          ...schemaGaps(parameter.schema, `${inventoryKey} ${parameter.in} ${parameter.name}`),
        );
      }
      const content = operation.requestBody?.content ?? {};
      const mediaTypes = Object.keys(content);
      if (mediaTypes.length > 0) {
        const ref = content[mediaTypes[0]!]?.schema?.$ref;
        const bodyName = ref?.split('/').at(-1);
        const body = bodyName === undefined ? undefined : dtoSchema(bodyName, inventoryKey);
        if (bodyName === undefined || body === undefined) {
          gaps.push(`${inventoryKey}: no request body schema`);
          continue;
        }
        bodyRoutes.set(path, bodyName);
        gaps.push(...schemaGaps(body, `${inventoryKey} body`));
        targets.push({
          family: 'rest-command',
          inventoryKey,
          id: inventoryKey,
          permission,
          method: upper,
          path,
          body,
          bodyName,
          mediaTypes,
          parameters,
          personal: facts.personalFields[bodyName] ?? {},
        });
        continue;
      }
      if (upper === 'GET') {
        const streams = Object.values(operation.responses ?? {}).some(
          (response) => response.content?.['text/event-stream'] !== undefined,
        );
        targets.push({
          family: 'rest-read',
          inventoryKey,
          id: inventoryKey,
          permission,
          method: upper,
          path,
          parameters,
          streams,
        });
        continue;
      }
      // A command without a JSON body reads a stream: an import, one target per kind (the enum
      // of its path parameter) and format.
      const kinds = parameters.filter(
        (parameter) => parameter.in === 'path' && parameter.schema.enum,
      );
      if (kinds.length !== 1) {
        gaps.push(`${inventoryKey}: no request body schema and no import kind`);
        continue;
      }
      const kindParameter = kinds[0]!;
      for (const kind of kindParameter.schema.enum as string[]) {
        const rows = facts.importRows[kind];
        if (rows === undefined) {
          gaps.push(`${inventoryKey}: import kind ${kind} has no row schema`);
          continue;
        }
        const variants: ImportRowVariant[] = [];
        for (const variant of rows.variants) {
          const name = bodyRoutes.get(variant.route) ?? bodyNameOf(document, variant.route);
          const base = name === undefined ? undefined : dtoSchema(name, `${kind} rows`);
          if (name === undefined || base === undefined) {
            gaps.push(
              `${inventoryKey}: ${kind} row ${variant.value ?? ''} (${variant.route}) has no schema`,
            );
            continue;
          }
          const discriminator =
            rows.discriminator === null || variant.value === null
              ? null
              : { column: rows.discriminator, value: variant.value };
          variants.push({
            discriminator,
            schema: {
              ...base,
              properties: {
                ...base.properties,
                ...IMPORT_ROW_COLUMNS,
                ...(discriminator === null
                  ? {}
                  : { [discriminator.column]: { type: 'string', enum: [discriminator.value] } }),
              },
              required: [
                ...(base.required ?? []),
                ...(discriminator === null ? [] : [discriminator.column]),
              ],
            },
            personal: facts.personalFields[name] ?? {},
          });
        }
        for (const format of Object.keys(IMPORT_FORMATS) as ImportFormat[]) {
          targets.push({
            family: 'import',
            inventoryKey,
            id: `${upper} ${path.replace(`{${kindParameter.name}}`, kind)} (${format})`,
            permission,
            path: path.replace(`{${kindParameter.name}}`, encodeURIComponent(kind)),
            kind,
            format,
            rows: variants,
          });
        }
      }
    }
  }

  // GraphQL: every root field; for queries, also each field with arguments one level down.
  const argumentSchema = (argument: GraphQLArgument, where: string): JsonSchema => {
    const own = graphqlInputSchema(argument.type, gaps, where);
    const named = getNamedType(argument.type);
    if (isInputObjectType(named)) {
      const dtoName = facts.inputTypeDtos[named.name];
      const dto = dtoName === undefined ? undefined : dtoSchema(dtoName, where);
      if (dto === undefined) return own;
      return isListType(isNonNullType(argument.type) ? argument.type.ofType : argument.type)
        ? { type: 'array', items: dto }
        : dto;
    }
    if (isEnumType(named)) return own;
    const rest = (parametersByName.get(normalName(argument.name)) ?? []).find((candidate) =>
      compatible(argument.type, candidate),
    );
    return rest === undefined ? own : intersectScalar(own, rest);
  };
  const personalOf = (argument: GraphQLArgument, variable: string) => {
    const named = getNamedType(argument.type);
    if (!isInputObjectType(named)) return [];
    const dtoName = facts.inputTypeDtos[named.name];
    const fields = dtoName === undefined ? {} : (facts.personalFields[dtoName] ?? {});
    return Object.entries(fields).map(([field, kind]) => ({ path: [variable, field], kind }));
  };
  const graphqlTarget = (
    operation: 'mutation' | 'query',
    chain: ReadonlyArray<GraphQLField<unknown, unknown>>,
  ): GraphqlTarget => {
    const steps: GraphqlStep[] = [];
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    const personal: Array<{ path: string[]; kind: PersonalKind }> = [];
    chain.forEach((field, depth) => {
      const variables: Record<string, string> = {};
      for (const argument of field.args) {
        const variable = depth === 0 ? argument.name : `${field.name}_${argument.name}`;
        variables[argument.name] = variable;
        properties[variable] = argumentSchema(
          argument,
          `graphql:${chain.map((f) => f.name).join('.')}(${argument.name})`,
        );
        if (isNonNullType(argument.type)) required.push(variable);
        personal.push(...personalOf(argument, variable));
      }
      steps.push({ field, variables });
    });
    const variables: JsonSchema = { type: 'object', properties, required };
    const id = `${operation === 'mutation' ? 'Mutation' : 'Query'} ${chain.map((field) => field.name).join('.')}`;
    gaps.push(...schemaGaps(variables, id));
    return {
      family: 'graphql',
      inventoryKey: `${operation === 'mutation' ? 'Mutation' : 'Query'} graphql:${chain[0]!.name}`,
      id,
      permission: null,
      operation,
      steps,
      variables,
      personal,
    };
  };
  for (const [operation, root] of [
    ['mutation', schema.getMutationType()],
    ['query', schema.getQueryType()],
  ] as const) {
    if (root === null || root === undefined) continue;
    for (const field of Object.values(root.getFields())) {
      targets.push(graphqlTarget(operation, [field]));
      if (operation !== 'query') continue;
      const type = getNamedType(field.type);
      if (!isObjectType(type)) continue;
      for (const nested of Object.values(type.getFields())) {
        if (nested.args.length > 0) targets.push(graphqlTarget(operation, [field, nested]));
      }
    }
  }
  return { targets, gaps };
}

function bodyNameOf(document: OpenApiDocument, path: string): string | undefined {
  for (const operation of Object.values(document.paths[path] ?? {})) {
    const content = operation.requestBody?.content ?? {};
    const ref = Object.values(content)[0]?.schema?.$ref;
    if (ref !== undefined) return ref.split('/').at(-1);
  }
  return undefined;
}

/**
 * A selection set for an output type: every leaf field without required arguments and, to
 * `depth` levels, the objects below (without arguments).
 */
export function selectionFor(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!(named instanceof GraphQLObjectType)) return '{ __typename }';
  const parts: string[] = [];
  for (const field of Object.values(named.getFields())) {
    if (field.args.some((argument) => isNonNullType(argument.type))) continue;
    const inner = getNamedType(field.type);
    if (isLeafType(inner)) parts.push(field.name);
    else if (depth > 0) parts.push(`${field.name} ${selectionFor(field.type, depth - 1)}`);
  }
  return `{ ${parts.length === 0 ? '__typename' : parts.join(' ')} }`;
}

/** The GraphQL document of a target: its variables declared, its steps nested. */
export function graphqlDocument(target: GraphqlTarget): string {
  const declarations: string[] = [];
  for (const step of target.steps) {
    for (const argument of step.field.args) {
      declarations.push(`$${step.variables[argument.name]}: ${String(argument.type)}`);
    }
  }
  const call = (step: GraphqlStep) => {
    const args = step.field.args.map(
      (argument) => `${argument.name}: $${step.variables[argument.name]}`,
    );
    return `${step.field.name}${args.length > 0 ? `(${args.join(', ')})` : ''}`;
  };
  const [root, nested] = target.steps;
  let body: string;
  if (nested === undefined) {
    body = `${call(root!)} ${selectionFor(root!.field.type, 2)}`.trim();
  } else {
    const outer = selectionFor(root!.field.type, 0).replace(/\s*}$/, '');
    body = `${call(root!)} ${outer} ${call(nested)} ${selectionFor(nested.field.type, 2)} }`;
  }
  const head = declarations.length > 0 ? `(${declarations.join(', ')})` : '';
  return `${target.operation} Fuzz${head} { ${body} }`;
}
