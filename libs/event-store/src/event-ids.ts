import { createHash } from 'node:crypto';

// A fixed namespace makes event ids a pure function of (idempotency key, index), so a retried
// command produces the same ids and the store's uniqueness checks see it as the same fact.
const JUNHENG_EVENT_NAMESPACE = '6f1c3b52-5d0e-4c7a-9a55-2a1e8d7b9c30';

/** RFC 9562 UUID version 5 of `name` in `namespace`. */
export function uuidV5(namespace: string, name: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function deterministicEventId(idempotencyKey: string, index: number): string {
  return uuidV5(JUNHENG_EVENT_NAMESPACE, `${idempotencyKey}#${index}`);
}
