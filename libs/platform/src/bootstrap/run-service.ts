import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigurationError, loadConfig } from '../config/junheng-config';
import type { JunhengConfig } from '../config/junheng-config';

/**
 * Starts a background process (projector, reporter): validated configuration, pino logs,
 * graceful shutdown, and HTTP for its health and metrics endpoints only.
 */
export function runService(options: {
  readonly name: string;
  /** Problems that stop this process with this configuration (empty: it may run). */
  readonly refuse: (config: JunhengConfig) => readonly string[];
  readonly module: (config: JunhengConfig) => DynamicModule;
}): void {
  const start = async (): Promise<void> => {
    const config = loadConfig();
    const problems = options.refuse(config);
    if (problems.length > 0) throw new ConfigurationError(problems);
    const app = await NestFactory.create(options.module(config), { bufferLogs: true });
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks();
    await app.listen(config.port, '0.0.0.0');
  };
  start().catch((error: unknown) => {
    process.stderr.write(
      error instanceof ConfigurationError
        ? `${error.message}\n`
        : `${options.name} failed to start: ${String(error)}\n`,
    );
    process.exit(1);
  });
}
