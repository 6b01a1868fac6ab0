import type { INestApplication } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { ROUTE_ACCESS_KEY } from '@junheng/platform';

// @nestjs/graphql's metadata keys for resolver methods (graphql.constants).
const RESOLVER_TYPE_METADATA = 'graphql:resolver_type';
const RESOLVER_NAME_METADATA = 'graphql:resolver_name';

/** A REST route with the handler behind it (for the OpenAPI document). */
export interface RestRoute extends RouteAccess {
  readonly controller: new (...args: never[]) => object;
  readonly handlerName: string;
}

export interface RouteAccess {
  /** HTTP method, or `Query` / `Mutation` for a GraphQL root field. */
  readonly method: string;
  /** URL path, or `graphql:<field>`. */
  readonly path: string;
  /** The declared permission, `anonymous`, or null when the route declares nothing. */
  readonly access: string | null;
}

function joinPaths(...parts: Array<string | string[] | undefined>): string {
  const segments = parts
    .map((part) => (Array.isArray(part) ? part[0] : part) ?? '')
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '');
  return `/${segments.join('/')}`;
}

/**
 * Every HTTP route and GraphQL root field of a running application with the access it
 * declares, read from the same metadata the authentication guard reads. docs/security.md's
 * route table and the deny-by-default test both come from here.
 */
export function routeInventory(app: INestApplication): RouteAccess[] {
  return discoverRoutes(app).map(({ method, path, access }) => ({ method, path, access }));
}

/** Every route and root field with where it is handled; routeInventory is its public face. */
export function discoverRoutes(app: INestApplication): Array<RouteAccess & Partial<RestRoute>> {
  const routes: Array<RouteAccess & Partial<RestRoute>> = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.providers.values()) {
      const resolver = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (resolver === null || typeof resolver !== 'function' || resolver.prototype === undefined)
        continue;
      const classAccess = Reflect.getMetadata(ROUTE_ACCESS_KEY, resolver) as string | undefined;
      const prototype = resolver.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        // Read the descriptor, not the property: some providers' prototypes have getters.
        const handler: unknown = Object.getOwnPropertyDescriptor(prototype, name)?.value;
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const type = Reflect.getMetadata(RESOLVER_TYPE_METADATA, handler) as string | undefined;
        if (type !== 'Query' && type !== 'Mutation' && type !== 'Subscription') continue;
        const field =
          (Reflect.getMetadata(RESOLVER_NAME_METADATA, handler) as string | undefined) ?? name;
        const access =
          (Reflect.getMetadata(ROUTE_ACCESS_KEY, handler) as string | undefined) ??
          classAccess ??
          null;
        routes.push({ method: type, path: `graphql:${field}`, access });
      }
    }
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (controller === null || wrapper.isNotMetatype) continue;
      const prefix = Reflect.getMetadata(PATH_METADATA, controller) as
        string | string[] | undefined;
      const classAccess = Reflect.getMetadata(ROUTE_ACCESS_KEY, controller) as string | undefined;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        // Read the descriptor, not the property: some providers' prototypes have getters.
        const handler: unknown = Object.getOwnPropertyDescriptor(prototype, name)?.value;
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (path === undefined) continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        const access =
          (Reflect.getMetadata(ROUTE_ACCESS_KEY, handler) as string | undefined) ??
          classAccess ??
          null;
        routes.push({
          method: RequestMethod[method],
          path: joinPaths(prefix, path),
          access,
          controller,
          handlerName: name,
        });
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
