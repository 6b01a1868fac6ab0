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

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * RFC 7515 §2: base64url without padding, only `A-Z a-z 0-9 - _`, and canonical — the segment
 * is exactly the encoding of the bytes it decodes to (Node's decoder alone also takes `=`, `+`,
 * `/` and non-zero trailing bits, so one signature would have many spellings).
 */
function decodeSegment(segment: string, what: string): Buffer {
  if (!BASE64URL.test(segment)) {
    throw new InvalidTokenError(`the token's ${what} is not base64url without padding`);
  }
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.toString('base64url') !== segment) {
    throw new InvalidTokenError(`the token's ${what} is not canonical base64url`);
  }
  return bytes;
}

function decodeJson(segment: string, what: string): Record<string, unknown> {
  const bytes = decodeSegment(segment, what);
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
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
  const signature = decodeSegment(signatureSegment, 'signature');
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
  const exp = numericDate(claims, 'exp');
  const nbf = numericDate(claims, 'nbf');
  numericDate(claims, 'iat');
  if (exp === undefined) throw new InvalidTokenError('the token has no expiry');
  if (exp + CLOCK_SKEW_SECONDS < now) throw new InvalidTokenError('the token has expired');
  // A token valid for ever is a leaked credential nobody can retire (and an `exp` of 1e300 is
  // no date at all: timers armed on it spun).
  if (exp - now > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new InvalidTokenError('the token lives longer than a year');
  }
  if (nbf !== undefined && nbf - CLOCK_SKEW_SECONDS > now) {
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

/**
 * RFC 7519 §2: `exp`, `nbf` and `iat` are NumericDates — JSON numbers of seconds. Anything else
 * (a string `"nbf": "9999999999"`, `null`, an object) refuses the token instead of being ignored.
 */
/** The longest a token may still be valid for: a year (identity providers issue hours). */
export const MAX_TOKEN_LIFETIME_SECONDS = 366 * 24 * 3600;

function numericDate(claims: JwtClaims, name: 'exp' | 'nbf' | 'iat'): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidTokenError(`the token's ${name} is not a NumericDate`);
  }
  return value;
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
