import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';
import { currentPrincipal } from './caller-context';

/** Rate limits count per authenticated caller; anonymous routes count per address. */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const caller = currentPrincipal();
    if (caller !== undefined) return Promise.resolve(`${caller.via}:${caller.subject}`);
    return Promise.resolve(`ip:${(request as unknown as Request).ip ?? 'unknown'}`);
  }
}
