/** Time is an input of every decision, never read from the machine inside the domain. */
export interface Clock {
  now(): Date;
}

export const MILLISECONDS_PER_DAY = 86_400_000;
