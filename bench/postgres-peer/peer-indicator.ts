/**
 * One indicator answered by plain PostgreSQL SQL over the event table: the SQL, with the
 * product's parameter names (`:yearStart`, `:from`, …, see `bind`), and the columns that name
 * a row of its figures, so that its rows can be matched with the product's cell for cell.
 */
export interface PeerIndicator {
  /** The product's indicator name (catalogue.ts), or `lesson-exchanges`. */
  readonly name: string;
  readonly sql: string;
  /** The columns that identify a row, in the product's answer and in the peer's alike. */
  readonly key: readonly string[];
}
