import 'reflect-metadata';
import { ConfigurationError, describeTopology, loadConfig } from '@junheng/platform';
import { createApiApplication } from './api.factory';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApplication(config);
  await app.listen(config.port, '0.0.0.0');
  const base = `http://localhost:${config.port}`;
  const topology = describeTopology(config);
  process.stdout.write(
    [
      '',
      `Junheng (均衡) is running — event store: ${topology.eventStore}, transport: ${topology.transport}, analytics: ${topology.analytics}`,
      `  health:     ${base}/health/ready`,
      `  indicator:  ${base}/v1/indicators/lesson-exchanges?district=440311&month=2024-10`,
      `  record one: curl -X POST ${base}/v1/lesson-exchanges -H 'content-type: application/json' \\`,
      `                -d '{"districtCode":"440311","hostSchoolCode":"3144031101","visitingSchoolCode":"3144030501","kind":"demonstration","subject":"mathematics","date":"2024-10-15","attendees":40}'`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigurationError
      ? `${error.message}\n`
      : `Junheng failed to start: ${String(error)}\n`,
  );
  process.exit(1);
});
