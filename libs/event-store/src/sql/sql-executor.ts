export type SqlParameter =
  string | number | boolean | null | readonly (string | null)[] | readonly number[];

export interface SqlQueryable {
  query<Row>(sql: string, parameters?: readonly SqlParameter[]): Promise<Row[]>;
}

/**
 * The little the event store needs from a PostgreSQL driver. The PostgreSQL (`pg`) and PGlite
 * adapters implement it; all SQL lives once, in SqlEventStore.
 */
export interface SqlExecutor extends SqlQueryable {
  /**
   * Runs `work` in one READ COMMITTED transaction, committing if it resolves. `lockTimeoutMs`
   * bounds every lock wait inside it (SQLSTATE 55P03 past it), set with BEGIN in one round trip.
   */
  transaction<T>(
    work: (tx: SqlQueryable) => Promise<T>,
    options?: { readonly lockTimeoutMs?: number },
  ): Promise<T>;
  close(): Promise<void>;
  /** Whether a PostgreSQL error means "try again later" (connection lost, server down). */
  isUnavailable(error: unknown): boolean;
  /**
   * Whether this database belongs to one process alone (PGlite holds its directory's lock):
   * then a lease is held by nature, and taking one by a transaction would only block the single
   * connection the work itself needs.
   */
  readonly singleProcess: boolean;
}

/** The SQLSTATE of a driver error, when it has one. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    return typeof error.code === 'string' ? error.code : undefined;
  }
  return undefined;
}
