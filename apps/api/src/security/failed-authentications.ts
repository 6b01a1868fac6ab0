/**
 * Failed authentications per client address, in one-minute windows. An address over the limit
 * is refused (429) before its credentials are even looked at, until its window ends, so a
 * guesser learns nothing more and writes no more audit rows.
 *
 * Kept here rather than in @nestjs/throttler's storage: that storage counts a hit whenever it
 * is asked, and this needs to ask "is this address blocked?" without counting, before the
 * credential is verified (a valid one must not slip through a blocked address either).
 * Counters live in this process: with N api replicas an address may fail up to N × the limit
 * per minute (docs/security.md).
 */
export class FailedAuthentications {
  private readonly windows = new Map<string, { startedAt: number; failures: number }>();

  constructor(
    private readonly limitPerMinute: number,
    private readonly now: () => number,
    /** Beyond this many addresses, the oldest windows are dropped (memory stays bounded). */
    private readonly maxAddresses = 100_000,
  ) {}

  /** Seconds until the address may try again; 0 when it may now. */
  blockedFor(address: string): number {
    const window = this.current(address);
    if (window === undefined || window.failures < this.limitPerMinute) return 0;
    return Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - this.now()) / 1_000));
  }

  /** Counts a failure; answers whether the address is now blocked. */
  record(address: string): boolean {
    const window = this.current(address) ?? { startedAt: this.now(), failures: 0 };
    window.failures += 1;
    this.windows.delete(address);
    this.windows.set(address, window);
    if (this.windows.size > this.maxAddresses) {
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
    return window.failures >= this.limitPerMinute;
  }

  private current(address: string): { startedAt: number; failures: number } | undefined {
    const window = this.windows.get(address);
    if (window === undefined) return undefined;
    if (this.now() - window.startedAt >= WINDOW_MS) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }
}

const WINDOW_MS = 60_000;
