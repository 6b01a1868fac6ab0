export * from './pairing';
