/** A numbered, append-only change to the ClickHouse schema. Never edit one that has shipped. */
export interface AnalyticsMigration {
  readonly id: number;
  readonly name: string;
  /** Statements run in order; each names tables as `{db:Identifier}.name` and is idempotent. */
  readonly statements: readonly string[];
}
