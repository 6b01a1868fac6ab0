import type { Decider } from '../shared/given-when-then';
import { isDistrictCode, isSchoolCode } from '../shared/administrative-codes';
import type { Clock } from '../shared/clock';
import { DomainRuleViolation } from '../shared/domain-rule-violation';
import { requireReportableDate } from '../shared/reportable-date';
import { assertNever } from '../shared/exhaustive';
import type { RegisterSchool, SchoolCommand, SchoolReport } from './school.commands';
import type {
  SchoolConditionsReported,
  SchoolEvent,
  SchoolStaffingReported,
} from './school.events';
import { URBAN_RURAL_GROUPS, isUrbanRuralCode } from './school.types';
import type { SchoolLevel, UrbanRuralCode, UrbanRuralGroup } from './school.types';

interface Change<Value> {
  readonly from: string;
  readonly value: Value;
}

export type SchoolState =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'registered';
      readonly schoolCode: string;
      readonly name: string;
      readonly level: SchoolLevel;
      readonly weak: boolean;
      readonly registeredOn: string;
      /** Effective-dated, in date order: which county held the school from when. */
      readonly districts: readonly Change<string>[];
      readonly classifications: readonly Change<UrbanRuralCode>[];
      readonly endedOn: string | null;
      readonly mergedInto: string | null;
    };

export const initialSchoolState: SchoolState = { status: 'unregistered' };

/** What the school was on a date: the hierarchy facts are attributed by. */
export interface SchoolOnDate {
  readonly schoolCode: string;
  readonly districtCode: string;
  readonly urbanRuralCode: UrbanRuralCode;
  readonly urbanRuralGroup: UrbanRuralGroup;
  readonly level: SchoolLevel;
  /** False once closed or merged away. */
  readonly open: boolean;
}

function insert<Value>(changes: readonly Change<Value>[], change: Change<Value>): Change<Value>[] {
  // Late reports may be effective before changes already known: keep the list in date order.
  return [...changes.filter((existing) => existing.from !== change.from), change].sort((a, b) =>
    a.from.localeCompare(b.from),
  );
}

function valueOn<Value>(changes: readonly Change<Value>[], date: string): Value | undefined {
  let current: Value | undefined;
  for (const change of changes) if (change.from <= date) current = change.value;
  return current;
}

/** The school as of `date`, or null before it was registered (or if it never was). */
export function schoolOn(state: SchoolState, date: string): SchoolOnDate | null {
  if (state.status === 'unregistered' || date < state.registeredOn) return null;
  const districtCode = valueOn(state.districts, date)!;
  const urbanRuralCode = valueOn(state.classifications, date)!;
  return {
    schoolCode: state.schoolCode,
    districtCode,
    urbanRuralCode,
    urbanRuralGroup: URBAN_RURAL_GROUPS[urbanRuralCode],
    level: state.level,
    open: state.endedOn === null || date < state.endedOn,
  };
}

export function evolveSchool(state: SchoolState, event: SchoolEvent): SchoolState {
  switch (event.type) {
    case 'SchoolRegistered': {
      const { data } = event;
      return {
        status: 'registered',
        schoolCode: data.schoolCode,
        name: data.name,
        level: data.level,
        weak: data.weak,
        registeredOn: data.registeredOn,
        districts: [{ from: data.registeredOn, value: data.districtCode }],
        classifications: [{ from: data.registeredOn, value: data.urbanRuralCode }],
        endedOn: null,
        mergedInto: null,
      };
    }
    case 'SchoolReclassified':
      if (state.status !== 'registered') return state;
      return {
        ...state,
        classifications: insert(state.classifications, {
          from: event.data.effectiveOn,
          value: event.data.urbanRuralCode,
        }),
      };
    case 'SchoolMovedDistrict':
      if (state.status !== 'registered') return state;
      return {
        ...state,
        districts: insert(state.districts, {
          from: event.data.effectiveOn,
          value: event.data.toDistrictCode,
        }),
      };
    case 'SchoolMerged':
      if (state.status !== 'registered') return state;
      return { ...state, endedOn: event.data.effectiveOn, mergedInto: event.data.intoSchoolCode };
    case 'SchoolClosed':
      if (state.status !== 'registered') return state;
      return { ...state, endedOn: event.data.effectiveOn };
    case 'SchoolConditionsReported':
    case 'SchoolStaffingReported':
      // Reports feed the analytics; the aggregate's decisions do not depend on them.
      return state;
    default:
      return assertNever(event);
  }
}

