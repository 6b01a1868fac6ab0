import { parseOrgScope } from '@junheng/identity';
import type { Principal, Role } from '@junheng/identity';
import { CallerContext, withCallerSlot } from '../security/caller-context';
import { DashboardScope, areaLevelOf } from './dashboard-scope';

/** Runs `check` as a caller of `role` over `scope`. */
function as<T>(role: Role, scope: string, check: (dashboard: DashboardScope) => T): T {
  const caller = new CallerContext();
  const principal: Principal = { subject: 'test', role, scope: parseOrgScope(scope), via: 'jwt' };
  let answer: T | undefined;
  withCallerSlot(() => {
    caller.authenticate(principal);
    answer = check(new DashboardScope(caller));
  });
  return answer!;
}

describe('dashboard scope', () => {
  it('knows a province, a city and a district by their codes', () => {
    expect(['44', '4401', '440103', '4', '4401031', '04'].map(areaLevelOf)).toEqual([
      'province',
      'city',
      'district',
      null,
      null,
      null,
    ]);
  });

  it('reads the caller’s own area by default, and any area inside it', () => {
    expect(as('city-viewer', '44/4401', (scope) => scope.area(undefined))).toEqual({
      code: '4401',
      level: 'city',
    });
    expect(as('city-viewer', '44/4401', (scope) => scope.area('440103'))).toEqual({
      code: '440103',
      level: 'district',
    });
    expect(() => as('city-viewer', '44/4401', (scope) => scope.area('4403'))).toThrow(
      'Area 4403 is outside your scope',
    );
    expect(() => as('district-clerk', '44/4401/440103', (scope) => scope.area('44'))).toThrow(
      'outside your scope',
    );
  });

  it('refuses a figure coarser than the area it is asked inside', () => {
    expect(
      as('district-clerk', '44/4401/440103', (scope) => scope.question({ grain: 'school' })),
    ).toEqual({ within: '440103', grain: 'school', unit: undefined });
    expect(() =>
      as('district-clerk', '44/4401/440103', (scope) => scope.question({ grain: 'city' })),
    ).toThrow('Invalid request: grain');
    expect(
      as('province-admin', '44', (scope) => scope.question({ area: '4401', grain: 'pairing' })),
    ).toEqual({ within: '4401', grain: 'pairing', unit: undefined });
  });

  it('lets a school clerk read its own school’s figures and nothing wider', () => {
    const clerk = '44/4401/440103/4401030001';
    expect(as('school-clerk', clerk, (scope) => scope.question({ grain: 'school' }))).toEqual({
      within: '440103',
      grain: 'school',
      unit: '4401030001',
    });
    for (const question of [
      { grain: 'district' as const },
      { grain: 'school' as const, unit: '4401030002' },
      { grain: 'school' as const, area: '440104' },
    ]) {
      expect(() => as('school-clerk', clerk, (scope) => scope.question(question))).toThrow(
        'A school scope reads only its own school',
      );
    }
    expect(() => as('school-clerk', clerk, (scope) => scope.area('440103'))).toThrow(
      'outside your scope',
    );
    expect(() =>
      as('school-clerk', clerk, (scope) => scope.school('4401030002', '440103')),
    ).toThrow('School 4401030002 is outside your scope');
  });
});
