import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { CORRELATION_ID_HEADER } from '@junheng/platform';
import { RequestValidationException } from '../problem-details/request-validation.exception';
import { currentPrincipal } from '../security/caller-context';
import type { CommandContext } from './aggregate-command.executor';

const IDEMPOTENCY_KEY = /^[\w.:-]{1,200}$/;

/** The command's context from the request: its `Idempotency-Key`, correlation id and caller. */
export const CommandContextOf = createParamDecorator(
  (_: unknown, execution: ExecutionContext): CommandContext => {
    const request = execution.switchToHttp().getRequest<Request>();
    const key = request.header('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new RequestValidationException([
        {
          field: 'header.Idempotency-Key',
          reason: 'Idempotency-Key must be 1 to 200 letters, digits, "_", ".", ":" or "-"',
        },
      ]);
    }
    const correlationId = execution
      .switchToHttp()
      .getResponse<{ getHeader(name: string): unknown }>()
      .getHeader(CORRELATION_ID_HEADER);
    return {
      idempotencyKey: key,
      correlationId: typeof correlationId === 'string' ? correlationId : null,
      caller: currentPrincipal() ?? null,
    };
  },
);
