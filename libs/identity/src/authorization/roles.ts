/** Who a caller is in the organisation (quality.md, "Security and privacy"). */
export const ROLES = [
  'province-admin',
  'city-viewer',
  'district-clerk',
  'school-clerk',
  'inspector',
  'dashboard',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
