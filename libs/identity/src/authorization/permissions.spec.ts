import { PERMISSIONS, permissionsOf, roleGrants } from './permissions';
import { ROLES } from './roles';

describe('role permissions', () => {
  it('grants exactly the documented matrix (docs/security.md)', () => {
    const matrix = Object.fromEntries(
      ROLES.map((role) => [role, PERMISSIONS.filter((p) => roleGrants(role, p))]),
    );
    expect(matrix).toEqual({
      'province-admin': ['facts:record', 'indicators:read', 'audit:read'],
      'city-viewer': ['indicators:read'],
      'district-clerk': ['facts:record', 'indicators:read'],
      'school-clerk': ['facts:record', 'indicators:read'],
      inspector: ['indicators:read'],
      dashboard: ['indicators:read'],
    });
    expect(permissionsOf('dashboard')).toEqual(['indicators:read']);
  });
});
