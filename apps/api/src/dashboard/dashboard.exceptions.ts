import type { Freshness } from './projection-progress';

/** A read asked for `minPosition` and the projection did not reach it in time: 503. */
export class ProjectionBehindException extends Error {
  constructor(
    readonly minPosition: number,
    readonly freshness: Freshness,
  ) {
    super(
      `The indicators have applied the log up to position ${freshness.globalPosition}, not yet up to ${minPosition}`,
    );
    this.name = 'ProjectionBehindException';
  }
}
