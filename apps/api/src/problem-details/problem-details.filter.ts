import { Catch, HttpException, HttpStatus } from '@nestjs/common';
import { GqlArgumentsHost } from '@nestjs/graphql';
import type { GqlContextType } from '@nestjs/graphql';
import { ThrottlerException } from '@nestjs/throttler';
import { GraphQLError } from 'graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { DomainRuleViolation } from '@junheng/domain';
import { EventStoreErrorCode, EventStoreException } from '@junheng/event-store';
import { ScopeViolation } from '@junheng/identity';
import { CORRELATION_ID_HEADER, correlationIdOf, safePathOf } from '@junheng/platform';
import { AuditTrail, graphqlOperation } from '../audit/audit-trail';
import { ProjectionBehindException, ReadRefusedException } from '../dashboard/dashboard.exceptions';
import { CallerAuthenticator } from '../security/caller-authenticator';
import { CallerContext, currentPrincipal } from '../security/caller-context';
import { ImportTooLargeException } from '../imports/import.exceptions';
import { ClientRequestError } from '../security/request-body';
import {
  AccessDeniedException,
  AuthenticationThrottledException,
  UnauthenticatedException,
} from '../security/security.exceptions';
import { ProblemType } from './problem-types';
import type { ProblemDetails } from './problem-types';
import { RequestValidationException } from './request-validation.exception';

const RETRY_AFTER_SECONDS = 5;

