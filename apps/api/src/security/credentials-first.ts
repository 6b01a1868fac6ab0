import type { NextFunction, Request, Response } from 'express';
import { isOperationalPath } from '@junheng/platform';
import { ProblemType } from '../problem-details/problem-types';
import type { CallerAuthenticator } from './caller-authenticator';
import type { CallerContext } from './caller-context';
import { ClientRequestError } from './request-body';

const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes that stream their own bodies for as long as an import takes. */
const STREAMED_BODIES = /^\/v1\/imports\//;

/** How many times a request carries a header (Node keeps only the first of some). */
function occurrences(request: Request, name: string): number {
  let count = 0;
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    if (request.rawHeaders[index]?.toLowerCase() === name) count += 1;
  }
  return count;
}

/**
 * Who is calling is settled before a body is read: a request with a body, and every GraphQL
 * request (there is no anonymous GraphQL field, introspection included), must prove its caller
 * first. So nobody unauthenticated can make the api hold bodies in memory (150 stalled 1 MB
 * uploads held 140 MB before), and a JSON body that has not arrived within
 * JUNHENG_BODY_TIMEOUT_MS (2 minutes: room for a slow rural uplink, not for a drip) is answered
 * 408 and dropped. A request with two `Authorization` or `X-Api-Key` headers is
 * refused: Node reads the first, a proxy in front may have read the last.
 */
export function credentialsFirst(
  authenticator: CallerAuthenticator,
  caller: CallerContext,
  bodyTimeoutMs: number,
) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const graphql = request.path === '/graphql';
    const hasBody = !BODYLESS_METHODS.has(request.method);
    if (isOperationalPath(request.path) || (!graphql && !hasBody)) {
      next();
      return;
    }
    if (occurrences(request, 'authorization') > 1 || occurrences(request, 'x-api-key') > 1) {
      next(new ClientRequestError(400, 'Send one Authorization or X-Api-Key header, not several'));
      return;
    }
    authenticator.authenticate(request).then(
      (principal) => {
        caller.authenticate(principal);
        if (hasBody && !STREAMED_BODIES.test(request.path)) {
          bodyDeadline(request, response, bodyTimeoutMs);
        }
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

/** Answers 408 and drops the connection when the body has not arrived in time. */
function bodyDeadline(request: Request, response: Response, timeoutMs: number): void {
  const timer = setTimeout(() => {
    if (request.complete || response.headersSent) return;
    response.setHeader('Connection', 'close');
    response
      .status(408)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: ProblemType.requestTimeout,
          title: 'The request took too long to arrive',
          status: 408,
          detail: `A JSON body must arrive within ${timeoutMs / 1000} s.`,
        }),
      );
    response.once('finish', () => request.destroy());
  }, timeoutMs);
  timer.unref();
  request.once('end', () => clearTimeout(timer));
  request.once('close', () => clearTimeout(timer));
}
