import { Injectable } from '@nestjs/common';
import type { Grain } from '@junheng/analytics';
import { ScopeViolation, formatOrgScope, scopeCoversOrgUnit } from '@junheng/identity';
import type { OrgScope } from '@junheng/identity';
import { RequestValidationException } from '../problem-details/request-validation.exception';
import { CallerContext } from '../security/caller-context';

export type AreaLevel = 'province' | 'city' | 'district';

/** A province is '44', a city '4403', a district (区县) '440311'. */
export function areaLevelOf(code: string): AreaLevel | null {
  if (!/^[1-9]\d(\d{2}){0,2}$/.test(code)) return null;
  return code.length === 2 ? 'province' : code.length === 4 ? 'city' : 'district';
}

const DEPTH: Readonly<Record<AreaLevel | 'school', number>> = {
  province: 0,
  city: 1,
  district: 2,
  school: 3,
};

/** Where a question may look: figures of `grain` from facts inside `within`. */
export interface ScopedQuestion {
  readonly within: string;
  readonly grain: Grain;
  /** One unit of the grain, or all of them inside `within`. */
  readonly unit?: string;
}

function homeOf(scope: OrgScope): string {
  switch (scope.level) {
    case 'province':
      return scope.province;
    case 'city':
      return scope.city;
    case 'district':
    case 'school':
      return scope.district;
  }
}

/**
 * Scopes every dashboard question by the identity rules: an area inside the caller's scope,
 * figures no coarser than that area (a city figure asked inside one district would silently be
 * that district's), and a school clerk only its own school's figures.
 */
@Injectable()
export class DashboardScope {
  constructor(private readonly caller: CallerContext) {}

  /** The caller's own area: its province, city or district (a school clerk's district). */
  home(): string {
    return homeOf(this.caller.principal().scope);
  }

  isSchoolCaller(): boolean {
    return this.caller.principal().scope.level === 'school';
  }

  /** `code`, or the caller's home, once it is shown to be a readable area. */
  area(code: string | undefined): { code: string; level: AreaLevel } {
    const principal = this.caller.principal();
    const area = code ?? homeOf(principal.scope);
    const level = areaLevelOf(area);
    if (level === null) {
      throw new RequestValidationException([
        { field: 'area', reason: 'area must be a 2-, 4- or 6-digit administrative code' },
      ]);
    }
    if (principal.scope.level === 'school' || !scopeCoversOrgUnit(principal.scope, area)) {
      throw new ScopeViolation(`Area ${area} is outside your scope`, {
        scope: formatOrgScope(principal.scope),
        area,
      });
    }
    return { code: area, level };
  }

  /** A school the caller may read the figures of, inside `districtCode`. */
  school(schoolCode: string, districtCode: string): void {
    const { scope } = this.caller.principal();
    const readable =
      scope.level === 'school'
        ? scope.school === schoolCode && scope.district === districtCode
        : scopeCoversOrgUnit(scope, districtCode);
    if (!readable) {
      throw new ScopeViolation(`School ${schoolCode} is outside your scope`, {
        scope: formatOrgScope(scope),
        schoolCode,
      });
    }
  }

  /**
   * A figure question with its defaults decided once, for REST and GraphQL alike: without a
   * grain, the area's own figure (a school clerk's: its own school's); asked at the area's own
   * level, the area itself is the unit (its series, its events).
   */
  ask(request: { area?: string; grain?: Grain; unit?: string }): ScopedQuestion {
    if (this.isSchoolCaller())
      return this.question({ ...request, grain: request.grain ?? 'school' });
    const area = request.area ?? this.home();
    const level = areaLevelOf(area);
    const grain = request.grain ?? level ?? 'district';
    return this.question({
      area: request.area,
      grain,
      unit: request.unit ?? (grain === level ? area : undefined),
    });
  }

  /** Figures of `grain` inside `area` (default: the caller's home), for one unit or all. */
  question(request: { area?: string; grain: Grain; unit?: string }): ScopedQuestion {
    const { scope } = this.caller.principal();
    if (scope.level === 'school') {
      // A school clerk reads its own school's figures and nothing that covers other schools.
      const unit = request.unit ?? scope.school;
      const area = request.area ?? scope.district;
      if (request.grain !== 'school' || unit !== scope.school || area !== scope.district) {
        throw new ScopeViolation('A school scope reads only its own school’s figures', {
          scope: formatOrgScope(scope),
          grain: request.grain,
          unit,
          area,
        });
      }
      return { within: scope.district, grain: 'school', unit };
    }
    const area = this.area(request.area);
    if (request.grain in DEPTH && DEPTH[request.grain as AreaLevel] < DEPTH[area.level]) {
      throw new RequestValidationException([
        {
          field: 'grain',
          reason: `${request.grain} figures cannot be read inside a ${area.level} (${area.code})`,
        },
      ]);
    }
    return { within: area.code, grain: request.grain, unit: request.unit };
  }
}
