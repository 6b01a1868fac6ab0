import type { AnalyticsClient } from '../client/analytics-client';
import type { AnalyticsMigration } from './migration';

export interface MigrationReport {
  readonly applied: readonly number[];
  readonly alreadyApplied: readonly number[];
}

/**
 * Applies the pending migrations in id order and records each in `schema_migrations`. Every
 * statement is idempotent, so two processes racing here end in the same schema.
 */
export async function migrateAnalytics(
  client: AnalyticsClient,
  migrations: readonly AnalyticsMigration[],
): Promise<MigrationReport> {
  const ids = migrations.map((migration) => migration.id);
  if (new Set(ids).size !== ids.length) throw new Error('Two analytics migrations share an id');
  await client.command('CREATE DATABASE IF NOT EXISTS {db:Identifier}');
  await client.command(
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.schema_migrations (
       id UInt32, name String, applied_at DateTime64(3, 'UTC')
     ) ENGINE = ReplacingMergeTree ORDER BY id`,
  );
  const rows = await client.query<{ id: number }>(
    'SELECT DISTINCT id FROM {db:Identifier}.schema_migrations',
  );
  const done = new Set(rows.map((row) => Number(row.id)));
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
    if (done.has(migration.id)) continue;
    for (const statement of migration.statements) await client.command(statement);
    await client.insert('schema_migrations', [
      { id: migration.id, name: migration.name, applied_at: new Date().toISOString() },
    ]);
    applied.push(migration.id);
  }
  return { applied, alreadyApplied: [...done].sort((a, b) => a - b) };
}
