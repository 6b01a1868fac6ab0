import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import {
  ApiKeyRepository,
  InvalidTokenError,
  principalFromClaims,
  roleGrants,
  verifyJwt,
} from '@junheng/identity';
import type { IdentitySecrets, Principal } from '@junheng/identity';
import { ANONYMOUS, CLOCK, JUNHENG_CONFIG, ROUTE_ACCESS_KEY } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import type { Permission } from '@junheng/identity';
import type { Clock } from '@junheng/domain';
import { CallerContext } from './caller-context';
import { httpOf } from './http-context';
import { AccessDeniedException, UnauthenticatedException } from './security.exceptions';
import { IDENTITY_SECRETS } from './security.tokens';

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
    private readonly apiKeys: ApiKeyRepository,
    @Inject(IDENTITY_SECRETS) private readonly secrets: IdentitySecrets,
    @Inject(JUNHENG_CONFIG) private readonly config: JunhengConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const permission = this.reflector.getAllAndOverride<Permission | typeof ANONYMOUS | undefined>(
      ROUTE_ACCESS_KEY,
      [context.getHandler(), context.getClass()],
    );
    if (permission === ANONYMOUS) return true;
    const principal = await this.authenticate(httpOf(context).request);
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

  private async authenticate(request: Request): Promise<Principal> {
    const apiKey = request.header('x-api-key');
    if (apiKey !== undefined) {
      const principal = await this.apiKeys.authenticate(apiKey);
      if (principal === null) throw new UnauthenticatedException('The API key is not valid');
      return principal;
    }
    const authorization = request.header('authorization');
    if (authorization === undefined) throw new UnauthenticatedException('Credentials are required');
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match === null)
      throw new UnauthenticatedException('Use "Authorization: Bearer <token>" or X-Api-Key');
    try {
      const claims = verifyJwt(match[1]!, this.secrets.verifier, {
        issuer: this.config.auth.jwtIssuer,
        audience: this.config.auth.jwtAudience,
        now: this.clock.now(),
      });
      return principalFromClaims(claims);
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw new UnauthenticatedException(`The token is not valid: ${error.message}`);
      throw error;
    }
  }
}
