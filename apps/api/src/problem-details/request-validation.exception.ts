import type { ValidationError } from 'class-validator';
import type { FieldError } from './problem-types';

/** A request whose shape is wrong: every failing field with its reason. */
export class RequestValidationException extends Error {
  constructor(readonly errors: readonly FieldError[]) {
    super(`Invalid request: ${[...new Set(errors.map((error) => error.field))].join(', ')}`);
    this.name = 'RequestValidationException';
  }

  static fromValidationErrors(
    errors: readonly ValidationError[],
    prefix = '',
  ): RequestValidationException {
    return new RequestValidationException(flatten(errors, prefix));
  }
}

/** A name this API could have given a field: letters, then letters and a few digits. */
const FIELD_NAME = /^[A-Za-z][A-Za-z]*\d{0,3}$/;

/**
 * A field path as it may be echoed. Every known field has a plain name; an unknown one is the
 * caller's text — it may be a 学籍号 sent as a key — and is named only when it looks like a
 * field name.
 */
export function echoable(segment: string): string {
  return FIELD_NAME.test(segment) || /^\d{1,6}$/.test(segment) ? segment : '(an unknown field)';
}

function flatten(errors: readonly ValidationError[], prefix: string): FieldError[] {
  return errors.flatMap((error) => {
    const property = echoable(error.property);
    const field = prefix === '' ? property : `${prefix}.${property}`;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, reason]) => ({
      field,
      // class-validator's own words repeat the unknown name ("property X should not exist").
      reason: constraint === 'whitelistValidation' ? 'is not a field of this request' : reason,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
