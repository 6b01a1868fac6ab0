import { mintToken } from '@junheng/identity';
import type { Role } from '@junheng/identity';

/** The secrets every test app is configured with (never used outside tests). */
export const TEST_JWT_SECRET = 'junheng-test-secret-0123456789abcdef-0123456789';
export const TEST_PSEUDONYM_KEY = Buffer.alloc(32, 7).toString('base64');

export const TEST_IDENTITY_ENV = {
  JWT_SECRET: TEST_JWT_SECRET,
  PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
} as const;

/** `Authorization` header value for a caller with this role and scope. */
export function bearer(role: Role, scope: string, subject = `${role}@${scope}`): string {
  return `Bearer ${mintToken(Buffer.from(TEST_JWT_SECRET), { subject, role, scope, ttlSeconds: 600 })}`;
}
