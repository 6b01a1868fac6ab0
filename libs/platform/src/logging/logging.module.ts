import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { Options } from 'pino-http';
import type { JunhengConfig } from '../config/junheng-config';
import { isOperationalPath } from '../http/operational-paths';

export const CORRELATION_ID_HEADER = 'x-correlation-id';

const SAFE_CORRELATION_ID = /^[\w.:-]{1,100}$/;

/** A caller's correlation id if it is a plausible one, otherwise a fresh one. */
export function correlationIdOf(request: IncomingMessage): string {
  const given = request.headers[CORRELATION_ID_HEADER];
  return typeof given === 'string' && SAFE_CORRELATION_ID.test(given) ? given : randomUUID();
}

/**
 * Structured JSON logs (pino). Request logs carry method, route, status and the correlation id,
 * never bodies, query strings or credentials: bodies and queries may hold personal data.
 */
export function loggingModule(config: JunhengConfig): DynamicModule {
  const options: Options = {
    level: config.logLevel,
    genReqId: (request, response) => {
      const id = correlationIdOf(request);
      response.setHeader(CORRELATION_ID_HEADER, id);
      return id;
    },
    customAttributeKeys: { reqId: 'correlationId' },
    serializers: {
      req: (request: { id: string; method: string; url: string }) => ({
        method: request.method,
        path: request.url.split('?')[0],
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
    autoLogging: { ignore: (request) => isOperationalPath(request.url ?? '') },
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  };
  return LoggerModule.forRoot({
    pinoHttp:
      config.logFile === undefined
        ? options
        : [options, pino.destination({ dest: config.logFile, sync: true, mkdir: true })],
  });
}
