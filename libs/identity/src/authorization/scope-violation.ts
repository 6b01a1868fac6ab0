import {
  formatOrgScope,
  scopeCoversDistrict,
  scopeCoversOrgUnit,
  scopeCoversSchool,
} from './org-scope';
import type { Principal } from './principal';

/** A caller acting on facts outside its org-unit scope (403, object-level authorization). */
export class ScopeViolation extends Error {
  constructor(
    message: string,
    readonly facts: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'ScopeViolation';
  }
}

export function assertDistrictInScope(principal: Principal, districtCode: string): void {
  if (!scopeCoversDistrict(principal.scope, districtCode)) {
    throw new ScopeViolation(`District ${districtCode} is outside your scope`, {
      scope: formatOrgScope(principal.scope),
      districtCode,
    });
  }
}

export function assertSchoolInScope(
  principal: Principal,
  districtCode: string,
  schoolCode: string,
): void {
  if (!scopeCoversSchool(principal.scope, districtCode, schoolCode)) {
    throw new ScopeViolation(
      `School ${schoolCode} of district ${districtCode} is outside your scope`,
      {
        scope: formatOrgScope(principal.scope),
        districtCode,
        schoolCode,
      },
    );
  }
}

export function assertOrgUnitInScope(principal: Principal, code: string): void {
  if (!scopeCoversOrgUnit(principal.scope, code)) {
    throw new ScopeViolation(`Org unit ${code} is outside your scope`, {
      scope: formatOrgScope(principal.scope),
      orgCode: code,
    });
  }
}
