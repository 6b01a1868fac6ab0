import { ApolloDriver } from '@nestjs/apollo';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import type { DynamicModule } from '@nestjs/common';
import type { Request, Response } from 'express';
import { formatGraphqlError } from './graphql-errors';
import { AuditTrail } from '../audit/audit-trail';
import { CallerAuthenticator } from '../security/caller-authenticator';
import { CallerContext } from '../security/caller-context';
import { oneMutationPerRequest } from './one-mutation';
import { queryLimitsPlugin } from './query-limits';
import { refusedRequestsAudit } from './refused-requests-audit';

/**
 * GraphQL at /graphql, code-first: the schema comes from the resolvers and is committed as
 * apps/api/schema.graphql (`npm run sync:schema`; a test fails when it is stale).
 * No playground or introspection-driven UI in the api: dashboards bring their own tools.
 */
export function graphqlApiModule(): DynamicModule {
  return GraphQLModule.forRootAsync<ApolloDriverConfig>({
    driver: ApolloDriver,
    inject: [AuditTrail, CallerAuthenticator, CallerContext],
    useFactory: (
      audit: AuditTrail,
      authenticator: CallerAuthenticator,
      caller: CallerContext,
    ): ApolloDriverConfig => ({
      path: '/graphql',
      autoSchemaFile: true,
      sortSchema: true,
      playground: false,
      introspection: true,
      context: ({ req, res }: { req: Request; res: Response }) => ({ req, res }),
      // Errors already carry RFC 9457 problem details in extensions (ProblemDetailsFilter);
      // drop stack traces and anything Apollo adds for development.
      includeStacktraceInErrorResponses: false,
      formatError: formatGraphqlError,
      // Field resolvers (an area's scorecard, a school's figures) answer problems like root fields.
      fieldResolverEnhancers: ['filters'],
      plugins: [
        oneMutationPerRequest(),
        queryLimitsPlugin(),
        refusedRequestsAudit(audit, authenticator, caller),
      ],
    }),
  });
}
