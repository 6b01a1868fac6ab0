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
}

export interface CloseSchool {
  readonly type: 'CloseSchool';
  readonly schoolCode: string;
  readonly effectiveOn: string;
}

export type SchoolCommand =
  RegisterSchool | ReclassifySchool | MoveSchoolToDistrict | MergeSchool | CloseSchool;
