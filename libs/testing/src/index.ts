export * from './engines';
export * from './eventually';
export * from './infrastructure';
export * from './analytics';
export * from './identity';
export * from './disposable-kafka';
export * from './disposable-postgres';
