import { FailedAuthentications } from './failed-authentications';

describe('FailedAuthentications', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('blocks an address at the limit for the rest of its minute, and frees it after', () => {
    const failures = new FailedAuthentications(3, clock);
    expect(failures.record('10.0.0.1')).toBe(false);
    expect(failures.record('10.0.0.1')).toBe(false);
    expect(failures.blockedFor('10.0.0.1')).toBe(0);
    expect(failures.record('10.0.0.1')).toBe(true);
    now += 20_000;
    expect(failures.blockedFor('10.0.0.1')).toBe(40);
    expect(failures.blockedFor('10.0.0.2')).toBe(0);
    now += 40_000;
    expect(failures.blockedFor('10.0.0.1')).toBe(0);
    expect(failures.record('10.0.0.1')).toBe(false);
  });

  it('keeps a bounded number of addresses, dropping the oldest', () => {
    const failures = new FailedAuthentications(1, clock, 2);
    failures.record('a');
    failures.record('b');
    failures.record('c');
    expect(failures.blockedFor('a')).toBe(0);
    expect(failures.blockedFor('b')).toBeGreaterThan(0);
    expect(failures.blockedFor('c')).toBeGreaterThan(0);
  });
});
