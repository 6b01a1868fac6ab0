/** The clock every decision gets (domain rule: time is an input). Tests provide a fixed one. */
export const CLOCK = Symbol('CLOCK');

export const systemClock = { now: (): Date => new Date() };
