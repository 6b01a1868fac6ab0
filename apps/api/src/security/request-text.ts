import type { FieldError } from '../problem-details/problem-types';
import { echoable } from '../problem-details/request-validation.exception';

/**
 * Names no request may use for a field: `__proto__` and every name `Object.prototype` has.
 * class-transformer drops them silently where every other unknown field is refused, and a
 * `__proto__` key is the start of prototype pollution; refused here, like any unknown field.
 */
const RESERVED_KEYS = new Set([
  '__proto__',
  'prototype',
  ...Object.getOwnPropertyNames(Object.prototype),
]);

/**
 * What PostgreSQL's text and JSONB cannot hold, or what is not text at all: NUL, and UTF-16
 * halves without their other half. Answered as the caller's mistake, naming the field, rather
 * than failing deep in the store.
 */
function textFault(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (hasLoneSurrogate(text)) return 'must be well-formed Unicode (a lone surrogate was sent)';
  return null;
}

/** `String.prototype.isWellFormed`, which Node 20 has but ES2022's typings do not. */
function hasLoneSurrogate(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      index += 1;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return true;
    }
  }
  return false;
}

/**
 * Every fault of this kind in a parsed request (body, query, GraphQL arguments), with the
 * dotted path of its field. Iterative: a request nested deeper than any stack still gets its
 * answer (the body parser bounds depth too).
 */
export function requestTextFaults(value: unknown, prefix = ''): FieldError[] {
  const faults: FieldError[] = [];
  const pending: Array<{ path: string; value: unknown }> = [{ path: prefix, value }];
  while (pending.length > 0) {
    const { path, value: current } = pending.pop()!;
    if (typeof current === 'string') {
      const fault = textFault(current);
      if (fault !== null) faults.push({ field: path, reason: fault });
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    for (const key of Object.keys(current)) {
      // The reserved names are this API's to name; any other key is echoed only if harmless.
      const named = RESERVED_KEYS.has(key) ? key : echoable(key);
      const field = path === '' ? named : `${path}.${named}`;
      if (RESERVED_KEYS.has(key)) {
        faults.push({ field, reason: 'is not a field of this request' });
        continue;
      }
      const keyFault = textFault(key);
      if (keyFault !== null) {
        faults.push({
          field: path === '' ? '(a field name)' : `${path}.(a field name)`,
          reason: keyFault,
        });
        continue;
      }
      pending.push({ path: field, value: (current as Record<string, unknown>)[key] });
    }
  }
  return faults.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}
