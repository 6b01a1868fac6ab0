export * from './event-store.port';
export * from './event-store.exception';
export * from './event-store.factory';
export * from './event-ids';
export { SqlEventStore } from './sql/sql-event-store';
export { PostgresExecutor } from './postgres/postgres-executor';
export { PgliteExecutor } from './pglite/pglite-executor';
export type { SqlExecutor, SqlQueryable, SqlParameter } from './sql/sql-executor';
