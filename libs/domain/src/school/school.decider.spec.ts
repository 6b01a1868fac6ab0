import { DomainRuleViolation } from '../shared/domain-rule-violation';
import { fixedClock, given } from '../shared/given-when-then';
import type { RegisterSchool } from './school.commands';
import {
  attributeFact,
  evolveSchool,
  initialSchoolState,
  schoolDecider,
  schoolOn,
} from './school.decider';
import type { SchoolState } from './school.decider';
import type { SchoolEvent, SchoolRegistered } from './school.events';

const clock = fixedClock('2025-06-01T08:00:00.000Z');

const register: RegisterSchool = {
  type: 'RegisterSchool',
  schoolCode: '3144031101',
  name: '光明区实验学校',
  districtCode: '440311',
  urbanRuralCode: '220',
  level: 'nine-year',
  weak: true,
  registeredOn: '2010-09-01',
};

const registered: SchoolRegistered = {
  type: 'SchoolRegistered',
  schemaVersion: 1,
  data: {
    schoolCode: '3144031101',
    name: '光明区实验学校',
    districtCode: '440311',
    urbanRuralCode: '220',
    level: 'nine-year',
    weak: true,
    registeredOn: '2010-09-01',
  },
};

const moved: SchoolEvent = {
  type: 'SchoolMovedDistrict',
  schemaVersion: 1,
  data: {
    schoolCode: '3144031101',
    fromDistrictCode: '440311',
    toDistrictCode: '440305',
    effectiveOn: '2025-01-01',
  },
};

const history = (...events: SchoolEvent[]) => events.reduce(evolveSchool, initialSchoolState);

describe('school', () => {
  it('registers a school once', () => {
    expect(given(schoolDecider, clock).when(register)).toEqual({ events: [registered] });
    expect(given(schoolDecider, clock, [registered]).when(register)).toEqual({
      violation: {
        rule: 'school.already-registered',
        facts: { schoolCode: '3144031101', registeredOn: '2010-09-01' },
      },
    });
  });

  it.each([
    [{ urbanRuralCode: '999' }, 'organisation.unknown-urban-rural-code', { urbanRuralCode: '999' }],
    [{ districtCode: '44031' }, 'organisation.unknown-district-code', { districtCode: '44031' }],
    [{ schoolCode: '31440311' }, 'organisation.invalid-school-code', { schoolCode: '31440311' }],
    [
      { registeredOn: '2025-06-10' },
      'calendar.date-in-future',
      { date: '2025-06-10', today: '2025-06-01' },
    ],
  ])('refuses to register %j (%s)', (change, rule, facts) => {
    expect(given(schoolDecider, clock).when({ ...register, ...change } as RegisterSchool)).toEqual({
      violation: { rule, facts },
    });
  });

  it('moves a school to another district from a date, knowing where it came from', () => {
    expect(
      given(schoolDecider, clock, [registered]).when({
        type: 'MoveSchoolToDistrict',
        schoolCode: '3144031101',
        toDistrictCode: '440305',
        effectiveOn: '2025-01-01',
      }),
    ).toEqual({ events: [moved] });
    expect(
      given(schoolDecider, clock, [registered, moved]).when({
        type: 'MoveSchoolToDistrict',
        schoolCode: '3144031101',
        toDistrictCode: '440305',
        effectiveOn: '2025-03-01',
      }),
    ).toEqual({
      violation: { rule: 'school.already-in-district', facts: { districtCode: '440305' } },
    });
  });

  it('answers which district and urban-rural group held the school on any date', () => {
    const reclassified: SchoolEvent = {
      type: 'SchoolReclassified',
      schemaVersion: 1,
      data: { schoolCode: '3144031101', urbanRuralCode: '121', effectiveOn: '2020-09-01' },
    };
    // Recorded in a different order than they took effect: the hierarchy follows the dates.
    const state = history(registered, moved, reclassified);
    expect(schoolOn(state, '2009-01-01')).toBeNull();
    expect(schoolOn(state, '2015-05-01')).toMatchObject({
      districtCode: '440311',
      urbanRuralCode: '220',
      urbanRuralGroup: 'rural',
      open: true,
    });
    expect(schoolOn(state, '2024-12-31')).toMatchObject({
      districtCode: '440311',
      urbanRuralGroup: 'town',
    });
    expect(schoolOn(state, '2025-01-01')).toMatchObject({
      districtCode: '440305',
      urbanRuralGroup: 'town',
    });
    expect(schoolOn(initialSchoolState, '2025-01-01')).toBeNull();
  });

  it('merges or closes a school: it exists up to the day before, and nothing changes it after', () => {
    const merged: SchoolEvent = {
      type: 'SchoolMerged',
      schemaVersion: 1,
      data: { schoolCode: '3144031101', intoSchoolCode: '3144031102', effectiveOn: '2024-09-01' },
    };
    expect(
      given(schoolDecider, clock, [registered]).when({
        type: 'MergeSchool',
        schoolCode: '3144031101',
        intoSchoolCode: '3144031102',
        effectiveOn: '2024-09-01',
        intoSchool: history({
          ...registered,
          data: { ...registered.data, schoolCode: '3144031102' },
        }),
      }),
    ).toEqual({ events: [merged] });
    const state = history(registered, merged);
    expect(schoolOn(state, '2024-08-31')).toMatchObject({ open: true });
    expect(schoolOn(state, '2024-09-01')).toMatchObject({ open: false, districtCode: '440311' });
    expect(
      given(schoolDecider, clock, [registered, merged]).when({
        type: 'CloseSchool',
        schoolCode: '3144031101',
        effectiveOn: '2025-01-01',
      }),
    ).toEqual({
      violation: {
        rule: 'school.closed',
        facts: { effectiveOn: '2025-01-01', endedOn: '2024-09-01' },
      },
    });
    expect(
      given(schoolDecider, clock, [registered]).when({
        type: 'MergeSchool',
        schoolCode: '3144031101',
        intoSchoolCode: '3144031101',
        effectiveOn: '2024-09-01',
        intoSchool: history(registered),
      }),
    ).toEqual({
      violation: { rule: 'school.invalid-merge-target', facts: { intoSchoolCode: '3144031101' } },
    });
  });

  it('refuses changes to an unknown school or before its registration', () => {
    expect(
      given(schoolDecider, clock).when({
        type: 'CloseSchool',
        schoolCode: '3144031101',
        effectiveOn: '2024-01-01',
      }),
    ).toEqual({
      violation: { rule: 'school.unknown', facts: { schoolCode: '3144031101' } },
    });
    expect(
      given(schoolDecider, clock, [registered]).when({
        type: 'ReclassifySchool',
        schoolCode: '3144031101',
        urbanRuralCode: '111',
        effectiveOn: '2009-01-01',
      }),
    ).toEqual({
      violation: {
        rule: 'school.before-registration',
        facts: { effectiveOn: '2009-01-01', registeredOn: '2010-09-01' },
      },
    });
  });
});

