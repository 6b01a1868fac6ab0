import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import { CORRELATION_ID_HEADER } from '@junheng/platform';
import { RequestValidationException } from '../problem-details/request-validation.exception';
import { currentPrincipal } from '../security/caller-context';
import type { CommandContext } from './aggregate-command.executor';

const IDEMPOTENCY_KEY = /^[\w.:-]{1,200}$/;

export const IDEMPOTENCY_KEY_RULE =
  'an idempotency key is 1 to 200 letters, digits, "_", ".", ":" or "-"';

/** Whether a value can be an idempotency key (or an import row's `rowKey`). */
export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && IDEMPOTENCY_KEY.test(value);
}

/**
 * The command's context: its idempotency key (the `Idempotency-Key` header, or the
 * `idempotencyKey` argument of a GraphQL mutation) with the request it is bound to, the
 * correlation id and the caller.
 */
export function commandContext(
  request: Request,
  response: Response,
  idempotencyKey: string | undefined,
  boundTo: { action: string; body: unknown },
  field = 'header.Idempotency-Key',
): CommandContext {
  if (idempotencyKey !== undefined && !isIdempotencyKey(idempotencyKey)) {
    throw new RequestValidationException([{ field, reason: IDEMPOTENCY_KEY_RULE }]);
  }
  const correlationId = response.getHeader(CORRELATION_ID_HEADER);
  return {
    idempotency: idempotencyKey === undefined ? undefined : { key: idempotencyKey, ...boundTo },
    correlationId: typeof correlationId === 'string' ? correlationId : null,
    caller: currentPrincipal() ?? null,
  };
}

/** REST: the command context of the current request. */
export const CommandContextOf = createParamDecorator(
  (_: unknown, execution: ExecutionContext): CommandContext => {
    const http = execution.switchToHttp();
    const request = http.getRequest<Request>();
    const route = (request.route as { path?: string } | undefined)?.path ?? request.path;
    return commandContext(
      request,
      http.getResponse<Response>(),
      request.header('idempotency-key'),
      {
        action: `${request.method} ${route}`,
        body: (request.body as unknown) ?? null,
      },
    );
  },
);

/** GraphQL: the command context, with the key from the mutation's `idempotencyKey` argument. */
export const GraphqlCommandContextOf = createParamDecorator(
  (_: unknown, execution: ExecutionContext): CommandContext => {
    const gql = GqlExecutionContext.create(execution);
    const { req, res } = gql.getContext<{ req: Request; res: Response }>();
    const { idempotencyKey, ...args } = gql.getArgs<{ idempotencyKey?: string }>();
    return commandContext(
      req,
      res,
      idempotencyKey ?? req.header('idempotency-key'),
      { action: `graphql ${gql.getInfo<{ fieldName: string }>().fieldName}`, body: args },
      'idempotencyKey',
    );
  },
);
