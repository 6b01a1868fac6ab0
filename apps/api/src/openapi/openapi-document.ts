import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { discoverRoutes } from '../security/route-inventory';

/** Where the generated document is committed, so reviews see its changes. */
export const OPENAPI_FILE = join(__dirname, '..', '..', 'openapi.json');

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** The answers that are not request DTOs, written out once here. */
const RESPONSE_SCHEMAS: Record<string, Schema> = {
  CommandOutcome: {
    type: 'object',
    required: [
      'streamId',
      'streamVersion',
      'eventIds',
      'globalPosition',
      'transactionId',
      'replayed',
    ],
    properties: {
      streamId: { type: 'string' },
      streamVersion: { type: 'integer' },
      eventIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
      globalPosition: {
        type: ['integer', 'null'],
        description: 'position of the last event in the log',
      },
      transactionId: { type: ['integer', 'null'] },
      replayed: {
        type: 'boolean',
        description: 'true when this answers an earlier command with the same key',
      },
    },
  },
  ProblemDetails: {
    type: 'object',
    description: 'RFC 9457; the types are listed in docs/api.md',
    required: ['type', 'title', 'status'],
    properties: {
      type: { type: 'string', example: 'urn:junheng:problem:rule:funds.budget-exceeded' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      instance: { type: 'string' },
      correlationId: { type: 'string' },
      errors: {
        type: 'array',
        items: {
          type: 'object',
          properties: { field: { type: 'string' }, reason: { type: 'string' } },
        },
      },
      rule: { type: 'string' },
      facts: { type: 'object', additionalProperties: true },
    },
  },
  Freshness: {
    type: 'object',
    properties: {
      transactionId: { type: 'integer' },
      globalPosition: { type: 'integer' },
      recordedAt: { type: ['string', 'null'], format: 'date-time' },
    },
  },
  LessonExchangeIndicator: {
    type: 'object',
    properties: {
      district: { type: 'string' },
      month: { type: 'string' },
      exchanges: { type: 'integer' },
      attendees: { type: 'integer', description: '人次' },
      freshness: ref('Freshness'),
    },
  },
  AuditPage: {
    type: 'object',
    properties: {
      entries: { type: 'array', items: { type: 'object', additionalProperties: true } },
      next: { type: ['integer', 'null'] },
    },
  },
  Health: { type: 'object', additionalProperties: true },
};

const RESPONSES_BY_ROUTE: Record<string, string> = {
  'GET /v1/indicators/lesson-exchanges': 'LessonExchangeIndicator',
  'GET /v1/audit': 'AuditPage',
  'GET /health/live': 'Health',
  'GET /health/ready': 'Health',
};

const problem = (description: string): Schema => ({
  description,
  content: { 'application/problem+json': { schema: ref('ProblemDetails') } },
});

/**
 * The REST API as OpenAPI 3.1, generated from the running application: routes and their
 * permissions from the same inventory the guard enforces, request schemas from the DTOs'
 * class-validator rules (so the document cannot drift from validation).
 */
export function buildOpenApiDocument(app: INestApplication): Schema {
  // Only the DTOs the routes take, by their constructors: nothing else in the process leaks in.
  const schemas: Record<string, Schema> = {};
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of discoverRoutes(app)) {
    if (route.controller === undefined || route.handlerName === undefined) continue;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.handlerName) ??
      {}) as Record<string, { index: number }>;
    const prototype = route.controller.prototype as object;
    const types = (Reflect.getMetadata('design:paramtypes', prototype, route.handlerName) ??
      []) as Array<(abstract new (...args: never[]) => object) | undefined>;
    const typeOf = (kind: RouteParamtypes): string | undefined => {
      const entry = Object.entries(args).find(([key]) => key.split(':')[0] === String(kind));
      const type = entry === undefined ? undefined : types[entry[1].index];
      if (type === undefined || typeof type !== 'function') return undefined;
      schemas[type.name] ??= targetConstructorToSchema(type) as Schema;
      return type.name;
    };
    const body = typeOf(RouteParamtypes.BODY);
    const query = typeOf(RouteParamtypes.QUERY);
    const method = route.method.toLowerCase();
    const key = `${route.method} ${route.path}`;
    const anonymous = route.access === 'anonymous';
    const operation: Schema = {
      operationId: `${route.controller.name.replace(/Controller$/, '')}.${route.handlerName}`,
      'x-permission': route.access,
      ...(anonymous ? { security: [] } : {}),
      parameters: [
        ...(method === 'post'
          ? [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                description: 'the same key answers the same way and appends nothing new',
                schema: { type: 'string', pattern: '^[\\w.:-]{1,200}$' },
              },
            ]
          : []),
        ...Object.entries(
          (query !== undefined
            ? (schemas[query]?.properties as Record<string, Schema>)
            : undefined) ?? {},
        ).map(([name, schema]) => ({
          name,
          in: 'query',
          required: ((schemas[query!]?.required as string[] | undefined) ?? []).includes(name),
          schema,
        })),
      ],
      ...(body !== undefined
        ? {
            requestBody: { required: true, content: { 'application/json': { schema: ref(body) } } },
          }
        : {}),
      responses: {
        [method === 'post' ? '201' : '200']: {
          description:
            method === 'post'
              ? 'recorded (or the answer to an earlier request with the same key)'
              : 'the answer',
          content: {
            'application/json': { schema: ref(RESPONSES_BY_ROUTE[key] ?? 'CommandOutcome') },
          },
        },
        ...(anonymous
          ? {}
          : {
              '400': problem('the request is not valid'),
              '401': problem('credentials are missing or do not verify'),
              '403': problem('the role lacks the permission, or the facts are outside the scope'),
              ...(method === 'post'
                ? {
                    '409': problem('a concurrent change, or a used-up budget'),
                    '422': problem('a domain rule refuses the command'),
                  }
                : {}),
              '429': problem('too many requests'),
              '503': problem('a dependency is unavailable; retry after Retry-After'),
            }),
      },
    };
    paths[route.path] = { ...(paths[route.path] ?? {}), [method]: operation };
  }
  const sortedPaths = Object.fromEntries(
    Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)),
  );
  const usedSchemas = Object.fromEntries(
    Object.entries({ ...schemas, ...RESPONSE_SCHEMAS }).sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Junheng (均衡) API',
      version: '1',
      description:
        'Commands and queries for monitoring the balanced development of compulsory education. GraphQL: /graphql (apps/api/schema.graphql).',
    },
    security: [{ bearer: [] }, { apiKey: [] }],
    paths: sortedPaths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
      schemas: usedSchemas,
    },
  };
}

export function printOpenApiDocument(document: Schema): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
