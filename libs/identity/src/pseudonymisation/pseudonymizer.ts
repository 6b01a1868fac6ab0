import { createHmac } from 'node:crypto';

/**
 * Turns a personal identifier (全国学籍号, ID number) into a keyed hash before anything is
 * stored: HMAC-SHA-256 under a secret key, so the same person always gets the same pseudonym
 * (indicators can follow a student) but nobody without the key can go back or test a guess.
 * The key id is part of the pseudonym, so a rotated key never collides with the old one; see
 * docs/security.md for rotation.
 */
export class Pseudonymizer {
  constructor(
    private readonly key: Buffer,
    readonly keyId: string,
  ) {
    if (key.length < 32) throw new Error('The pseudonymisation key must be at least 32 bytes');
    if (!/^[a-z0-9]{1,8}$/.test(keyId))
      throw new Error('The pseudonymisation key id must be 1-8 of [a-z0-9]');
  }

  /**
   * A keyed digest of arbitrary text (the audit trail's parameter digests): without the key,
   * nobody can confirm a guess of what was sent, even for low-entropy identifiers.
   */
  keyedDigest(text: string): string {
    return createHmac('sha256', this.key).update(`digest:${text}`, 'utf8').digest('hex');
  }

  /**
   * A keyed, opaque id for `text` under a `purpose` (idempotency keys, request fingerprints):
   * stable for the same input, and nobody without the key can derive it from what it names, so
   * an id built from a row that holds a 学籍号 gives the 学籍号 away to no one.
   */
  keyedId(purpose: string, text: string): string {
    return createHmac('sha256', this.key).update(`${purpose}:${text}`, 'utf8').digest('base64url');
  }

  /** `kind` separates namespaces: a student and a teacher with equal numbers get different pseudonyms. */
  pseudonymize(kind: 'student' | 'teacher', identifier: string): string {
    const normalized = normalizeIdentifier(kind, identifier);
    const digest = createHmac('sha256', this.key)
      .update(`${kind}:${normalized}`, 'utf8')
      .digest('base64url');
    return `${this.keyId}.${digest}`;
  }
}

/**
 * One form per person: trimmed and upper-case; a 学籍号 also without its letter. The letter says
 * how the number was issued (G: the child's ID number; L and J: a number the 学籍 system gave a
 * child without one), while the 18 characters after it are the child's alone — so `G4403…`,
 * `g4403…` and `4403…` from different schools' software are one student, not three.
 */
export function normalizeIdentifier(kind: 'student' | 'teacher', identifier: string): string {
  const normalized = identifier.trim().toUpperCase();
  return kind === 'student' && /^[GLJ][0-9]{17}[0-9X]$/.test(normalized)
    ? normalized.slice(1)
    : normalized;
}
