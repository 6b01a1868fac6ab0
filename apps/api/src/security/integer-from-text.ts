import { Transform } from 'class-transformer';

const WHOLE_NUMBER = /^-?\d{1,16}$/;

/**
 * A whole number read from a query string: decimal digits only, with an optional minus. What
 * JavaScript's `Number` would also read — `0x7e8`, ` 2024`, `2024.0`, `1e1` — stays text and is
 * refused by the field's `@IsInt`, instead of quietly meaning 2024 or 10. GraphQL arguments
 * arrive as numbers and pass unchanged.
 */
export function IntegerFromText(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && WHOLE_NUMBER.test(value) ? Number(value) : value,
  );
}
