import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { uuidV5 } from '@junheng/event-store';
import type { IdentitySecrets } from '@junheng/identity';
import { IDENTITY_SECRETS } from '../security/security.tokens';
import { canonicalJson } from './canonical-json';
import type { CommandContext } from './aggregate-command.executor';

/** What the store keeps of a command's idempotency key: scoped, keyed, bound to its request. */
export interface CommandKey {
  /** The key as stored, in `events.idempotency_key` and `command_id`: opaque without the key. */
  readonly key: string;
  /** The digest of the request the key was sent with; null for a command sent without a key. */
  readonly fingerprint: string | null;
  /** Whether the caller sent a key (a command without one is never a retry). */
  readonly fromCaller: boolean;
}

/** Marks keys of this scheme, so a later scheme can never collide with them. */
const KEY_PREFIX = 'ik1.';

/**
 * Turns the `Idempotency-Key` a caller sends into what the store keeps (docs/reliability.md):
 *
 * - **scoped to the caller**: the key is mixed with who sent it (a token's subject, an API key,
 *   the system actor), so two callers who happen to pick the same key never meet;
 * - **keyed**: an HMAC under the pseudonymisation key, so nothing stored or shown (event ids
 *   are derived from it) can be recomputed from what the key or the row it came from holds —
 *   an import row keyed by its content, which holds a 学籍号, gives nothing away;
 * - **bound to its request**: the fingerprint digests the route or mutation and the canonical
 *   body as sent, so the same key with another body is refused, never silently replayed.
 */
@Injectable()
export class CommandKeys {
  constructor(@Inject(IDENTITY_SECRETS) private readonly secrets: IdentitySecrets) {}

  of(context: CommandContext): CommandKey {
    const { idempotency } = context;
    if (idempotency === undefined) {
      return { key: `${KEY_PREFIX}once.${randomUUID()}`, fingerprint: null, fromCaller: false };
    }
    const { pseudonymizer } = this.secrets;
    return {
      key: `${KEY_PREFIX}${pseudonymizer.keyedId('idempotency-key', `${ownerOf(context)}\n${idempotency.key}`)}`,
      fingerprint: pseudonymizer.keyedId(
        'request',
        `${idempotency.action}\n${canonicalJson(idempotency.body)}`,
      ),
      fromCaller: true,
    };
  }

  /**
   * An id that follows the command's key, so a retried request lands on the same stream
   * (an exchange's, a rotation's); random for a command sent without a key.
   */
  derivedId(namespace: string, context: CommandContext): string {
    return context.idempotency === undefined
      ? randomUUID()
      : uuidV5(namespace, this.of(context).key);
  }
}

/** Whose key it is: the authenticated caller, or the system actor acting for Junheng. */
function ownerOf(context: CommandContext): string {
  const { caller } = context;
  return caller === null
    ? `system:${context.systemActor ?? 'junheng'}`
    : `${caller.via}:${caller.subject}`;
}
