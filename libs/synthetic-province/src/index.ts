export * from './synthetic-province';