function register(command: RegisterSchool, state: SchoolState, clock: Clock): SchoolEvent[] {
  if (state.status === 'registered') {
    throw new DomainRuleViolation(
      'school.already-registered',
      `School ${command.schoolCode} is already registered`,
      {
        schoolCode: command.schoolCode,
        registeredOn: state.registeredOn,
      },
    );
  }
  if (!isSchoolCode(command.schoolCode)) {
    throw new DomainRuleViolation(
      'organisation.invalid-school-code',
      `"${command.schoolCode}" is not a 10-digit school code`,
      {
        schoolCode: command.schoolCode,
      },
    );
  }
  if (!isDistrictCode(command.districtCode)) {
    throw new DomainRuleViolation(
      'organisation.unknown-district-code',
      `"${command.districtCode}" is not a county code`,
      {
        districtCode: command.districtCode,
      },
    );
  }
  if (!isUrbanRuralCode(command.urbanRuralCode)) {
    throw new DomainRuleViolation(
      'organisation.unknown-urban-rural-code',
      `"${String(command.urbanRuralCode)}" is not an urban-rural code`,
      {
        urbanRuralCode: String(command.urbanRuralCode),
      },
    );
  }
  requireReportableDate(command.registeredOn, clock);
  const { type: _type, ...data } = command;
  return [{ type: 'SchoolRegistered', schemaVersion: 1, data }];
}

const schoolYearStart = (year: number): string => `${year}-09-01`;
const schoolYearEnd = (year: number): string => `${year + 1}-08-31`;

function report(
  command: SchoolReport,
  state: SchoolState & { status: 'registered' },
  clock: Clock,
): SchoolEvent[] {
  if (
    !Number.isInteger(command.schoolYear) ||
    command.schoolYear < 2000 ||
    command.schoolYear > 2100
  ) {
    throw new DomainRuleViolation(
      'school.invalid-school-year',
      'The school year is the year it starts in',
      {
        schoolYear: command.schoolYear,
      },
    );
  }
  requireReportableDate(command.reportedOn, clock);
  const start = schoolYearStart(command.schoolYear);
  if (
    schoolYearEnd(command.schoolYear) < state.registeredOn ||
    (state.endedOn !== null && state.endedOn <= start)
  ) {
    throw new DomainRuleViolation(
      'school.not-open-that-year',
      'The school did not exist in that school year',
      {
        schoolYear: command.schoolYear,
        registeredOn: state.registeredOn,
        endedOn: state.endedOn,
      },
    );
  }
  const { type: _type, ...figures } = command;
  for (const [field, value] of Object.entries(figures)) {
    if (field === 'schoolCode' || field === 'schoolYear' || field === 'reportedOn') continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new DomainRuleViolation(
        'school.invalid-figure',
        `${field} must be a number, zero or more`,
        { field },
      );
    }
  }
  // The district that held the school when the year began (or when it opened, if later).
  const districtCode = schoolOn(
    state,
    start < state.registeredOn ? state.registeredOn : start,
  )!.districtCode;
  if (command.type === 'ReportSchoolConditions') {
    const wrongLevel =
      (state.level === 'primary' && command.juniorEnrolment > 0) ||
      (state.level === 'junior' && command.primaryEnrolment > 0);
    if (wrongLevel) {
      throw new DomainRuleViolation(
        'school.enrolment-outside-level',
        `A ${state.level} school enrols no other level`,
        {
          level: state.level,
        },
      );
    }
    const data: SchoolConditionsReported['data'] = { ...command, districtCode };
    return [{ type: 'SchoolConditionsReported', schemaVersion: 1, data: withoutType(data) }];
  }
  const subsets = [
    'aboveQualificationTeachers',
    'intermediateTitleTeachers',
    'backboneTeachers',
    'peArtsTeachers',
    'rotationEligibleTeachers',
  ] as const;
  for (const field of subsets) {
    if (command[field] > command.fullTimeTeachers) {
      throw new DomainRuleViolation(
        'school.inconsistent-staffing',
        `${field} cannot exceed the full-time teachers`,
        {
          field,
          value: command[field],
          fullTimeTeachers: command.fullTimeTeachers,
        },
      );
    }
  }
  const data: SchoolStaffingReported['data'] = { ...command, districtCode };
  return [{ type: 'SchoolStaffingReported', schemaVersion: 1, data: withoutType(data) }];
}

