import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, OperationTypeNode } from 'graphql';
import type { DocumentNode, SelectionSetNode } from 'graphql';
import { ProblemType } from '../problem-details/problem-types';
import { QUERY_TOO_COMPLEX } from './query-limits';

/** How many times one request may ask for the schema (`__schema`, `__type`, aliases included). */
const MAX_INTROSPECTION_FIELDS = 2;

/**
 * The root fields a selection names (those `counted` accepts), through fragments spread or
 * inlined at the root.
 */
function rootFieldCount(
  selections: SelectionSetNode,
  fragments: ReadonlyMap<string, SelectionSetNode>,
  counted: (name: string) => boolean = () => true,
  visiting: ReadonlySet<string> = new Set(),
): number {
  let count = 0;
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) {
      count += counted(selection.name.value) ? 1 : 0;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += rootFieldCount(selection.selectionSet, fragments, counted, visiting);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (fragment !== undefined && !visiting.has(name)) {
        count += rootFieldCount(fragment, fragments, counted, new Set([...visiting, name]));
      }
    }
  }
  return count;
}

function fragmentsOf(document: DocumentNode): Map<string, SelectionSetNode> {
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition.selectionSet);
    }
  }
  return fragments;
}

function refusal(type: string, title: string, detail: string): GraphQLError {
  const problem = { type, title, status: 400, detail };
  return new GraphQLError(title, {
    extensions: { code: problem.type, problem, http: { status: 400 } },
  });
}

/**
 * One command per GraphQL request, as over REST. A mutation's answer is non-null, so when one
 * of several mutations in a document failed, GraphQL nulled the whole `data` and ran none of
 * the rest — the caller could not tell which were recorded (and a retry double-counted, or
 * never ran the rest). And the schema at most twice per request: it costs nothing in the cost
 * estimate, but a hundred aliased copies of it are 650 KB of answer for 10 KB asked. Both are
 * refused before anything runs, as 400 problems.
 */
export function oneMutationPerRequest(): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ operation, document }) => {
          if (operation === undefined) return Promise.resolve();
          const fragments = fragmentsOf(document);
          const introspection = rootFieldCount(operation.selectionSet, fragments, (name) =>
            name.startsWith('__'),
          );
          if (introspection > MAX_INTROSPECTION_FIELDS) {
            return Promise.reject(
              refusal(
                QUERY_TOO_COMPLEX,
                'The query asks for the schema too often',
                `${introspection} introspection fields; ask for __schema or __type at most ${MAX_INTROSPECTION_FIELDS} times.`,
              ),
            );
          }
          if (operation.operation !== OperationTypeNode.MUTATION) return Promise.resolve();
          const fields = rootFieldCount(operation.selectionSet, fragments);
          if (fields <= 1) return Promise.resolve();
          return Promise.reject(
            refusal(
              ProblemType.validation,
              'One mutation per request',
              `This request holds ${fields} mutations; send each command as a request of its own (with its own idempotency key).`,
            ),
          );
        },
      }),
  };
}
