export * from './client/analytics-client';
export * from './indicators/lesson-exchanges.indicator';
export * from './migrations';
export * from './projections';
export * from './projections/projection-writer';
export * from './analytics.module';
export * from './dead-letters/dead-letter-store';
