import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  coerceInputValue,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isInputType,
  isListType,
  isObjectType,
  typeFromAST,
} from 'graphql';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLObjectType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { PROBLEM_TYPE_PREFIX, ProblemType } from '../problem-details/problem-types';
import type { FieldError } from '../problem-details/problem-types';

export interface QueryLimits {
  /** Deepest selection allowed (`area { districts { scorecard { … } } }` is 3 deep so far). */
  readonly maxDepth: number;
  /**
   * Most cost allowed: a field costs 1 unless it declares `complexity`; a field that issues
   * ClickHouse queries declares ENGINE_QUERY_COST for each (the cost model of docs/api.md).
   */
  readonly maxComplexity: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxComplexity: 1_000 };

/**
 * What one ClickHouse query costs: a field answered by n queries for its question declares
 * n × 20 (a scorecard 13 × 20), so the cost limit bounds the queries of a request (1,000 /
 * 20 = 50). Every element of a list shares its field's queries (the DataLoader batches them):
 * a field counts once however long the list above it.
 */
export const ENGINE_QUERY_COST = 20;

/**
 * A field extension (`@Extensions({ [PER_PARENT_QUERIES]: … })`): the field issues its
 * ClickHouse queries for each parent — they are not batched across the elements of a list — so
 * it is refused under a list, whose length no estimate knows (a province's schools' events
 * would be one query per school). A function decides from the field's arguments.
 */
export const PER_PARENT_QUERIES = 'perParentQueries';
export type PerParentQueries = boolean | ((args: Record<string, unknown>) => boolean);

export const QUERY_TOO_DEEP = `${PROBLEM_TYPE_PREFIX}query-too-deep`;
export const QUERY_TOO_COMPLEX = `${PROBLEM_TYPE_PREFIX}query-too-complex`;

/** The deepest chain of fields under `selections` (a leaf field is 1 deep). */
function depthOf(
  selections: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visiting: ReadonlySet<string>,
): number {
  if (selections === undefined) return 0;
  let deepest = 0;
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) {
      deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, fragments, visiting));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, visiting));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A fragment that spreads itself is refused by GraphQL's own validation.
      if (fragment === undefined || visiting.has(name)) continue;
      deepest = Math.max(
        deepest,
        depthOf(fragment.selectionSet, fragments, new Set([...visiting, name])),
      );
    }
  }
  return deepest;
}

function operationOf(
  document: DocumentNode,
  operationName?: string | null,
): {
  operation: OperationDefinitionNode | undefined;
  fragments: Map<string, FragmentDefinitionNode>;
} {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation =
    operations.find((candidate) => candidate.name?.value === (operationName ?? undefined)) ??
    operations[0];
  return { operation, fragments };
}

/** How deep the operation's selections go: `{ area { code } }` is 2 deep. */
export function operationDepth(document: DocumentNode, operationName?: string | null): number {
  const { operation, fragments } = operationOf(document, operationName);
  return operation === undefined ? 0 : depthOf(operation.selectionSet, fragments, new Set());
}

/**
 * The variables' faults, each with its path and a reason that never quotes the value sent:
 * GraphQL's own coercion messages do (`got invalid value "G4403…"`), and a variable may hold a
 * personal identifier. Coerced here, before the complexity estimate (which coerces too, and
 * whose error became a 500).
 */
export function variableFaults(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>>,
): FieldError[] {
  const { operation } = operationOf(document, operationName);
  const faults: FieldError[] = [];
  for (const definition of operation?.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    if (type === undefined || !isInputType(type)) continue; // GraphQL's validation answers
    const given = variables[name];
    if (given === undefined && definition.defaultValue !== undefined) continue;
    coerceInputValue(given === undefined ? null : given, type, (path, invalid, error) => {
      const field = [name, ...path].join('.');
      // A missing field's message names only the field; any other quotes the value sent
      // (an array, an object, a number), which may hold a personal identifier.
      faults.push({
        field,
        reason: invalid === undefined ? error.message : 'has the wrong type for the schema',
      });
    });
  }
  return faults;
}

/**
 * The first field (its path, by response name) that issues ClickHouse queries for each parent
 * and sits under a list; undefined when there is none. Fragments are followed where they are
 * spread; @skip and @include are not read (a field that might run counts).
 */
