import { orgUnitPath } from './audit-target';

describe('the org unit an attempt names', () => {
  it('is the scope path of a valid province, city or district code', () => {
    expect(orgUnitPath('44')).toBe('44');
    expect(orgUnitPath('4403')).toBe('44/4403');
    expect(orgUnitPath('440311')).toBe('44/4403/440311');
  });

  it('is nothing for school codes, malformed codes and codes of no unit of their own', () => {
    for (const code of ['3144031101', '4400', '440300', '04', '4', '44031', 'x', 440311, null])
      expect([code, orgUnitPath(code)]).toEqual([code, null]);
  });
});
