import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import {
  EARLIEST_INSTANT,
  EARLIEST_RECORD_DATE,
  LATEST_INSTANT,
  LATEST_RECORD_DATE,
} from '../security/instant';
import { discoverRoutes } from '../security/route-inventory';

/** Where the generated document is committed, so reviews see its changes. */
export const OPENAPI_FILE = join(__dirname, '..', '..', 'openapi.json');

type Schema = Record<string, unknown>;

/** Junheng's own validators, as JSON Schema (class-validator-jsonschema knows the built-in ones). */
const SCHEMA_OPTIONS = {
  additionalConverters: {
    isRecordDate: {
      type: 'string' as const,
      format: 'date',
      description: `YYYY-MM-DD, from ${EARLIEST_RECORD_DATE} to ${LATEST_RECORD_DATE}`,
    },
    isBoundedInstant: {
      oneOf: [
        { type: 'string' as const, format: 'date' },
        { type: 'string' as const, format: 'date-time' },
      ],
      description: `ISO 8601, from ${new Date(EARLIEST_INSTANT).toISOString()} until before ${new Date(LATEST_INSTANT).toISOString()}`,
    },
  },
};
type DtoClass = abstract new (...args: never[]) => object;

/**
 * OpenAPI 3.0's `nullable` as OpenAPI 3.1 (JSON Schema) says it: a type that admits null.
 * @nestjs/swagger writes the former; the document declares the latter.
 */
function toJsonSchemaNullability(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchemaNullability);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Schema;
  const converted = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, toJsonSchemaNullability(value)]),
  );
  if (nullable === true && typeof converted.type === 'string')
    converted.type = [converted.type, 'null'];
  return converted;
}

const sortedByKey = <T>(record: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

/**
 * The REST API as OpenAPI 3.1, generated from the running application by @nestjs/swagger
 * (routes, parameters, answers from the controllers' decorators), then completed from the two
 * sources Junheng already enforces so the document cannot drift from them: request schemas
 * from the DTOs' class-validator rules, and each route's permission from the same inventory
 * the authentication guard reads (`x-permission`).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Junheng (均衡) API')
    .setVersion('1')
    .setDescription(
      'Commands and queries for monitoring the balanced development of compulsory education. GraphQL: /graphql (apps/api/schema.graphql).',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'apiKey')
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) =>
      `${controller.replace(/Controller$/, '')}.${method}`,
  });
  const schemas: Record<string, object> = { ...(document.components?.schemas ?? {}) };
  for (const route of discoverRoutes(app)) {
    if (route.controller === undefined || route.handlerName === undefined) continue;
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const operation = document.paths[path]?.[route.method.toLowerCase() as 'get' | 'post'] as
      Schema | undefined;
    if (operation === undefined)
      throw new Error(`@nestjs/swagger did not see ${route.method} ${path}`);
    operation['x-permission'] = route.access;
    if (route.access === 'anonymous') operation.security = [];

    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.handlerName) ??
      {}) as Record<string, { index: number }>;
    const types = (Reflect.getMetadata(
      'design:paramtypes',
      route.controller.prototype as object,
      route.handlerName,
    ) ?? []) as Array<DtoClass | undefined>;
    const dtoOf = (kind: RouteParamtypes): DtoClass | undefined => {
      const entry = Object.entries(args).find(([key]) => key.split(':')[0] === String(kind));
      const type = entry === undefined ? undefined : types[entry[1].index];
      return typeof type === 'function' ? type : undefined;
    };
    const body = dtoOf(RouteParamtypes.BODY);
    if (body !== undefined) schemas[body.name] = targetConstructorToSchema(body, SCHEMA_OPTIONS);
    const query = dtoOf(RouteParamtypes.QUERY);
    if (query !== undefined) {
      const schema = targetConstructorToSchema(query, SCHEMA_OPTIONS) as Schema;
      const required = (schema.required as string[] | undefined) ?? [];
      const described = ((operation.parameters as Schema[] | undefined) ?? []).filter(
        (parameter) => parameter.in !== 'query',
      );
      operation.parameters = [
        ...described,
        ...Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {}).map(
          ([name, property]) => ({
            name,
            in: 'query',
            required: required.includes(name),
            schema: property,
          }),
        ),
      ];
    }
  }
  return toJsonSchemaNullability({
    ...document,
    paths: sortedByKey(document.paths),
    components: { ...document.components, schemas: sortedByKey(schemas) },
  }) as OpenAPIObject;
}

export function printOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
