import { Catch, HttpException, HttpStatus } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { DomainRuleViolation } from '@junheng/domain';
import { EventStoreErrorCode, EventStoreException } from '@junheng/event-store';
import { CORRELATION_ID_HEADER, correlationIdOf } from '@junheng/platform';
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
  constructor(private readonly logger: PinoLogger) {
    logger.setContext(ProblemDetailsFilter.name);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const correlationId = String(
      response.getHeader(CORRELATION_ID_HEADER) ?? correlationIdOf(request),
    );
    const problem = {
      ...this.toProblem(exception),
      instance: request.originalUrl.split('?')[0],
      correlationId,
    };
    if (problem.status >= 500) {
      this.logger.error({ err: exception, correlationId, type: problem.type }, 'request failed');
    }
    if (problem.status === 503) {
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    }
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
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
    if (exception instanceof DomainRuleViolation) {
      return {
        type: ProblemType.rule(exception.rule),
        title: 'A domain rule refuses this command',
        status: HttpStatus.UNPROCESSABLE_ENTITY,
        detail: exception.message,
        rule: exception.rule,
        facts: exception.facts,
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
    return {
      type: ProblemType.internal,
      title: 'Something went wrong on our side',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
    };
  }
}
