import { isCalendarDate, schoolYearOf } from './calendar';

describe('calendar', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2024-13-01', false],
    ['2024-1-01', false],
    ['2024-09-01', true],
  ])('%s is a real date: %s', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it('puts 1 September in the new school year and 31 August in the old one', () => {
    expect(schoolYearOf('2024-09-01')).toBe(2024);
    expect(schoolYearOf('2025-08-31')).toBe(2024);
    expect(schoolYearOf('2025-01-15')).toBe(2024);
  });
});
