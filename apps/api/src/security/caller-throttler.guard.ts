import { Injectable } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';
import { currentPrincipal } from './caller-context';
import { httpOf } from './http-context';

/**
 * Rate limits count per authenticated caller (REST and GraphQL alike), anonymous callers per
 * address — across every route: one budget per caller, not one per route (the library's
 * default key names the handler, so a caller spreading requests over routes multiplied it).
 */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `${name}:${tracker}`;
  }

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