/**
 * Maps every error to RFC 9457 problem details. Known errors keep their meaning; anything else
 * is a 500 that names only the correlation id, so internals never reach the caller.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    private readonly logger: PinoLogger,
    private readonly audit: AuditTrail,
    private readonly authenticator: CallerAuthenticator,
    private readonly caller: CallerContext,
  ) {
    logger.setContext(ProblemDetailsFilter.name);
  }

  async catch(exception: unknown, host: ArgumentsHost): Promise<void | GraphQLError> {
    if (host.getType<GqlContextType>() === 'graphql') return this.catchGraphql(exception, host);
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const correlationId = String(
      response.getHeader(CORRELATION_ID_HEADER) ?? correlationIdOf(request),
    );
    // A request refused before the request logger saw it (by the body parser) still gets one.
    if (!response.headersSent) response.setHeader(CORRELATION_ID_HEADER, correlationId);
    const problem = {
      ...this.toProblem(exception),
      // Never the raw path: a caller may have put an ID number in it.
      instance: safePathOf(request).path,
      correlationId,
    };
    this.logFailure(exception, problem, correlationId, 'request failed');
    const answered = response.headersSent;
    if (
      !answered &&
      (problem.status === 503 ||
        problem.status === 429 ||
        problem.type === ProblemType.idempotencyKeyInFlight)
    ) {
      response.setHeader('Retry-After', String(retryAfterSeconds(exception, problem)));
    }
    if (!answered && problem.status === 401) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="junheng"');
    }
    // An address refused unread for failing authentication too often writes no more rows: the
    // metric junheng_authentication_throttled_total counts those attempts instead.
    if (AuditTrail.audited(request) && !(exception instanceof AuthenticationThrottledException)) {
      await this.attributeCaller(request);
      try {
        await this.audit.record(request, {
          status: problem.status,
          problemType: problem.type,
          correlationId,
        });
      } catch (error) {
        // The refusal still reaches the caller; the lost audit entry is an operational alarm.
        this.logger.error({ err: error, correlationId }, 'audit entry could not be written');
      }
    }
    // Already answered (a body that did not arrive in time): the refusal is logged and audited,
    // never written twice.
    if (answered) return;
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  /**
   * GraphQL answers with an error whose extensions carry the same problem details as REST:
   * `extensions.code` is the problem type, `extensions.problem` the whole document.
   */
  private async catchGraphql(exception: unknown, host: ArgumentsHost): Promise<GraphQLError> {
    const gql = GqlArgumentsHost.create(host);
    const { req: request, res: response } = gql.getContext<{ req: Request; res: Response }>();
    const info = gql.getInfo<GraphQLResolveInfo>();
    const correlationId = String(
      response.getHeader(CORRELATION_ID_HEADER) ?? correlationIdOf(request),
    );
    const problem = {
      ...this.toProblem(exception),
      instance: `graphql:${info.fieldName}`,
      correlationId,
    };
    this.logFailure(exception, problem, correlationId, 'graphql operation failed');
    try {
      await this.audit.record(
        request,
        { status: problem.status, problemType: problem.type, correlationId },
        graphqlOperation(info, gql.getArgs()),
      );
    } catch (error) {
      this.logger.error({ err: error, correlationId }, 'audit entry could not be written');
    }
    return new GraphQLError(problem.title, {
      path: info.path.key === undefined ? undefined : [info.path.key],
      extensions: { code: problem.type, problem },
    });
  }

  /**
   * A 5xx is an incident, logged with its error; a read waiting for its write is the caller's
   * retry to make, and an unavailable database is one incident however many requests meet it
   * (a warning without the stack, or an outage floods the log).
   */
  private logFailure(
    exception: unknown,
    problem: ProblemDetails,
    correlationId: string,
    message: string,
  ): void {
    if (problem.status < 500 || problem.type === ProblemType.projectionBehind) return;
    if (problem.type === ProblemType.unavailable) {
      this.logger.warn({ correlationId, type: problem.type }, message);
      return;
    }
    this.logger.error({ err: exception, correlationId, type: problem.type }, message);
  }

  /**
   * An answer no guard saw (an unknown route, a body refused before routing) is still audited
   * with the caller its credentials name, not as anonymous.
   */
  private async attributeCaller(request: Request): Promise<void> {
    if (currentPrincipal() !== undefined) return;
    const principal = await this.authenticator.identify(request);
    if (principal !== undefined) this.caller.authenticate(principal);
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof RequestValidationException) {
      return {
        type: ProblemType.validation,
        title: 'The request is not valid',
        status: HttpStatus.BAD_REQUEST,
        detail: exception.message,
        errors: exception.errors,
      };
    }
    if (exception instanceof UnauthenticatedException) {
      return {
        type: ProblemType.unauthenticated,
        title: 'Authentication is required',
        status: HttpStatus.UNAUTHORIZED,
        detail: exception.reason,
      };
    }
    if (exception instanceof AccessDeniedException) {
      return {
        type: ProblemType.forbidden,
        title: 'You may not do this',
        status: HttpStatus.FORBIDDEN,
        detail: exception.message,
        reason: exception.reason,
        facts: exception.facts,
      };
    }
    if (exception instanceof ScopeViolation) {
      return {
        type: ProblemType.outOfScope,
        title: 'These facts are outside your scope',
        status: HttpStatus.FORBIDDEN,
        detail: exception.message,
        facts: exception.facts,
      };
    }
    if (exception instanceof ImportTooLargeException) {
      return {
        type: ProblemType.payloadTooLarge,
        title: 'The import is too large',
        status: HttpStatus.PAYLOAD_TOO_LARGE,
        detail: `Send at most ${exception.maxBytes} bytes per import; split the file and send the rest. The rows before the limit were imported (see report).`,
        maxBytes: exception.maxBytes,
        ...(exception.report === null ? {} : { report: exception.report }),
      };
    }
    if (exception instanceof AuthenticationThrottledException) {
      return {
        type: ProblemType.rateLimited,
        title: 'Too many failed authentications',
        status: HttpStatus.TOO_MANY_REQUESTS,
        detail:
          'This address failed to authenticate too often; retry after the time in Retry-After.',
      };
    }
    if (exception instanceof ThrottlerException) {
      return {
        type: ProblemType.rateLimited,
        title: 'Too many requests',
        status: HttpStatus.TOO_MANY_REQUESTS,
        detail: 'Slow down and retry after the time in Retry-After.',
      };
    }
    if (exception instanceof DomainRuleViolation) {
      return {
        type: ProblemType.rule(exception.rule),
        title:
          exception.nature === 'conflict'
            ? 'The current facts refuse this command'
            : 'A domain rule refuses this command',
        status:
          exception.nature === 'conflict' ? HttpStatus.CONFLICT : HttpStatus.UNPROCESSABLE_ENTITY,
        detail: exception.message,
        rule: exception.rule,
        facts: exception.facts,
      };
    }
    if (exception instanceof ProjectionBehindException) {
      return {
        type: ProblemType.projectionBehind,
        title: 'The indicators have not caught up with that position yet',
        status: HttpStatus.SERVICE_UNAVAILABLE,
        detail: exception.message,
        minPosition: exception.minPosition,
        freshness: exception.freshness,
      };
    }
    if (exception instanceof ReadRefusedException) {
      return {
        type: exception.type,
        title: exception.title,
        status: exception.status,
        detail: exception.message,
      };
    }
    if (exception instanceof EventStoreException) {
      if (exception.code === EventStoreErrorCode.Unavailable) {
        return {
          type: ProblemType.unavailable,
          title: 'The service is temporarily unavailable',
          status: HttpStatus.SERVICE_UNAVAILABLE,
          detail: 'The event store cannot be reached; retry later.',
        };
      }
      if (exception.code === EventStoreErrorCode.IdempotencyKeyReused) {
        return {
          type: ProblemType.idempotencyKeyReused,
          title: 'This Idempotency-Key was used for another request',
          status: HttpStatus.UNPROCESSABLE_ENTITY,
          detail:
            'You sent this key before with a different request; nothing was recorded now. Use a new key for a new request.',
        };
      }
      if (exception.code === EventStoreErrorCode.IdempotencyKeyInFlight) {
        return {
          type: ProblemType.idempotencyKeyInFlight,
          title: 'The first request with this Idempotency-Key is still being processed',
          status: HttpStatus.CONFLICT,
          detail: 'Retry after the time in Retry-After to get its outcome.',
        };
      }
      if (exception.code === EventStoreErrorCode.WrongExpectedVersion) {
        return {
          type: ProblemType.concurrencyConflict,
          title: 'The facts changed while this command ran',
          status: HttpStatus.CONFLICT,
          detail: 'Another command changed the same record at the same time; send it again.',
        };
      }
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) {
        return { type: ProblemType.notFound, title: 'No such resource', status };
      }
      return {
        type: ProblemType.malformedRequest,
        title: 'The request could not be read',
        status,
        detail: exception.message,
      };
    }
    const clientError = asClientError(exception);
    if (clientError !== null) {
      return {
        type:
          exception instanceof ClientRequestError
            ? exception.problemType
            : clientError.status === 413
              ? ProblemType.payloadTooLarge
              : ProblemType.malformedRequest,
        title: 'The request could not be read',
        status: clientError.status,
        detail: clientError.message,
      };
    }
    return {
      type: ProblemType.internal,
      title: 'Something went wrong on our side',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
    };
  }
}

/** A lagging projection catches up in about a second; a database outage takes longer. */
function retryAfterSeconds(exception: unknown, problem: ProblemDetails): number {
  if (exception instanceof AuthenticationThrottledException) return exception.retryAfterSeconds;
  if (exception instanceof ReadRefusedException) return exception.retryAfterSeconds;
  if (problem.status === 429) return 60;
  if (problem.type === ProblemType.idempotencyKeyInFlight) return 1;
  return problem.type === ProblemType.projectionBehind ? 1 : RETRY_AFTER_SECONDS;
}

/**
 * Errors of the body parser and other http-errors middleware (a body over the size limit, a
 * wrong charset): they carry a 4xx `status` and mark their message safe to show (`expose`).
 */
function asClientError(exception: unknown): { status: number; message: string } | null {
  if (typeof exception !== 'object' || exception === null) return null;
  const { status, expose, message } = exception as {
    status?: unknown;
    expose?: unknown;
    message?: unknown;
  };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return null;
  return { status, message: typeof message === 'string' ? message : 'Bad request' };
}