function violationOf(
  run: () => unknown,
): { rule: string; facts: Readonly<Record<string, unknown>> } | null {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainRuleViolation) return { rule: error.rule, facts: error.facts };
    throw error;
  }
  return null;
}

describe('attributing a fact to a school', () => {
  const state = history(registered, moved);

  it('uses the district that held the school on the fact’s date', () => {
    expect(
      attributeFact(state, {
        schoolCode: '3144031101',
        date: '2024-10-15',
        reportedDistrictCode: '440311',
      }),
    ).toBe('440311');
    expect(
      attributeFact(state, {
        schoolCode: '3144031101',
        date: '2025-02-10',
        reportedDistrictCode: '440305',
      }),
    ).toBe('440305');
  });

  it('refuses a district that did not hold the school then, and dates outside its life', () => {
    expect(
      violationOf(() =>
        attributeFact(state, {
          schoolCode: '3144031101',
          date: '2025-02-10',
          reportedDistrictCode: '440311',
        }),
      ),
    ).toEqual({
      rule: 'organisation.school-not-in-district',
      facts: {
        schoolCode: '3144031101',
        date: '2025-02-10',
        districtCode: '440305',
        reportedDistrictCode: '440311',
      },
    });
    expect(
      violationOf(() =>
        attributeFact(state, {
          schoolCode: '3144031101',
          date: '2009-02-10',
          reportedDistrictCode: '440311',
        }),
      )?.rule,
    ).toBe('school.not-yet-registered');
  });

  it('refuses a fact about a school that was never registered', () => {
    expect(
      violationOf(() =>
        attributeFact(initialSchoolState, {
          schoolCode: '3144039999',
          date: '2024-10-15',
          reportedDistrictCode: '440311',
        }),
      ),
    ).toEqual({ rule: 'school.unknown', facts: { schoolCode: '3144039999' } });
  });
});

