import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { assertDistrictInScope } from '@junheng/identity';
import type { Principal } from '@junheng/identity';

interface CallerStore {
  principal?: Principal;
}

const storage = new AsyncLocalStorage<CallerStore>();

/** The caller of the request being handled, if authenticated (for code outside DI). */
export function currentPrincipal(): Principal | undefined {
  return storage.getStore()?.principal;
}

/** Opens a caller slot for one request (registered as the first middleware). */
export function withCallerSlot(run: () => void): void {
  storage.run({}, run);
}

/**
 * Who is calling, for the services: queries check scope here themselves, so no controller can
 * forget to (quality.md: no broken object-level authorization).
 */
@Injectable()
export class CallerContext {
  /** Set by the authentication guard. */
  authenticate(principal: Principal): void {
    const store = storage.getStore();
    if (store === undefined) throw new Error('No caller slot: is withCallerSlot registered?');
    store.principal = principal;
  }

  principal(): Principal {
    const principal = currentPrincipal();
    if (principal === undefined) throw new Error('No authenticated caller in this context');
    return principal;
  }

  requireDistrict(districtCode: string): Principal {
    const principal = this.principal();
    assertDistrictInScope(principal, districtCode);
    return principal;
  }
}
