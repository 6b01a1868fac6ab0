import { ValidateBy, buildMessage, isISO8601 } from 'class-validator';
import type { ValidationOptions } from 'class-validator';

/**
 * The instants a query may name: what ClickHouse's DateTime64 and PostgreSQL's timestamptz
 * both hold, with room on either side of any school year Junheng records (a year like 275760
 * or 9999 is a typo or a probe, and answered as such).
 */
export const EARLIEST_INSTANT = Date.UTC(1970, 0, 1);
export const LATEST_INSTANT = Date.UTC(2200, 0, 1);

export function isBoundedInstant(value: unknown): value is string {
  if (typeof value !== 'string' || !isISO8601(value, { strict: true })) return false;
  const time = Date.parse(value);
  return !Number.isNaN(time) && time >= EARLIEST_INSTANT && time < LATEST_INSTANT;
}

/** An ISO 8601 instant between 1970 and 2200. */
export function IsBoundedInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBoundedInstant',
      validator: {
        validate: (value: unknown) => isBoundedInstant(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an ISO 8601 instant between 1970 and 2200`,
          options,
        ),
      },
    },
    options,
  );
}
