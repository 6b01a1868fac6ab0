import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { GqlContextType } from '@nestjs/graphql';
import type { Request, Response } from 'express';

/** The HTTP request and response behind a REST route or a GraphQL resolver. */
export function httpOf(context: ExecutionContext): { request: Request; response: Response } {
  if (context.getType<GqlContextType>() === 'graphql') {
    const { req, res } = GqlExecutionContext.create(context).getContext<{
      req: Request;
      res: Response;
    }>();
    return { request: req, response: res };
  }
  const http = context.switchToHttp();
  return { request: http.getRequest<Request>(), response: http.getResponse<Response>() };
}
