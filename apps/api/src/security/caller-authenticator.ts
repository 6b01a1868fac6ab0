import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Clock } from '@junheng/domain';
import {
  ApiKeyRepository,
  InvalidTokenError,
  principalFromClaims,
  verifyJwt,
} from '@junheng/identity';
import type { IdentitySecrets, Principal } from '@junheng/identity';
import { CLOCK, JUNHENG_CONFIG, METRICS_REGISTRY } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { FailedAuthentications } from './failed-authentications';
import { AuthenticationThrottledException, UnauthenticatedException } from './security.exceptions';
import { IDENTITY_SECRETS } from './security.tokens';

/**
 * Proves who a request's credentials name: a bearer JWT or an API key. Failures count per
 * client address, and an address over AUTH_FAILURES_PER_MINUTE is refused before anything is
 * verified (quality.md: failed authentication is throttled per client address).
 */
@Injectable()
export class CallerAuthenticator {
  private readonly failures: FailedAuthentications;
  private readonly throttled: Counter;

  constructor(
    private readonly apiKeys: ApiKeyRepository,
    @Inject(IDENTITY_SECRETS) private readonly secrets: IdentitySecrets,
    @Inject(JUNHENG_CONFIG) private readonly config: JunhengConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.failures = new FailedAuthentications(config.authFailuresPerMinute, () =>
      clock.now().getTime(),
    );
    this.throttled = new Counter({
      name: 'junheng_authentication_throttled_total',
      help: 'Requests refused unread because their address failed authentication too often',
      registers: [registry],
    });
  }

  async authenticate(request: Request): Promise<Principal> {
    const address = request.ip ?? 'unknown';
    const blockedFor = this.failures.blockedFor(address);
    if (blockedFor > 0) {
      this.throttled.inc();
      throw new AuthenticationThrottledException(blockedFor);
    }
    try {
      return await this.verify(request);
    } catch (error) {
      if (error instanceof UnauthenticatedException) this.failures.record(address);
      throw error;
    }
  }

  /**
   * Who the credentials name, for the audit of an answer no guard saw (an unknown route, a
   * body refused before routing): the principal when they hold, nothing otherwise. Counts no
   * failure and throws nothing.
   */
  async identify(request: Request): Promise<Principal | undefined> {
    if (request.header('x-api-key') === undefined && request.header('authorization') === undefined)
      return undefined;
    if (this.failures.blockedFor(request.ip ?? 'unknown') > 0) return undefined;
    try {
      return await this.verify(request);
    } catch {
      return undefined;
    }
  }

  private async verify(request: Request): Promise<Principal> {
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
