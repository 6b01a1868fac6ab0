/**
 * An org-unit scope, written as a path of administrative codes:
 *   `44` province, `44/4403` city, `44/4403/440311` district, `44/4403/440311/3144031101` school.
 * Each code extends its parent (a city code starts with its province's two digits, a district
 * code with its city's four), so a path that does not nest is refused.
 */
export type OrgScope =
  | { readonly level: 'province'; readonly province: string }
  | { readonly level: 'city'; readonly province: string; readonly city: string }
  | {
      readonly level: 'district';
      readonly province: string;
      readonly city: string;
      readonly district: string;
    }
  | {
      readonly level: 'school';
      readonly province: string;
      readonly city: string;
      readonly district: string;
      readonly school: string;
    };

export class InvalidScopeError extends Error {
  constructor(scope: string, reason: string) {
    super(`Scope "${scope}" is not valid: ${reason}`);
    this.name = 'InvalidScopeError';
  }
}

export function parseOrgScope(path: string): OrgScope {
  const parts = path.split('/');
  const [province, city, district, school] = parts;
  if (parts.length > 4 || province === undefined || !/^[1-9]\d$/.test(province)) {
    throw new InvalidScopeError(path, 'expected province[/city[/district[/school]]] codes');
  }
  if (city === undefined) return { level: 'province', province };
  if (!/^\d{4}$/.test(city) || !city.startsWith(province)) {
    throw new InvalidScopeError(
      path,
      `city "${city}" is not a 4-digit code inside province ${province}`,
    );
  }
  if (district === undefined) return { level: 'city', province, city };
  if (!/^\d{6}$/.test(district) || !district.startsWith(city)) {
    throw new InvalidScopeError(
      path,
      `district "${district}" is not a 6-digit code inside city ${city}`,
    );
  }
  if (school === undefined) return { level: 'district', province, city, district };
  if (!/^\d{10}$/.test(school)) {
    throw new InvalidScopeError(path, `school "${school}" is not a 10-digit school code`);
  }
  return { level: 'school', province, city, district, school };
}

export function formatOrgScope(scope: OrgScope): string {
  switch (scope.level) {
    case 'province':
      return scope.province;
    case 'city':
      return `${scope.province}/${scope.city}`;
    case 'district':
      return `${scope.province}/${scope.city}/${scope.district}`;
    case 'school':
      return `${scope.province}/${scope.city}/${scope.district}/${scope.school}`;
  }
}

/** Whether the whole district lies inside the scope (a school scope never covers a district). */
export function scopeCoversDistrict(scope: OrgScope, districtCode: string): boolean {
  switch (scope.level) {
    case 'province':
      return districtCode.startsWith(scope.province);
    case 'city':
      return districtCode.startsWith(scope.city);
    case 'district':
      return districtCode === scope.district;
    case 'school':
      return false;
  }
}

/** Whether a school, belonging to `districtCode`, lies inside the scope. */
export function scopeCoversSchool(
  scope: OrgScope,
  districtCode: string,
  schoolCode: string,
): boolean {
  return scope.level === 'school'
    ? scope.district === districtCode && scope.school === schoolCode
    : scopeCoversDistrict(scope, districtCode);
}

/**
 * Whether an org unit, given by its code (2-digit province, 4-digit city, 6-digit district),
 * lies inside the scope. A school scope covers no org unit.
 */
export function scopeCoversOrgUnit(scope: OrgScope, code: string): boolean {
  const own =
    scope.level === 'province'
      ? scope.province
      : scope.level === 'city'
        ? scope.city
        : scope.level === 'district'
          ? scope.district
          : null;
  return own !== null && code.length >= own.length && code.startsWith(own);
}
