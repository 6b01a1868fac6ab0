import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { InvalidTokenError, rs256Keys, signHs256, verifyJwt } from './jwt';
import { mintToken, principalFromClaims } from './token';

const secret = Buffer.from('a-test-secret-that-is-long-enough-0123456789');
const now = new Date('2024-10-15T08:00:00.000Z');
const epoch = Math.floor(now.getTime() / 1000);

function reason(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidTokenError) return error.message;
    throw error;
  }
  return 'valid';
}

function rs256(claims: object, privateKey: KeyObject, kid?: string): string {
  const header = Buffer.from(
    JSON.stringify({ alg: 'RS256', typ: 'JWT', ...(kid ? { kid } : {}) }),
  ).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createSign('RSA-SHA256')
    .update(`${header}.${payload}`)
    .sign(privateKey)
    .toString('base64url');
  return `${header}.${payload}.${signature}`;
}

describe('JWT', () => {
  const claims = {
    sub: 'clerk-1',
    role: 'district-clerk',
    scope: '44/4403/440311',
    iat: epoch,
    exp: epoch + 600,
  };

  it('verifies HS256 and reads Junheng’s claims into a principal', () => {
    const verified = verifyJwt(signHs256(claims, secret), { algorithm: 'HS256', secret }, { now });
    expect(principalFromClaims(verified)).toEqual({
      subject: 'clerk-1',
      role: 'district-clerk',
      scope: { level: 'district', province: '44', city: '4403', district: '440311' },
      via: 'jwt',
      expiresAt: new Date((epoch + 600) * 1000),
    });
  });

  it('accepts only strict base64url (RFC 7515): no padding, no +, no /, no other spelling', () => {
    const verifier = { algorithm: 'HS256' as const, secret };
    const token = signHs256(claims, secret);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    expect(reason(() => verifyJwt(token, verifier, { now }))).toBe('valid');
    // 32 bytes of HMAC are 43 base64url characters: one "=" pads them, and "==" too is eaten by
    // Node's lenient decoder — both decode to the same signature.
    expect(reason(() => verifyJwt(`${token}=`, verifier, { now }))).toBe(
      "the token's signature is not base64url without padding",
    );
    expect(reason(() => verifyJwt(`${token}==`, verifier, { now }))).toBe(
      "the token's signature is not base64url without padding",
    );
    // Standard base64 of the same bytes ("+" for "-", "/" for "_"): take a token whose
    // signature has one of them, so the case is not vacuous.
    const spelled = Array.from({ length: 64 }, (_, n) =>
      signHs256({ ...claims, sub: `c${n}` }, secret),
    )
      .map((candidate) => candidate.split('.') as [string, string, string])
      .find(([, , candidate]) => /[-_]/.test(candidate))!;
    const standard = Buffer.from(spelled[2], 'base64url').toString('base64').replace(/=+$/, '');
    expect(standard).toMatch(/[+/]/);
    expect(
      reason(() => verifyJwt(`${spelled[0]}.${spelled[1]}.${standard}`, verifier, { now })),
    ).toBe("the token's signature is not base64url without padding");
    // The last character of 43 carries 2 unused bits: another letter decodes to the same bytes.
    const last = signature.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    const malleable = `${header}.${payload}.${signature.slice(0, -1)}${sibling}`;
    expect(Buffer.from(malleable.split('.')[2]!, 'base64url')).toEqual(
      Buffer.from(signature, 'base64url'),
    );
    expect(reason(() => verifyJwt(malleable, verifier, { now }))).toBe(
      "the token's signature is not canonical base64url",
    );
    // The header and payload are held to the same rule.
    expect(reason(() => verifyJwt(`${header}=.${payload}.${signature}`, verifier, { now }))).toBe(
      "the token's header is not base64url without padding",
    );
    const resigned = (payloadSegment: string) =>
      `${header}.${payloadSegment}.${createHmac('sha256', secret).update(`${header}.${payloadSegment}`).digest('base64url')}`;
    expect(reason(() => verifyJwt(resigned(`${payload}=`), verifier, { now }))).toBe(
      "the token's payload is not base64url without padding",
    );
  });

  it('requires exp, nbf and iat to be NumericDates, refusing strings instead of ignoring them', () => {
    const verifier = { algorithm: 'HS256' as const, secret };
    const verdict = (extra: object) =>
      reason(() => verifyJwt(signHs256({ ...claims, ...extra }, secret), verifier, { now }));
    expect(verdict({ nbf: String(epoch + 3600) })).toBe("the token's nbf is not a NumericDate");
    expect(verdict({ exp: String(epoch + 600) })).toBe("the token's exp is not a NumericDate");
    expect(verdict({ iat: String(epoch) })).toBe("the token's iat is not a NumericDate");
    expect(verdict({ exp: null })).toBe("the token's exp is not a NumericDate");
    expect(verdict({ nbf: { after: epoch } })).toBe("the token's nbf is not a NumericDate");
    // Numbers are checked as before, fractions included (RFC 7519 allows them).
    expect(verdict({ nbf: epoch + 3600 })).toBe('the token is not valid yet');
    expect(verdict({ nbf: epoch - 10.5, iat: epoch - 10.5 })).toBe('valid');
  });

  it('refuses a token that would stay valid for more than a year (an exp of 1e300 included)', () => {
    const verifier = { algorithm: 'HS256' as const, secret };
    const verdict = (exp: number) =>
      reason(() => verifyJwt(signHs256({ ...claims, exp }, secret), verifier, { now }));
    expect(verdict(1e300)).toBe('the token lives longer than a year');
    expect(verdict(epoch + 367 * 24 * 3600)).toBe('the token lives longer than a year');
    expect(verdict(epoch + 365 * 24 * 3600)).toBe('valid');
  });

  it('refuses tampering, another key, expiry, missing expiry, alg none and audience or issuer mismatches', () => {
    const token = signHs256(claims, secret);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'province-admin' })).toString('base64url')}.${signature}`;
    const verifier = { algorithm: 'HS256' as const, secret };
    expect(reason(() => verifyJwt(forged, verifier, { now }))).toBe(
      'the signature does not verify',
    );
    expect(
      reason(() => verifyJwt(signHs256(claims, Buffer.from('x'.repeat(40))), verifier, { now })),
    ).toBe('the signature does not verify');
    expect(
      reason(() =>
        verifyJwt(signHs256({ ...claims, exp: epoch - 120 }, secret), verifier, { now }),
      ),
    ).toBe('the token has expired');
    expect(
      reason(() => verifyJwt(signHs256({ ...claims, exp: undefined }, secret), verifier, { now })),
    ).toBe('the token has no expiry');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${token.split('.')[1]}.`;
    expect(reason(() => verifyJwt(none, verifier, { now }))).toBe(
      'tokens must be signed with HS256',
    );
    expect(reason(() => verifyJwt(token, verifier, { now, audience: 'junheng' }))).toBe(
      'the token is meant for another audience',
    );
    expect(reason(() => verifyJwt(token, verifier, { now, issuer: 'https://idp' }))).toBe(
      'the token was issued by someone else',
    );
    expect(reason(() => verifyJwt('abc', verifier, { now }))).toBe(
      'the token is not a compact JWS',
    );
  });

  it('verifies RS256 with a PEM key or JWKS by kid, and refuses HS256 tokens signed with the public key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const fromPem = { algorithm: 'RS256' as const, keys: rs256Keys({ pem }) };
    expect(verifyJwt(rs256(claims, privateKey), fromPem, { now }).sub).toBe('clerk-1');

    const jwks = JSON.stringify({
      keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k-2024', use: 'sig' }],
    });
    const fromJwks = { algorithm: 'RS256' as const, keys: rs256Keys({ jwks }) };
    expect(verifyJwt(rs256(claims, privateKey, 'k-2024'), fromJwks, { now }).sub).toBe('clerk-1');

    // The classic key-confusion attack: HS256 "signed" with the RSA public key as the secret.
    expect(reason(() => verifyJwt(signHs256(claims, Buffer.from(pem)), fromPem, { now }))).toBe(
      'tokens must be signed with RS256',
    );
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(reason(() => verifyJwt(rs256(claims, other), fromPem, { now }))).toBe(
      'the signature does not verify',
    );
  });

  it('refuses tokens without a known role or a valid scope', () => {
    expect(() => principalFromClaims({ ...claims, role: 'janitor' })).toThrow(
      'the token carries no known role',
    );
    expect(() => principalFromClaims({ ...claims, scope: '44/4503' })).toThrow(InvalidTokenError);
    expect(() => principalFromClaims({ ...claims, sub: '' })).toThrow('the token names no subject');
  });

  it('mints tokens the verifier accepts, with the scope written canonically', () => {
    const token = mintToken(
      secret,
      { subject: 's', role: 'dashboard', scope: '44', ttlSeconds: 60 },
      now,
    );
    expect(verifyJwt(token, { algorithm: 'HS256', secret }, { now })).toMatchObject({
      sub: 's',
      role: 'dashboard',
      scope: '44',
      exp: epoch + 60,
    });
  });
});