describe('the school a merge goes into', () => {
  // 3144031102 merges into 3144031101 (the registered school of these specs).
  const merging: SchoolEvent = {
    ...registered,
    data: { ...registered.data, schoolCode: '3144031102' },
  };
  const merge = (intoSchool: SchoolState, effectiveOn = '2025-02-10') =>
    given(schoolDecider, clock, [merging]).when({
      type: 'MergeSchool',
      schoolCode: '3144031102',
      intoSchoolCode: '3144031101',
      effectiveOn,
      intoSchool,
    });

  it('is registered and open on the merge date', () => {
    expect(merge(history(registered))).toEqual({
      events: [
        {
          type: 'SchoolMerged',
          schemaVersion: 1,
          data: {
            schoolCode: '3144031102',
            intoSchoolCode: '3144031101',
            effectiveOn: '2025-02-10',
          },
        },
      ],
    });
  });

  it('is refused when unknown, not yet registered, or already closed', () => {
    expect(merge(initialSchoolState)).toEqual({
      violation: {
        rule: 'school.invalid-merge-target',
        facts: { intoSchoolCode: '3144031101', effectiveOn: '2025-02-10', reason: 'unknown' },
      },
    });
    const closed = history(registered, {
      type: 'SchoolClosed',
      schemaVersion: 1,
      data: { schoolCode: '3144031101', effectiveOn: '2025-01-01' },
    });
    expect(merge(closed)).toMatchObject({ violation: { facts: { reason: 'closed' } } });
    // Registered in 2010 (the registration of these specs): not there in 2009.
    const early = given(schoolDecider, clock, [
      { ...merging, data: { ...merging.data, registeredOn: '2001-09-01' } },
    ]).when({
      type: 'MergeSchool',
      schoolCode: '3144031102',
      intoSchoolCode: '3144031101',
      effectiveOn: '2009-09-01',
      intoSchool: history(registered),
    });
    expect(early).toMatchObject({ violation: { facts: { reason: 'not-yet-registered' } } });
  });
});

describe('annual school reports', () => {
  const conditions = {
    type: 'ReportSchoolConditions' as const,
    schoolCode: '3144031101',
    schoolYear: 2024,
    reportedOn: '2024-10-08',
    primaryEnrolment: 600,
    juniorEnrolment: 300,
    teachingAuxiliaryAreaM2: 4_800,
    sportsAreaM2: 7_200,
    equipmentValueYuan: 2_100_000,
    computers: 90,
    books: 27_000,
    networkedMultimediaClassrooms: 24,
  };
  const staffing = {
    type: 'ReportSchoolStaffing' as const,
    schoolCode: '3144031101',
    schoolYear: 2024,
    reportedOn: '2024-10-08',
    fullTimeTeachers: 70,
    aboveQualificationTeachers: 64,
    intermediateTitleTeachers: 30,
    backboneTeachers: 9,
    peArtsTeachers: 8,
    rotationEligibleTeachers: 40,
  };

  it('records the year’s conditions and staffing, attributed to the district that held the school', () => {
    const { type: _conditions, ...conditionsData } = conditions;
    expect(given(schoolDecider, clock, [registered]).when(conditions)).toEqual({
      events: [
        {
          type: 'SchoolConditionsReported',
          schemaVersion: 1,
          data: { ...conditionsData, districtCode: '440311' },
        },
      ],
    });
    expect(given(schoolDecider, clock, [registered, moved]).when(staffing)).toMatchObject({
      events: [
        { type: 'SchoolStaffingReported', data: { districtCode: '440311', fullTimeTeachers: 70 } },
      ],
    });
  });

  it('refuses impossible figures and years the school did not exist', () => {
    expect(
      given(schoolDecider, clock, [registered]).when({ ...conditions, books: -1 }),
    ).toMatchObject({
      violation: { rule: 'school.invalid-figure', facts: { field: 'books' } },
    });
    expect(
      given(schoolDecider, clock, [registered]).when({ ...staffing, backboneTeachers: 71 }),
    ).toMatchObject({
      violation: {
        rule: 'school.inconsistent-staffing',
        facts: { field: 'backboneTeachers', fullTimeTeachers: 70 },
      },
    });
    expect(
      given(schoolDecider, clock, [registered]).when({ ...conditions, schoolYear: 2005 }),
    ).toMatchObject({
      violation: { rule: 'school.not-open-that-year' },
    });
    const primary = { ...registered, data: { ...registered.data, level: 'primary' as const } };
    expect(given(schoolDecider, clock, [primary]).when(conditions)).toMatchObject({
      violation: { rule: 'school.enrolment-outside-level', facts: { level: 'primary' } },
    });
  });
});

describe('annual reports: the school year', () => {
  it('refuses a school year that is not a year', () => {
    expect(
      given(schoolDecider, clock, [registered]).when({
        type: 'ReportSchoolStaffing',
        schoolCode: '3144031101',
        schoolYear: 24,
        reportedOn: '2024-10-08',
        fullTimeTeachers: 1,
        aboveQualificationTeachers: 1,
        intermediateTitleTeachers: 0,
        backboneTeachers: 0,
        peArtsTeachers: 0,
        rotationEligibleTeachers: 0,
      }),
    ).toEqual({ violation: { rule: 'school.invalid-school-year', facts: { schoolYear: 24 } } });
  });
});
