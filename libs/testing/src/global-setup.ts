import { isCi, prepareInfrastructure } from './infrastructure';

export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  const found = await prepareInfrastructure();
  const missing = [
    found.postgresUrl === null ? 'PostgreSQL' : null,
    found.kafkaBrokers === null ? 'Kafka' : null,
  ].filter((name) => name !== null);
  if (missing.length === 0) return;
  const banner = [
    '',
    '!'.repeat(78),
    `!! ${missing.join(' and ')} could not be made available: the suites that need them`,
    `!! ${isCi() ? 'FAIL (CI=true)' : 'are SKIPPED'}. Details:`,
    ...found.notes.map((note) => `!!   - ${note}`),
    '!! Start them with `bash infra/local/up.sh` (see infra/local/README.md).',
    '!'.repeat(78),
    '',
  ].join('\n');
  process.stderr.write(banner);
}
