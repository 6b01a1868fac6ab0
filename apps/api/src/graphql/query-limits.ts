import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, coerceInputValue, isInputType, typeFromAST } from 'graphql';
import type {
  DocumentNode,
  FragmentDefinitionNode,
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
  /** Most cost allowed: a field costs 1 unless it declares `complexity` (the ClickHouse reads). */
  readonly maxComplexity: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxComplexity: 1_000 };

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
