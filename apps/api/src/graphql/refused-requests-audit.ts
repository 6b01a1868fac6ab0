import type { ApolloServerPlugin } from '@apollo/server';
import type { Request, Response } from 'express';
import { Kind, OperationTypeNode } from 'graphql';
import { CORRELATION_ID_HEADER, correlationIdOf } from '@junheng/platform';
import { AuditTrail } from '../audit/audit-trail';
import { CallerAuthenticator } from '../security/caller-authenticator';
import { CallerContext, currentPrincipal } from '../security/caller-context';
import { formatGraphqlError } from './graphql-errors';

interface GraphqlContext {
  readonly req: Request;
  readonly res: Response;
}

/**
 * Audits the GraphQL requests refused before any field ran — unreadable, not fitting the
 * schema, variables of the wrong type, too deep or too costly. No resolver saw them, so neither
 * the audit interceptor nor the problem filter did; every attempt is still audited (security.md),
 * with the caller its credentials name. Errors of fields carry their path and were audited by
 * the filter already.
 */
export function refusedRequestsAudit(
  audit: AuditTrail,
  authenticator: CallerAuthenticator,
  caller: CallerContext,
): ApolloServerPlugin<GraphqlContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didEncounterErrors: async ({ errors, contextValue, operation, request }) => {
          if (errors.some((error) => error.path !== undefined)) return;
          const { req, res } = contextValue;
          if (currentPrincipal() === undefined) {
            const principal = await authenticator.identify(req);
            if (principal !== undefined) caller.authenticate(principal);
          }
          const first = errors[0];
          const problem = formatGraphqlError({
            message: first?.message ?? '',
            ...(first?.extensions === undefined ? {} : { extensions: first.extensions }),
          }).extensions?.problem as { type?: string; status?: number } | undefined;
          const type = operation?.operation ?? 'request';
          const field = operation?.selectionSet.selections.find(
            (selection) => selection.kind === Kind.FIELD,
          );
          const fieldName = field?.kind === Kind.FIELD ? field.name.value : '(not read)';
          await audit.record(
            req,
            {
              status: problem?.status ?? 400,
              problemType: problem?.type ?? null,
              correlationId: String(res.getHeader(CORRELATION_ID_HEADER) ?? correlationIdOf(req)),
            },
            {
              kind: operation?.operation === OperationTypeNode.MUTATION ? 'command' : 'query',
              action: `graphql ${type} ${fieldName}`,
              path: undefined,
              parameters: { query: request.query ?? null, variables: request.variables ?? null },
              target: null,
            },
          );
        },
      }),
  };
}
