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

/**
 * The days a fact may name: what ClickHouse's `Date` columns hold (1970-01-01 to 2149-06-06;
 * outside, a date is silently clamped, so a school "registered in 1960" would become one
 * registered in 1970), with a plain upper end for planned dates. School codes, the 学籍 system
 * and every programme here are far younger than 1970.
 */
export const EARLIEST_RECORD_DATE = '1970-01-01';
export const LATEST_RECORD_DATE = '2100-12-31';
const RECORD_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isRecordDate(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    RECORD_DATE.test(value) &&
    value >= EARLIEST_RECORD_DATE &&
    value <= LATEST_RECORD_DATE
  );
}

/** A day written YYYY-MM-DD, from 1970-01-01 to 2100-12-31 (the domain then checks it is real). */
export function IsRecordDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRecordDate',
      validator: {
        validate: (value: unknown) => isRecordDate(value),
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be a date YYYY-MM-DD from ${EARLIEST_RECORD_DATE} to ${LATEST_RECORD_DATE}`,
          options,
        ),
      },
    },
    options,
  );
}
