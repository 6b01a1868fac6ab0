import type { Role } from './roles';

/**
 * What a route lets a caller do. Every route declares one (or is explicitly anonymous); the
 * role decides whether the caller holds it, the scope decides on which facts.
 */
export const PERMISSIONS = ['facts:record', 'indicators:read', 'audit:read'] as const;

export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  'province-admin': ['facts:record', 'indicators:read', 'audit:read'],
  'city-viewer': ['indicators:read'],
  'district-clerk': ['facts:record', 'indicators:read'],
  'school-clerk': ['facts:record', 'indicators:read'],
  inspector: ['indicators:read'],
  dashboard: ['indicators:read'],
};

export function roleGrants(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return GRANTS[role];
}
