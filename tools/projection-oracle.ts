import 'reflect-metadata';
import { AnalyticsClient, analyticsOptionsOf } from '@junheng/analytics';
import { loadConfig } from '@junheng/platform';

/**
 * Prints what the projections hold, as JSON, counting rows without FINAL (a double must show):
 * the crash tests compare it with the event store. Runs as its own process because chDB binds
 * one data directory per process. Same configuration as the projector (CHDB_DATA_DIR or
 * CLICKHOUSE_URL, CLICKHOUSE_DATABASE).
 */
async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, DATABASE_URL: undefined });
  const analytics = await AnalyticsClient.open(analyticsOptionsOf(config));
  try {
    const [counts] = await analytics.query<Record<string, string>>(
      `SELECT
         (SELECT count() FROM {db:Identifier}.events) AS eventRows,
         (SELECT uniqExact(event_id) FROM {db:Identifier}.events) AS distinctEvents,
         (SELECT count() FROM {db:Identifier}.lesson_exchanges) AS lessonRows,
         (SELECT uniqExact(event_id) FROM {db:Identifier}.lesson_exchanges) AS distinctLessons,
         (SELECT sum(attendees) FROM {db:Identifier}.lesson_exchanges) AS attendees,
         (SELECT count() FROM {db:Identifier}.dead_letters FINAL) AS deadLetters`,
    );
    process.stdout.write(
      `${JSON.stringify(Object.fromEntries(Object.entries(counts ?? {}).map(([key, value]) => [key, Number(value)])))}\n`,
    );
  } finally {
    await analytics.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
