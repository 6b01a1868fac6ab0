import type { Request } from 'express';
import { parseOrgScope } from '@junheng/identity';

/**
 * The org unit an attempt names, as a scope path (`440311` → `44/4403/440311`), when the code
 * is a valid one: a 2-digit province, a 4-digit city inside it, a 6-digit district inside that,
 * neither of the last two `00` (which names no city or district of its own). School codes and
 * anything else name no org unit here.
 */
export function orgUnitPath(code: unknown): string | null {
  if (typeof code !== 'string' || !/^(?:\d{2}|\d{4}|\d{6})$/.test(code)) return null;
  if (code.length >= 4 && code.slice(2, 4) === '00') return null;
  if (code.length === 6 && code.slice(4, 6) === '00') return null;
  const path = [code.slice(0, 2), code.slice(0, 4), code.slice(0, 6)]
    .slice(0, code.length / 2)
    .join('/');
  try {
    parseOrgScope(path);
    return path;
  } catch {
    return null;
  }
}

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;

/** The first candidate that names a valid org unit. */
function firstOrgUnit(candidates: readonly unknown[]): string | null {
  for (const candidate of candidates) {
    const path = orgUnitPath(candidate);
    if (path !== null) return path;
  }
  return null;
}

/**
 * Which org unit a REST attempt targets: an area route's `:code`, else the `district` or `area`
 * query parameter, else a JSON body's `districtCode`. Anonymous attempts are shown to the
 * administrators of that unit, and to nobody through the API when they name none.
 */
export function restTarget(request: Request): string | null {
  const template = (request.route as { path?: unknown } | undefined)?.path;
  const areaRoute = typeof template === 'string' && template.startsWith('/v1/areas/:code');
  return firstOrgUnit([
    areaRoute ? field(request.params, 'code') : undefined,
    field(request.query, 'district'),
    field(request.query, 'area'),
    field(request.body, 'districtCode'),
  ]);
}

/** The same for a GraphQL root field: its `district`, `area` or `code` argument, or `input.districtCode`. */
export function graphqlTarget(args: unknown): string | null {
  return firstOrgUnit([
    field(args, 'district'),
    field(args, 'area'),
    field(args, 'code'),
    field(field(args, 'input'), 'districtCode'),
  ]);
}
