import 'reflect-metadata';
import { DataDirectoryInUseError, PgliteExecutor } from '@junheng/event-store';
import { mintToken } from '@junheng/identity';
import type { IdentitySecrets } from '@junheng/identity';
import { ConfigurationError, describeTopology, loadConfig } from '@junheng/platform';
import { createApiApplication } from './api.factory';
import { DEMO_EXAMPLE, DEMO_PROVINCE } from './demo/demo-province';
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
    // The examples name the demo province's codes (apps/api/src/demo/demo-province.ts).
    const { district, schoolYear, month, hostSchoolCode, visitingSchoolCode, date } = DEMO_EXAMPLE;
    const exchange = JSON.stringify({
      districtCode: district,
      hostSchoolCode,
      visitingSchoolCode,
      kind: 'demonstration',
      subject: 'mathematics',
      date,
      attendees: 40,
    });
    lines.push(
      `  token:      export TOKEN=${token}`,
      `              (province-admin of 44 for 12 h; others: npm run token -- --role district-clerk --scope 44/4401/${district})`,
      `  scorecard:  curl -H "Authorization: Bearer $TOKEN" '${base}/v1/areas/${district}/scorecard?schoolYear=${schoolYear}'`,
      `  indicator:  curl -H "Authorization: Bearer $TOKEN" '${base}/v1/indicators/lesson-exchanges/figures?area=${district}&schoolYear=${schoolYear}&month=${Number(month.slice(5, 7))}'`,
      `  record one: curl -X POST ${base}/v1/lesson-exchanges -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -H 'Idempotency-Key: my-first-exchange' \\`,
      `                -d '${exchange}'`,
      `  audit:      curl -H "Authorization: Bearer $TOKEN" '${base}/v1/audit?limit=10'`,
    );
  }
  if (config.demoData) {
    lines.push(
      `  demo data:  the small synthetic province (city 4401: districts 440103, 440104, 440105; school years ${DEMO_PROVINCE.schoolYear - 5}-${DEMO_PROVINCE.schoolYear}) loads into an empty store;`,
      `              ${base}/health/ready answers 503 ("demoData") until it is projected`,
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
