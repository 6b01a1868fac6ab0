import { Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { mergeMap } from 'rxjs';
import type { Observable } from 'rxjs';
import { CORRELATION_ID_HEADER } from '@junheng/platform';
import { AuditTrail } from './audit-trail';

/** Audits every successful command and query; failures are audited by the problem filter. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly trail: AuditTrail) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (!AuditTrail.audited(request)) return next.handle();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await this.trail.record(request, {
          status: response.statusCode,
          problemType: null,
          correlationId: String(response.getHeader(CORRELATION_ID_HEADER) ?? ''),
        });
        return result;
      }),
    );
  }
}
