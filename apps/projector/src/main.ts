import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigurationError, loadConfig } from '@junheng/platform';
import { ProjectorModule } from './projector.module';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.clickhouseUrl === undefined || config.databaseUrl === undefined) {
    throw new ConfigurationError([
      'The projector runs as its own process only against servers: set DATABASE_URL and CLICKHOUSE_URL (embedded mode runs it inside `npm start`).',
    ]);
  }
  const app = await NestFactory.create(ProjectorModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // Health and readiness for the orchestrator; the projector serves nothing else over HTTP.
  await app.listen(config.port, '0.0.0.0');
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigurationError
      ? `${error.message}\n`
      : `Projector failed to start: ${String(error)}\n`,
  );
  process.exit(1);
});
