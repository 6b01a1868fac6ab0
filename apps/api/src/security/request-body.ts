import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { ProblemType } from '../problem-details/problem-types';

/** Deeper than any request of this API (a GraphQL query's variables are a few levels). */
export const MAX_JSON_DEPTH = 64;

/** An http-errors-style error: the problem filter answers it with its status and message. */
export class ClientRequestError extends Error {
  readonly expose = true;
  constructor(
    readonly status: number,
    message: string,
    readonly problemType: string = ProblemType.malformedRequest,
  ) {
    super(message);
    this.name = 'ClientRequestError';
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks a JSON body's raw bytes before it is parsed (body-parser's `verify`): it must be
 * UTF-8 (invalid bytes were silently turned into U+FFFD before), and nest no deeper than
 * MAX_JSON_DEPTH — a body nested 100,000 deep parses fine but overflows every recursive walk
 * after it. One pass over the bytes, no recursion.
 */
export function verifyJsonBody(
  _request: IncomingMessage,
  _response: ServerResponse,
  body: Buffer,
): void {
  try {
    UTF8.decode(body);
  } catch {
    throw new ClientRequestError(400, 'The body is not valid UTF-8');
  }
  let depth = 0;
  let inString = false;
  for (let index = 0; index < body.length; index += 1) {
    const byte = body[index]!;
    if (inString) {
      if (byte === 0x5c)
        index += 1; // a backslash escapes the next byte
      else if (byte === 0x22) inString = false;
      continue;
    }
    if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) {
        throw new ClientRequestError(400, `The body nests deeper than ${MAX_JSON_DEPTH} levels`);
      }
    } else if (byte === 0x5d || byte === 0x7d) depth -= 1;
  }
}

const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes that read their own body format (NDJSON or CSV streams). */
const OWN_BODY_FORMATS = /^\/v1\/imports\//;

function isJson(contentType: string | undefined): boolean {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return (
    media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'))
  );
}

/**
 * Which bodies the JSON parser reads (body-parser's `type`): JSON ones, except on the routes
 * that stream their own formats — an import sent as JSON must reach its route unread, to be
 * answered 415 there rather than parsed as one huge JSON document.
 */
export function parsesAsJson(request: IncomingMessage): boolean {
  return !OWN_BODY_FORMATS.test(request.url ?? '') && isJson(request.headers['content-type']);
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return (
    (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
  );
}

/**
 * Commands and GraphQL take JSON: a body of another type is refused as such (415) instead of
 * being read as no body at all and answered with every field missing.
 */
export function requireJsonBodies(request: Request, _response: Response, next: NextFunction): void {
  if (
    BODYLESS_METHODS.has(request.method) ||
    OWN_BODY_FORMATS.test(request.path) ||
    !hasBody(request) ||
    isJson(request.headers['content-type'])
  ) {
    next();
    return;
  }
  next(
    new ClientRequestError(
      415,
      'Send the body as application/json',
      ProblemType.unsupportedMediaType,
    ),
  );
}

/**
 * What Node's HTTP parser refuses before Express sees the request (headers over the limit, a
 * malformed request line) still gets a problem document, not a bare status line.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const status = tooLarge ? 431 : timedOut ? 408 : 400;
    const problem = tooLarge
      ? {
          type: ProblemType.headersTooLarge,
          title: 'The request headers are too large',
          status,
          detail: 'Send fewer or smaller headers (16 KB in all at most).',
        }
      : timedOut
        ? {
            type: ProblemType.requestTimeout,
            title: 'The request took too long to arrive',
            status,
          }
        : {
            type: ProblemType.malformedRequest,
            title: 'The request could not be read',
            status,
          };
    const reason = tooLarge
      ? 'Request Header Fields Too Large'
      : timedOut
        ? 'Request Timeout'
        : 'Bad Request';
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
    // Read (and drop) what the client is still sending: closing with unread bytes would reset
    // the connection, and the client would never see the answer. Bounded in time.
    socket.resume();
    setTimeout(() => socket.destroy(), 2_000).unref();
  });
}
