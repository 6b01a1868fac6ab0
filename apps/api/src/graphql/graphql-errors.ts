import type { GraphQLFormattedError } from 'graphql';
import { ProblemType } from '../problem-details/problem-types';

/** What GraphQL itself says went wrong, before any resolver ran, as a problem type. */
const GRAPHQL_CODES: Readonly<Record<string, { type: string; title: string }>> = {
  GRAPHQL_PARSE_FAILED: {
    type: ProblemType.malformedRequest,
    title: 'The query could not be read',
  },
  GRAPHQL_VALIDATION_FAILED: {
    type: ProblemType.validation,
    title: 'The query does not fit the schema',
  },
  BAD_USER_INPUT: { type: ProblemType.validation, title: 'The request is not valid' },
  OPERATION_RESOLUTION_FAILURE: {
    type: ProblemType.validation,
    title: 'The operation to run is not clear',
  },
  BAD_REQUEST: { type: ProblemType.malformedRequest, title: 'The request could not be read' },
  PERSISTED_QUERY_NOT_SUPPORTED: {
    type: ProblemType.malformedRequest,
    title: 'Persisted queries are not supported',
  },
};

/**
 * Every GraphQL error as a problem document. Errors of Junheng's resolvers already carry one
 * (`extensions.problem`, from the problem filter) and pass as they are. GraphQL's own parse and
 * validation messages quote the literals of the query (`Int cannot represent non-integer value:
 * "G4403…"`), and a literal may be a personal identifier: they keep their locations and lose
 * their words. Anything else is an internal error with no detail.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  if (typeof extensions.problem === 'object' && extensions.problem !== null) return formatted;
  const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
  const known = GRAPHQL_CODES[code];
  const problem =
    known === undefined
      ? { type: ProblemType.internal, title: 'Something went wrong on our side', status: 500 }
      : {
          ...known,
          status: 400,
          detail: 'See the locations in the query; the schema is apps/api/schema.graphql.',
        };
  return {
    message: problem.title,
    ...(formatted.locations === undefined ? {} : { locations: formatted.locations }),
    ...(formatted.path === undefined ? {} : { path: formatted.path }),
    extensions: { code: problem.type, problem },
  };
}
