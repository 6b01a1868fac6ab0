import {
  createHmac,
  createPublicKey,
  timingSafeEqual,
  verify as verifySignature,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * Compact JWS tokens with the two algorithms Junheng accepts: HS256 with a shared secret
 * (development, tests, the token CLI) and RS256 with a public key (production identity
 * providers). Nothing else — in particular never `none`, and never the algorithm the token
 * asks for when the verifier was configured for another.
 */
export type JwtVerifier =
  | { readonly algorithm: 'HS256'; readonly secret: Buffer }
  | { readonly algorithm: 'RS256'; readonly keys: ReadonlyMap<string | undefined, KeyObject> };

export interface JwtClaims {
  readonly sub?: unknown;
  readonly exp?: unknown;
  readonly nbf?: unknown;
  readonly iat?: unknown;
  readonly iss?: unknown;
  readonly aud?: unknown;
  readonly [claim: string]: unknown;
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

const CLOCK_SKEW_SECONDS = 60;

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

function decodeJson(segment: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error();
    return value as Record<string, unknown>;
  } catch {
    throw new InvalidTokenError(`the token's ${what} is not a JSON object`);
  }
}

/** Signs HS256 tokens (the token CLI and tests); production tokens come from the identity provider. */
export function signHs256(claims: JwtClaims, secret: Buffer): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export function verifyJwt(
  token: string,
  verifier: JwtVerifier,
  expected: { issuer?: string; audience?: string; now: Date },
): JwtClaims {
  const segments = token.split('.');
  if (segments.length !== 3) throw new InvalidTokenError('the token is not a compact JWS');
  const [headerSegment, payloadSegment, signatureSegment] = segments as [string, string, string];
  const header = decodeJson(headerSegment, 'header');
  if (header.alg !== verifier.algorithm) {
    throw new InvalidTokenError(`tokens must be signed with ${verifier.algorithm}`);
  }
  const signed = Buffer.from(`${headerSegment}.${payloadSegment}`);
  const signature = Buffer.from(signatureSegment, 'base64url');
  if (verifier.algorithm === 'HS256') {
    const expectedSignature = createHmac('sha256', verifier.secret).update(signed).digest();
    if (
      signature.length !== expectedSignature.length ||
      !timingSafeEqual(signature, expectedSignature)
    ) {
      throw new InvalidTokenError('the signature does not verify');
    }
  } else {
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const key =
      verifier.keys.get(kid) ??
      (verifier.keys.size === 1 ? [...verifier.keys.values()][0] : undefined);
    if (key === undefined || !verifySignature('RSA-SHA256', signed, key, signature)) {
      throw new InvalidTokenError('the signature does not verify');
    }
  }
  const claims = decodeJson(payloadSegment, 'payload') as JwtClaims;
  const now = Math.floor(expected.now.getTime() / 1000);
  if (typeof claims.exp !== 'number') throw new InvalidTokenError('the token has no expiry');
  if (claims.exp + CLOCK_SKEW_SECONDS < now) throw new InvalidTokenError('the token has expired');
  if (typeof claims.nbf === 'number' && claims.nbf - CLOCK_SKEW_SECONDS > now) {
    throw new InvalidTokenError('the token is not valid yet');
  }
  if (expected.issuer !== undefined && claims.iss !== expected.issuer) {
    throw new InvalidTokenError('the token was issued by someone else');
  }
  if (expected.audience !== undefined) {
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(expected.audience))
      throw new InvalidTokenError('the token is meant for another audience');
  }
  return claims;
}

/** RS256 keys from a PEM public key or from a JWKS document (keys by `kid`). */
export function rs256Keys(source: {
  pem?: string;
  jwks?: string;
}): ReadonlyMap<string | undefined, KeyObject> {
  if (source.pem !== undefined) return new Map([[undefined, createPublicKey(source.pem)]]);
  const document = JSON.parse(source.jwks ?? '{}') as { keys?: Array<Record<string, unknown>> };
  const keys = new Map<string | undefined, KeyObject>();
  for (const jwk of document.keys ?? []) {
    if (jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
    keys.set(
      typeof jwk.kid === 'string' ? jwk.kid : undefined,
      createPublicKey({ key: jwk, format: 'jwk' }),
    );
  }
  if (keys.size === 0) throw new Error('The JWKS document holds no RSA signing key');
  return keys;
}
