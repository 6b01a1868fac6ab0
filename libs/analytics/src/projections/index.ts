import { lessonExchangesProjection } from './lesson-exchanges.projection';
import type { Projection } from './projection';
import { rawEventsProjection } from './raw-events.projection';

export const PROJECTIONS: readonly Projection[] = [rawEventsProjection, lessonExchangesProjection];

export type { Projection } from './projection';
export { clickhouseDateTime } from './projection';
export { lessonExchangesProjection } from './lesson-exchanges.projection';
export { rawEventsProjection } from './raw-events.projection';
