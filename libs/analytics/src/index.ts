export * from './client/analytics-client';
export * from './migrations';
export * from './projections';
export * from './projections/projection-writer';
export * from './analytics.module';
export * from './dead-letters/dead-letter-store';
// The building blocks of an indicator file come before the catalogue that lists the files.
export * from './indicators/indicator';
export * from './indicators/sql-fragments';
export * from './indicators/catalogue';
export * from './indicators/indicator-parameters';
export * from './indicators/indicator-queries';
export * from './indicators/indicator-thresholds';
export * from './directory/school-directory';