function withoutType<Data extends object>(data: Data): Data {
  const { type: _type, ...rest } = data as Data & { type?: unknown };
  return rest as Data;
}

export function decideSchool(
  command: SchoolCommand,
  state: SchoolState,
  clock: Clock,
): SchoolEvent[] {
  if (command.type === 'RegisterSchool') return register(command, state, clock);
  if (state.status === 'unregistered') {
    throw new DomainRuleViolation(
      'school.unknown',
      `School ${command.schoolCode} is not registered`,
      {
        schoolCode: command.schoolCode,
      },
    );
  }
  if (command.type === 'ReportSchoolConditions' || command.type === 'ReportSchoolStaffing') {
    return report(command, state, clock);
  }

  requireReportableDate(command.effectiveOn, clock);
  if (command.effectiveOn < state.registeredOn) {
    throw new DomainRuleViolation('school.before-registration', 'The change predates the school', {
      effectiveOn: command.effectiveOn,
      registeredOn: state.registeredOn,
    });
  }
  if (state.endedOn !== null && command.effectiveOn >= state.endedOn) {
    throw new DomainRuleViolation(
      'school.closed',
      `School ${command.schoolCode} no longer exists then`,
      {
        effectiveOn: command.effectiveOn,
        endedOn: state.endedOn,
      },
    );
  }
  switch (command.type) {
    case 'ReclassifySchool':
      if (!isUrbanRuralCode(command.urbanRuralCode)) {
        throw new DomainRuleViolation(
          'organisation.unknown-urban-rural-code',
          `"${String(command.urbanRuralCode)}" is not an urban-rural code`,
          {
            urbanRuralCode: String(command.urbanRuralCode),
          },
        );
      }
      return [
        {
          type: 'SchoolReclassified',
          schemaVersion: 1,
          data: {
            schoolCode: command.schoolCode,
            urbanRuralCode: command.urbanRuralCode,
            effectiveOn: command.effectiveOn,
          },
        },
      ];
    case 'MoveSchoolToDistrict': {
      if (!isDistrictCode(command.toDistrictCode)) {
        throw new DomainRuleViolation(
          'organisation.unknown-district-code',
          `"${command.toDistrictCode}" is not a county code`,
          {
            districtCode: command.toDistrictCode,
          },
        );
      }
      const fromDistrictCode = schoolOn(state, command.effectiveOn)!.districtCode;
      if (fromDistrictCode === command.toDistrictCode) {
        throw new DomainRuleViolation(
          'school.already-in-district',
          `The school is already in ${fromDistrictCode} then`,
          {
            districtCode: fromDistrictCode,
          },
        );
      }
      return [
        {
          type: 'SchoolMovedDistrict',
          schemaVersion: 1,
          data: {
            schoolCode: command.schoolCode,
            fromDistrictCode,
            toDistrictCode: command.toDistrictCode,
            effectiveOn: command.effectiveOn,
          },
        },
      ];
    }
    case 'MergeSchool':
      if (command.intoSchoolCode === command.schoolCode || !isSchoolCode(command.intoSchoolCode)) {
        throw new DomainRuleViolation(
          'school.invalid-merge-target',
          'A school merges into another, valid school',
          {
            intoSchoolCode: command.intoSchoolCode,
          },
        );
      }
      assertMergeTarget(command.intoSchool, command);
      return [
        {
          type: 'SchoolMerged',
          schemaVersion: 1,
          data: {
            schoolCode: command.schoolCode,
            intoSchoolCode: command.intoSchoolCode,
            effectiveOn: command.effectiveOn,
          },
        },
      ];
    case 'CloseSchool':
      return [
        {
          type: 'SchoolClosed',
          schemaVersion: 1,
          data: { schoolCode: command.schoolCode, effectiveOn: command.effectiveOn },
        },
      ];
    default:
      return assertNever(command);
  }
}

