import type { SchoolState } from './school.decider';
import type { SchoolLevel, UrbanRuralCode } from './school.types';

export interface RegisterSchool {
  readonly type: 'RegisterSchool';
  readonly schoolCode: string;
  readonly name: string;
  readonly districtCode: string;
  readonly urbanRuralCode: UrbanRuralCode;
  readonly level: SchoolLevel;
  readonly weak: boolean;
  readonly registeredOn: string;
}

export interface ReclassifySchool {
  readonly type: 'ReclassifySchool';
  readonly schoolCode: string;
  readonly urbanRuralCode: UrbanRuralCode;
  readonly effectiveOn: string;
}

export interface MoveSchoolToDistrict {
  readonly type: 'MoveSchoolToDistrict';
  readonly schoolCode: string;
  readonly toDistrictCode: string;
  readonly effectiveOn: string;
}

export interface MergeSchool {
  readonly type: 'MergeSchool';
  readonly schoolCode: string;
  readonly intoSchoolCode: string;
  readonly effectiveOn: string;
  /**
   * What is recorded about the school merged into, read from its own stream before the
   * decision: the decider judges whether it can take the merged school's history on that day.
   */
  readonly intoSchool: SchoolState;
}

export interface CloseSchool {
  readonly type: 'CloseSchool';
  readonly schoolCode: string;
  readonly effectiveOn: string;
}

/** The annual conditions report (办学条件): what the difference coefficients are computed from. */
export interface ReportSchoolConditions {
  readonly type: 'ReportSchoolConditions';
  readonly schoolCode: string;
  /** 学年: 2024 is 2024-09-01 to 2025-08-31. */
  readonly schoolYear: number;
  readonly reportedOn: string;
  readonly primaryEnrolment: number;
  readonly juniorEnrolment: number;
  readonly teachingAuxiliaryAreaM2: number;
  readonly sportsAreaM2: number;
  readonly equipmentValueYuan: number;
  readonly computers: number;
  readonly books: number;
  readonly networkedMultimediaClassrooms: number;
}

/** The annual staffing report (师资). Every count is a subset of the full-time teachers. */
export interface ReportSchoolStaffing {
  readonly type: 'ReportSchoolStaffing';
  readonly schoolCode: string;
  readonly schoolYear: number;
  readonly reportedOn: string;
  readonly fullTimeTeachers: number;
  readonly aboveQualificationTeachers: number;
  readonly intermediateTitleTeachers: number;
  readonly backboneTeachers: number;
  readonly peArtsTeachers: number;
  readonly rotationEligibleTeachers: number;
}

export type SchoolReport = ReportSchoolConditions | ReportSchoolStaffing;

export type SchoolCommand =
  | RegisterSchool
  | ReclassifySchool
  | MoveSchoolToDistrict
  | MergeSchool
  | CloseSchool
  | ReportSchoolConditions
  | ReportSchoolStaffing;
