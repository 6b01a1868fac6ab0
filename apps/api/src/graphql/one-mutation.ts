import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, OperationTypeNode } from 'graphql';
import type { SelectionSetNode } from 'graphql';
import { ProblemType } from '../problem-details/problem-types';

/** The root fields a selection names, through fragments spread or inlined at the root. */
function rootFieldCount(
  selections: SelectionSetNode,
  fragments: Map<string, SelectionSetNode>,
): number {
  let count = 0;
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) count += 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      count += rootFieldCount(selection.selectionSet, fragments);
    else {
      const fragment = fragments.get(selection.name.value);
      if (fragment !== undefined) count += rootFieldCount(fragment, fragments);
    }
  }
  return count;
}

/**
 * One command per GraphQL request, as over REST. A mutation's answer is non-null, so when one
 * of several mutations in a document failed, GraphQL nulled the whole `data` and ran none of
 * the rest — the caller could not tell which were recorded (and a retry double-counted, or
 * never ran the rest). Refused before anything runs, as a 400 problem.
 */
export function oneMutationPerRequest(): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ operation, document }) => {
          if (operation?.operation !== OperationTypeNode.MUTATION) return Promise.resolve();
          const fragments = new Map<string, SelectionSetNode>();
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION)
              fragments.set(definition.name.value, definition.selectionSet);
          }
          const fields = rootFieldCount(operation.selectionSet, fragments);
          if (fields <= 1) return Promise.resolve();
          const problem = {
            type: ProblemType.validation,
            title: 'One mutation per request',
            status: 400,
            detail: `This request holds ${fields} mutations; send each command as a request of its own (with its own idempotency key).`,
          };
          return Promise.reject(
            new GraphQLError(problem.title, {
              extensions: { code: problem.type, problem, http: { status: 400 } },
            }),
          );
        },
      }),
  };
}
