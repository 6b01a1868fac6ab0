import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigurationError, loadConfig } from '@junheng/platform';
import { ReporterModule } from './reporter.module';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.clickhouseUrl === undefined) {
    throw new ConfigurationError([
      'The reporter runs as its own process only against a ClickHouse server: set CLICKHOUSE_URL.',
    ]);
  }
  const app = await NestFactory.create(ReporterModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(config.port, '0.0.0.0');
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigurationError
      ? `${error.message}\n`
      : `Reporter failed to start: ${String(error)}\n`,
  );
  process.exit(1);
});
