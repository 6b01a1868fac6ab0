import { isCalendarDate, startOfDayUtc } from './calendar';
import { MILLISECONDS_PER_DAY } from './clock';
import type { Clock } from './clock';
import { DomainRuleViolation } from './domain-rule-violation';

/**
 * Dates are real and not in the future beyond a day (domain.md, rules): a clerk a time zone or
 * a midnight away may report today's fact as tomorrow's. `allowFuture` is for planned dates.
 */
export function requireReportableDate(
  value: string,
  clock: Clock,
  { allowFuture = false } = {},
): void {
  if (!isCalendarDate(value)) {
    throw new DomainRuleViolation('calendar.invalid-date', `"${value}" is not a real date`, {
      date: value,
    });
  }
  if (
    !allowFuture &&
    startOfDayUtc(value).getTime() > clock.now().getTime() + MILLISECONDS_PER_DAY
  ) {
    throw new DomainRuleViolation('calendar.date-in-future', `${value} has not happened yet`, {
      date: value,
      today: clock.now().toISOString().slice(0, 10),
    });
  }
}
