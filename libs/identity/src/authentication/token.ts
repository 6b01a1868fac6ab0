import type { OrgScope } from '../authorization/org-scope';
import { formatOrgScope, parseOrgScope } from '../authorization/org-scope';
import type { Principal } from '../authorization/principal';
import { isRole } from '../authorization/roles';
import type { Role } from '../authorization/roles';
import { InvalidTokenError, signHs256 } from './jwt';
import type { JwtClaims } from './jwt';

/**
 * Junheng's claims: `sub` the person, `role`, and `scope` as an org path (`44/4403/440311`); the
 * principal keeps `exp` as `expiresAt`, so answers that outlive the request (live streams) end
 * when the token does. The claims are the verified ones (`verifyJwt`: `exp` a NumericDate).
 */
export function principalFromClaims(claims: JwtClaims): Principal {
  if (typeof claims.sub !== 'string' || claims.sub === '')
    throw new InvalidTokenError('the token names no subject');
  if (!isRole(claims.role)) throw new InvalidTokenError('the token carries no known role');
  if (typeof claims.scope !== 'string') throw new InvalidTokenError('the token carries no scope');
  let scope: OrgScope;
  try {
    scope = parseOrgScope(claims.scope);
  } catch (error) {
    throw new InvalidTokenError(error instanceof Error ? error.message : 'the scope is not valid');
  }
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp))
    throw new InvalidTokenError('the token has no expiry');
  return {
    subject: claims.sub,
    role: claims.role,
    scope,
    via: 'jwt',
    expiresAt: new Date(claims.exp * 1000),
  };
}

export function mintToken(
  secret: Buffer,
  grant: {
    subject: string;
    role: Role;
    scope: OrgScope | string;
    ttlSeconds: number;
    issuer?: string;
    audience?: string;
  },
  now: Date = new Date(),
): string {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return signHs256(
    {
      sub: grant.subject,
      role: grant.role,
      scope:
        typeof grant.scope === 'string'
          ? formatOrgScope(parseOrgScope(grant.scope))
          : formatOrgScope(grant.scope),
      iat: issuedAt,
      exp: issuedAt + grant.ttlSeconds,
      ...(grant.issuer === undefined ? {} : { iss: grant.issuer }),
      ...(grant.audience === undefined ? {} : { aud: grant.audience }),
    },
    secret,
  );
}
