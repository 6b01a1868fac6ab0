import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { Options } from 'pino-http';
import type { JunhengConfig } from '../config/junheng-config';
import { isOperationalPath } from '../http/operational-paths';
import { safePathOf } from '../http/request-path';
import type { RoutedRequest } from '../http/request-path';

export const CORRELATION_ID_HEADER = 'x-correlation-id';

// Only a UUID is taken from a caller: a free-form id would let a client write an ID number
// into every log line and audit entry of its requests.
const SAFE_CORRELATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A caller's correlation id if it is a plausible one, otherwise a fresh one. */
export function correlationIdOf(request: IncomingMessage): string {
  const given = request.headers[CORRELATION_ID_HEADER];
  return typeof given === 'string' && SAFE_CORRELATION_ID.test(given) ? given : randomUUID();
}

/**
 * A request as its log line shows it: the method, the matched route's template with its public
 * parameters — or, unmatched, the path with every segment no route spells out replaced — and
 * never the raw path, a query string, a body or a header (safePathOf, http/request-path.ts).
 */
export function loggedRequest(request: RoutedRequest & { readonly method?: string }): {
  method: string | undefined;
  path: string;
  params?: Readonly<Record<string, string>>;
} {
  const safe = safePathOf(request);
  return {
    method: request.method,
    path: safe.route,
    ...(safe.matched && Object.keys(safe.params).length > 0 ? { params: safe.params } : {}),
  };
}

/**
 * Structured JSON logs (pino). Every line written while a request is handled carries its
 * `correlationId` (pino-http's request id, the `x-correlation-id` answered); the request line
 * itself, written when the answer is sent, adds `req` (loggedRequest), `res.statusCode` and
 * `responseTime`. The request is described only then, once the router has matched it: pino
 * would serialise a request bound to a child logger at once, before any route is known.
 */
export function loggingModule(config: JunhengConfig): DynamicModule {
  const options: Options = {
    level: config.logLevel,
    genReqId: (request, response) => {
      const id = correlationIdOf(request);
      response.setHeader(CORRELATION_ID_HEADER, id);
      return id;
    },
    // Child loggers carry only the correlation id; the request is described at the end.
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'correlationId' },
    customSuccessObject: (request, _response, value: object) => ({ req: request, ...value }),
    customErrorObject: (request, _response, _error, value: object) => ({
      req: request,
      ...value,
    }),
    serializers: {
      // pino-http wraps this serializer: `raw` is the request itself.
      req: (request: { raw: RoutedRequest & { method?: string } }) => loggedRequest(request.raw),
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
