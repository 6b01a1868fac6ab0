import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { indicatorThresholds } from '@junheng/analytics';
import { ConfigurationError } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { ApiModule, pipelineRunsInProcess } from './api.module';
import { CallerAuthenticator } from './security/caller-authenticator';
import { CallerContext, withCallerSlot } from './security/caller-context';
import { credentialsFirst } from './security/credentials-first';
import {
  answerClientErrors,
  parsesAsJson,
  requireJsonBodies,
  verifyJsonBody,
} from './security/request-body';

const MAX_BODY = '1mb';

/** Builds the HTTP application for a configuration; main.ts and the e2e tests share it. */
export async function createApiApplication(
  config: JunhengConfig,
  options: { withPipeline?: boolean } = {},
): Promise<INestApplication> {
  requireValidThresholds(config);
  const app = await NestFactory.create<NestExpressApplication>(
    ApiModule.forRoot(config, {
      withPipeline: options.withPipeline ?? pipelineRunsInProcess(config),
    }),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // The client address (rate limits, failed-authentication throttling) through trusted proxies.
  if (config.trustProxyHops > 0) app.set('trust proxy', config.trustProxyHops);
  // A caller slot per request, before anything that may authenticate or audit.
  app.use((_request: unknown, _response: unknown, next: () => void) => withCallerSlot(next));
  app.use(helmet());
  app.use(
    credentialsFirst(app.get(CallerAuthenticator), app.get(CallerContext), config.bodyTimeoutMs),
  );
  app.use(requireJsonBodies);
  app.useBodyParser('json', { limit: MAX_BODY, verify: verifyJsonBody, type: parsesAsJson });
  const server = app.getHttpServer();
  answerClientErrors(server);
  // Node ends a request that takes more than 5 minutes to arrive; an import of a province's
  // register streams for much longer. Headers still have their 60 s (slow-header attacks).
  server.requestTimeout = config.requestTimeoutMs;
  app.enableShutdownHooks();
  return app;
}

/**
 * The thresholds are checked before anything starts, like every other setting: a bad key is a
 * configuration error naming it, not a failed provider deep inside the start-up.
 */
function requireValidThresholds(config: JunhengConfig): void {
  try {
    indicatorThresholds(config.indicatorThresholdsJson);
  } catch (error) {
    throw new ConfigurationError([
      `JUNHENG_INDICATOR_THRESHOLDS: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
}
