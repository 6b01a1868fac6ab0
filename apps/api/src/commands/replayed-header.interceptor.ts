import { Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map } from 'rxjs';
import type { Observable } from 'rxjs';

/**
 * Every REST command answer that replays an earlier one says so in `Idempotent-Replayed: true`
 * (docs/reliability.md), whichever route sent it; GraphQL answers carry `replayed` in the body.
 */
@Injectable()
export class ReplayedHeaderInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((result: unknown) => {
        if (
          typeof result === 'object' &&
          result !== null &&
          (result as { replayed?: unknown }).replayed === true &&
          !response.headersSent
        ) {
          response.setHeader('Idempotent-Replayed', 'true');
        }
        return result;
      }),
    );
  }
}