/** The day a school event happened: registration, the report's school year, the change. */
export function schoolEventDay(event: SchoolEvent): string {
  switch (event.type) {
    case 'SchoolRegistered':
      return event.data.registeredOn;
    case 'SchoolConditionsReported':
    case 'SchoolStaffingReported':
      return schoolYearStart(event.data.schoolYear);
    case 'SchoolReclassified':
    case 'SchoolMovedDistrict':
    case 'SchoolMerged':
    case 'SchoolClosed':
      return event.data.effectiveOn;
  }
}

export const schoolDecider: Decider<SchoolCommand, SchoolEvent, SchoolState> = {
  decide: decideSchool,
  evolve: evolveSchool,
  initialState: initialSchoolState,
  // A school event counts for the district holding the school that day; a move, for the
  // district it leaves; a registration, for the district it is registered in.
  envelopeOf: (event, state) => ({
    occurredOn: schoolEventDay(event),
    districtCode:
      event.type === 'SchoolRegistered'
        ? event.data.districtCode
        : event.type === 'SchoolMovedDistrict'
          ? event.data.fromDistrictCode
          : (schoolOn(state, schoolEventDay(event))?.districtCode ?? null),
  }),
};

/**
 * Attributes a fact about a school on a date to the district that held the school then. The
 * school must be registered (domain.md: codes are valid and known), open on that date, and the
 * reported district must agree.
 */
export function attributeFact(
  school: SchoolState,
  fact: {
    readonly schoolCode: string;
    readonly date: string;
    readonly reportedDistrictCode: string;
  },
): string {
  if (school.status === 'unregistered') {
    throw new DomainRuleViolation(
      'school.unknown',
      `School ${fact.schoolCode} is not registered; register it before reporting about it`,
      { schoolCode: fact.schoolCode },
    );
  }
  const on = schoolOn(school, fact.date);
  if (on === null) {
    throw new DomainRuleViolation(
      'school.not-yet-registered',
      `School ${fact.schoolCode} did not exist on ${fact.date}`,
      {
        schoolCode: fact.schoolCode,
        date: fact.date,
        registeredOn: school.registeredOn,
      },
    );
  }
  if (!on.open) {
    throw new DomainRuleViolation(
      'school.closed',
      `School ${fact.schoolCode} no longer existed on ${fact.date}`,
      {
        effectiveOn: fact.date,
        endedOn: school.endedOn,
      },
    );
  }
  if (on.districtCode !== fact.reportedDistrictCode) {
    throw new DomainRuleViolation(
      'organisation.school-not-in-district',
      `On ${fact.date} school ${fact.schoolCode} belonged to district ${on.districtCode}`,
      {
        schoolCode: fact.schoolCode,
        date: fact.date,
        districtCode: on.districtCode,
        reportedDistrictCode: fact.reportedDistrictCode,
      },
    );
  }
  return on.districtCode;
}

/**
 * A school merges into one that is registered and still open on the merge date: the absorbed
 * school's history is carried by the target from then on.
 */
function assertMergeTarget(
  target: SchoolState,
  merge: { readonly intoSchoolCode: string; readonly effectiveOn: string },
): void {
  const on = schoolOn(target, merge.effectiveOn);
  const reason =
    target.status === 'unregistered'
      ? 'unknown'
      : on === null
        ? 'not-yet-registered'
        : on.open
          ? null
          : 'closed';
  if (reason !== null) {
    throw new DomainRuleViolation(
      'school.invalid-merge-target',
      `School ${merge.intoSchoolCode} is not a registered, open school on ${merge.effectiveOn}`,
      {
        intoSchoolCode: merge.intoSchoolCode,
        effectiveOn: merge.effectiveOn,
        reason,
      },
    );
  }
}

/** The day a school command speaks about: a change's effective date, a report's school-year start. */
export function schoolCommandDate(command: SchoolCommand): string {
  switch (command.type) {
    case 'RegisterSchool':
      return command.registeredOn;
    case 'ReportSchoolConditions':
    case 'ReportSchoolStaffing':
      return schoolYearStart(command.schoolYear);
    case 'ReclassifySchool':
    case 'MoveSchoolToDistrict':
    case 'MergeSchool':
    case 'CloseSchool':
      return command.effectiveOn;
    default:
      return assertNever(command);
  }
}
