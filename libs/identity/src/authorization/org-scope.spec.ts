import {
  InvalidScopeError,
  formatOrgScope,
  parseOrgScope,
  scopeCoversDistrict,
  scopeCoversOrgUnit,
  scopeCoversSchool,
} from './org-scope';

describe('org-unit scopes', () => {
  it.each(['44', '44/4403', '44/4403/440311', '44/4403/440311/3144031101'])(
    'round-trips %s',
    (path) => {
      expect(formatOrgScope(parseOrgScope(path))).toBe(path);
    },
  );

  it.each([
    '',
    '4',
    '44/4503',
    '44/4403/440211',
    '44/4403/440311/123',
    '44/4403/440311/3144031101/1',
  ])('refuses %j: codes must nest', (path) => {
    expect(() => parseOrgScope(path)).toThrow(InvalidScopeError);
  });

  it('covers districts by prefix: province, city, district', () => {
    expect(scopeCoversDistrict(parseOrgScope('44'), '440311')).toBe(true);
    expect(scopeCoversDistrict(parseOrgScope('44'), '450102')).toBe(false);
    expect(scopeCoversDistrict(parseOrgScope('44/4403'), '440305')).toBe(true);
    expect(scopeCoversDistrict(parseOrgScope('44/4401'), '440305')).toBe(false);
    expect(scopeCoversDistrict(parseOrgScope('44/4403/440311'), '440311')).toBe(true);
    expect(scopeCoversDistrict(parseOrgScope('44/4403/440311'), '440305')).toBe(false);
  });

  it('lets a school scope cover its own school only, never a whole district', () => {
    const school = parseOrgScope('44/4403/440311/3144031101');
    expect(scopeCoversSchool(school, '440311', '3144031101')).toBe(true);
    expect(scopeCoversSchool(school, '440311', '3144031102')).toBe(false);
    expect(scopeCoversSchool(school, '440305', '3144031101')).toBe(false);
    expect(scopeCoversDistrict(school, '440311')).toBe(false);
    expect(scopeCoversSchool(parseOrgScope('44/4403/440311'), '440311', '3144031102')).toBe(true);
  });
});

describe('org units in scope', () => {
  it('covers an org unit at or below the scope’s own level', () => {
    expect(scopeCoversOrgUnit(parseOrgScope('44'), '44')).toBe(true);
    expect(scopeCoversOrgUnit(parseOrgScope('44'), '4403')).toBe(true);
    expect(scopeCoversOrgUnit(parseOrgScope('44/4403'), '440311')).toBe(true);
    expect(scopeCoversOrgUnit(parseOrgScope('44/4403'), '44')).toBe(false);
    expect(scopeCoversOrgUnit(parseOrgScope('44/4403/440311'), '440305')).toBe(false);
    expect(scopeCoversOrgUnit(parseOrgScope('44/4403/440311/3144031101'), '440311')).toBe(false);
  });
});
