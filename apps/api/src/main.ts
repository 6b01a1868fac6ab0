import 'reflect-metadata';
import { DataDirectoryInUseError, PgliteExecutor } from '@junheng/event-store';
import { mintToken } from '@junheng/identity';
import type { IdentitySecrets } from '@junheng/identity';
import { ConfigurationError, describeTopology, loadConfig } from '@junheng/platform';
import { createApiApplication } from './api.factory';
import { IDENTITY_SECRETS } from './security/security.tokens';

async function main(): Promise<void> {
  const config = loadConfig();
  // The embedded database is claimed before anything starts, so a second process on the same
  // directory stops here with one line instead of a stack trace from inside the start-up.
  if (config.databaseUrl === undefined) PgliteExecutor.reserve(config.pgliteDataDir);
  const app = await createApiApplication(config);
  await app.listen(config.port, '0.0.0.0');
  const base = `http://localhost:${config.port}`;
  const topology = describeTopology(config);
  const lines = [
    '',
    `Junheng (均衡) is running — event store: ${topology.eventStore}, transport: ${topology.transport}, analytics: ${topology.analytics}`,
    `  health:     ${base}/health/ready`,
    `  metrics:    ${base}/metrics`,
  ];
  const secrets = app.get<IdentitySecrets>(IDENTITY_SECRETS);
  if (config.developmentSecretsDir !== undefined && secrets.signingSecret !== undefined) {
    // Embedded development only: a province administrator's token for Guangdong (44), 12 hours.
    const token = mintToken(secrets.signingSecret, {
      subject: 'developer',
      role: 'province-admin',
      scope: '44',
      ttlSeconds: 12 * 3600,
      issuer: config.auth.jwtIssuer,
      audience: config.auth.jwtAudience,
    });
    lines.push(
      `  token:      export TOKEN=${token}`,
      `              (province-admin of 44 for 12 h; others: npm run token -- --role district-clerk --scope 44/4403/440311)`,
      `  indicator:  curl -H "Authorization: Bearer $TOKEN" '${base}/v1/indicators/lesson-exchanges?district=440311&month=2024-10'`,
      `  record one: curl -X POST ${base}/v1/lesson-exchanges -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -H 'Idempotency-Key: my-first-exchange' \\`,
      `                -d '{"districtCode":"440311","hostSchoolCode":"3144031101","visitingSchoolCode":"3144030501","kind":"demonstration","subject":"mathematics","date":"2024-10-15","attendees":40}'`,
      `  audit:      curl -H "Authorization: Bearer $TOKEN" '${base}/v1/audit?limit=10'`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigurationError || error instanceof DataDirectoryInUseError
      ? `${error.message}\n`
      : `Junheng failed to start: ${String(error)}\n`,
  );
  process.exit(1);
});
