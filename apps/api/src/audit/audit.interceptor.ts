import { Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { GqlContextType } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { mergeMap } from 'rxjs';
import type { Observable } from 'rxjs';
import { CORRELATION_ID_HEADER } from '@junheng/platform';
import { httpOf } from '../security/http-context';
import { AuditTrail, graphqlOperation, restOperation } from './audit-trail';
import type { AuditedOperation } from './audit-trail';

/** Audits every successful command and query; failures are audited by the problem filter. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly trail: AuditTrail) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { request, response } = httpOf(context);
    let operation: AuditedOperation;
    if (context.getType<GqlContextType>() === 'graphql') {
      const gql = GqlExecutionContext.create(context);
      const info = gql.getInfo<GraphQLResolveInfo>();
      // Only root fields are operations; nested field resolvers are part of them.
      if (!['Query', 'Mutation'].includes(info.parentType.name)) return next.handle();
      operation = graphqlOperation(info, gql.getArgs());
    } else {
      if (!AuditTrail.audited(request)) return next.handle();
      operation = restOperation(request);
    }
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await this.trail.record(
          request,
          {
            status: context.getType<GqlContextType>() === 'graphql' ? 200 : response.statusCode,
            problemType: null,
            correlationId: String(response.getHeader(CORRELATION_ID_HEADER) ?? ''),
          },
          operation,
        );
        return result;
      }),
    );
  }
}
