import { Injectable } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';
import { currentPrincipal } from './caller-context';
import { httpOf } from './http-context';

/** Rate limits count per authenticated caller (REST and GraphQL alike); anonymous per address. */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const caller = currentPrincipal();
    if (caller !== undefined) return Promise.resolve(`${caller.via}:${caller.subject}`);
    return Promise.resolve(`ip:${(request as unknown as Request).ip ?? 'unknown'}`);
  }

  protected override getRequestResponse(context: ExecutionContext): {
    req: Record<string, unknown>;
    res: Record<string, unknown>;
  } {
    const { request, response } = httpOf(context);
    return {
      req: request as unknown as Record<string, unknown>,
      res: response as unknown as Record<string, unknown>,
    };
  }
}
