import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { roleGrants } from '@junheng/identity';
import type { Permission } from '@junheng/identity';
import { ANONYMOUS, ROUTE_ACCESS_KEY } from '@junheng/platform';
import { CallerAuthenticator } from './caller-authenticator';
import { CallerContext, currentPrincipal } from './caller-context';
import { httpOf } from './http-context';
import { AccessDeniedException } from './security.exceptions';

/**
 * Deny by default: a route must declare a permission (or be anonymous), the caller must prove
 * who it is with a bearer JWT or an API key, and its role must grant the permission. Scope is
 * checked later, by the service that knows which facts are touched.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly caller: CallerContext,
    private readonly authenticator: CallerAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const permission = this.reflector.getAllAndOverride<Permission | typeof ANONYMOUS | undefined>(
      ROUTE_ACCESS_KEY,
      [context.getHandler(), context.getClass()],
    );
    if (permission === ANONYMOUS) return true;
    // Requests with a body were authenticated before it was read (credentialsFirst).
    const principal =
      currentPrincipal() ?? (await this.authenticator.authenticate(httpOf(context).request));
    this.caller.authenticate(principal);
    if (permission === undefined) {
      throw new AccessDeniedException('undeclared-permission', 'This route declares no permission');
    }
    if (!roleGrants(principal.role, permission)) {
      throw new AccessDeniedException(
        'missing-permission',
        `The role ${principal.role} may not ${permission}`,
        {
          role: principal.role,
          permission,
        },
      );
    }
    return true;
  }
}
