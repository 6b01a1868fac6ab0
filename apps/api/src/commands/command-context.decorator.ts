import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import { CORRELATION_ID_HEADER } from '@junheng/platform';
import { RequestValidationException } from '../problem-details/request-validation.exception';
import { currentPrincipal } from '../security/caller-context';
import type { CommandContext } from './aggregate-command.executor';

const IDEMPOTENCY_KEY = /^[\w.:-]{1,200}$/;

/**
 * The command's context: its idempotency key (the `Idempotency-Key` header, or the
 * `idempotencyKey` argument of a GraphQL mutation), the correlation id and the caller.
 */
export function commandContext(
  request: Request,
  response: Response,
  idempotencyKey: string | undefined,
  field = 'header.Idempotency-Key',
): CommandContext {
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new RequestValidationException([
      {
        field,
        reason: 'the idempotency key must be 1 to 200 letters, digits, "_", ".", ":" or "-"',
      },
    ]);
  }
  const correlationId = response.getHeader(CORRELATION_ID_HEADER);
  return {
    idempotencyKey,
    correlationId: typeof correlationId === 'string' ? correlationId : null,
    caller: currentPrincipal() ?? null,
  };
}

/** REST: the command context of the current request. */
export const CommandContextOf = createParamDecorator(
  (_: unknown, execution: ExecutionContext): CommandContext => {
    const http = execution.switchToHttp();
    const request = http.getRequest<Request>();
    return commandContext(request, http.getResponse<Response>(), request.header('idempotency-key'));
  },
);

/** GraphQL: the command context, with the key from the mutation's `idempotencyKey` argument. */
export const GraphqlCommandContextOf = createParamDecorator(
  (_: unknown, execution: ExecutionContext): CommandContext => {
    const gql = GqlExecutionContext.create(execution);
    const { req, res } = gql.getContext<{ req: Request; res: Response }>();
    const { idempotencyKey } = gql.getArgs<{ idempotencyKey?: string }>();
    return commandContext(
      req,
      res,
      idempotencyKey ?? req.header('idempotency-key'),
      'idempotencyKey',
    );
  },
);
