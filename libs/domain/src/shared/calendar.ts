const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date written YYYY-MM-DD (no 2024-02-30). */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (match === null) return false;
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day)
  );
}

/** Midnight UTC of a YYYY-MM-DD date. */
export function startOfDayUtc(value: string): Date {
  return new Date(`${value}T00:00:00.000Z`);
}

/** The school year (学年) a date falls in: "2024" runs from 2024-09-01 to 2025-08-31. */
export function schoolYearOf(value: string): number {
  const date = startOfDayUtc(value);
  const year = date.getUTCFullYear();
  return date.getUTCMonth() >= 8 ? year : year - 1;
}
