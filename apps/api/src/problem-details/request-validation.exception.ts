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

function flatten(errors: readonly ValidationError[], prefix: string): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix === '' ? error.property : `${prefix}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
