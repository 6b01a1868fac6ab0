import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Machine clients' keys: `jhk_<id>_<secret>`. Only SHA-256 of the secret is stored; the id
 * finds the row, and the comparison is constant-time. 32 random bytes need no slow hash.
 */
export interface IssuedApiKey {
  readonly id: string;
  readonly key: string;
  readonly secretHash: string;
}

const API_KEY = /^jhk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function issueApiKey(): IssuedApiKey {
  const id = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { id, key: `jhk_${id}_${secret}`, secretHash: hashSecret(secret) };
}

export function parseApiKey(key: string): { id: string; secret: string } | null {
  const match = API_KEY.exec(key);
  return match === null ? null : { id: match[1]!, secret: match[2]! };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