export function perParentFieldUnderList(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>>,
): string | undefined {
  const { operation, fragments } = operationOf(document, operationName);
  const root = operation === undefined ? undefined : schema.getRootType(operation.operation);
  if (operation === undefined || root === undefined || root === null) return undefined;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  const values = coerced.coerced ?? {};
  const find = (
    selections: SelectionSetNode,
    type: GraphQLObjectType,
    path: readonly string[],
    underList: boolean,
    visiting: ReadonlySet<string>,
  ): string | undefined => {
    for (const selection of selections.selections) {
      let found: string | undefined;
      if (selection.kind === Kind.FIELD) {
        const field = type.getFields()[selection.name.value];
        if (field === undefined) continue; // __typename and introspection
        const here = [...path, selection.alias?.value ?? selection.name.value];
        const perParent = field.extensions?.[PER_PARENT_QUERIES] as PerParentQueries | undefined;
        if (underList && perParent !== undefined) {
          let args: Record<string, unknown> = {};
          try {
            args = getArgumentValues(field, selection, values);
          } catch {
            // GraphQL's own validation refuses arguments it cannot read.
          }
          if (typeof perParent === 'function' ? perParent(args) : perParent) {
            return here.join('.');
          }
        }
        const named = getNamedType(field.type);
        if (selection.selectionSet !== undefined && isObjectType(named)) {
          found = find(
            selection.selectionSet,
            named,
            here,
            underList || isListType(getNullableType(field.type)),
            visiting,
          );
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value;
        const inner = condition === undefined ? type : schema.getType(condition);
        if (isObjectType(inner)) {
          found = find(selection.selectionSet, inner, path, underList, visiting);
        }
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment === undefined || visiting.has(name)) continue;
        const inner = schema.getType(fragment.typeCondition.name.value);
        if (isObjectType(inner)) {
          found = find(fragment.selectionSet, inner, path, underList, new Set([...visiting, name]));
        }
      }
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return find(operation.selectionSet, root, [], false, new Set());
}

function refusal(type: string, title: string, detail: string): GraphQLError {
  return new GraphQLError(title, {
    extensions: {
      code: type,
      problem: { type, title, status: 400, detail },
      http: { status: 400 },
    },
  });
}

/**
 * Refuses a query before it runs when it is deeper or costlier than the limits: a dashboard
 * query is a handful of batched ClickHouse reads, and a crafted one must not become thousands.
 */
export function queryLimitsPlugin(limits: QueryLimits = DEFAULT_QUERY_LIMITS): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ request, document, schema }) => {
          const faults = variableFaults(
            schema,
            document,
            request.operationName,
            request.variables ?? {},
          );
          if (faults.length > 0) {
            return Promise.reject(
              new GraphQLError('The variables are not valid', {
                extensions: {
                  code: ProblemType.validation,
                  problem: {
                    type: ProblemType.validation,
                    title: 'The request is not valid',
                    status: 400,
                    detail: `Invalid variables: ${faults.map((fault) => fault.field).join(', ')}`,
                    errors: faults,
                  },
                  http: { status: 400 },
                },
              }),
            );
          }
          const depth = operationDepth(document, request.operationName);
          if (depth > limits.maxDepth) {
            return Promise.reject(
              refusal(
                QUERY_TOO_DEEP,
                'The query is too deep',
                `depth ${depth} exceeds ${limits.maxDepth}`,
              ),
            );
          }
          const perParent = perParentFieldUnderList(
            schema,
            document,
            request.operationName,
            request.variables ?? {},
          );
          if (perParent !== undefined) {
            return Promise.reject(
              refusal(
                QUERY_TOO_COMPLEX,
                'The query is too complex',
                `${perParent} would query the analytics engine once for every element of a list above it; ask for it on one area or school at a time`,
              ),
            );
          }
          const complexity = getComplexity({
            schema,
            query: document,
            operationName: request.operationName ?? undefined,
            variables: request.variables ?? {},
            estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
          });
          if (complexity > limits.maxComplexity) {
            return Promise.reject(
              refusal(
                QUERY_TOO_COMPLEX,
                'The query is too complex',
                `complexity ${complexity} exceeds ${limits.maxComplexity}`,
              ),
            );
          }
          return Promise.resolve();
        },
      }),
  };
}
