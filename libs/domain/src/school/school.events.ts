import type { ReportSchoolConditions, ReportSchoolStaffing } from './school.commands';
import type { SchoolLevel, UrbanRuralCode } from './school.types';

export interface SchoolRegistered {
  readonly type: 'SchoolRegistered';
  readonly schemaVersion: 1;
  readonly data: {
    readonly schoolCode: string;
    readonly name: string;
    readonly districtCode: string;
    readonly urbanRuralCode: UrbanRuralCode;
    readonly level: SchoolLevel;
    /** 薄弱学校: designated for support. */
    readonly weak: boolean;
    readonly registeredOn: string;
  };
}

/** The statistical urban-rural code changed (a village became part of a town, …). */
export interface SchoolReclassified {
  readonly type: 'SchoolReclassified';
  readonly schemaVersion: 1;
  readonly data: {
    readonly schoolCode: string;
    readonly urbanRuralCode: UrbanRuralCode;
    readonly effectiveOn: string;
  };
}

/** The school came under another county (an administrative re-division). */
export interface SchoolMovedDistrict {
  readonly type: 'SchoolMovedDistrict';
  readonly schemaVersion: 1;
  readonly data: {
    readonly schoolCode: string;
    readonly fromDistrictCode: string;
    readonly toDistrictCode: string;
    readonly effectiveOn: string;
  };
}

/** 撤并: merged into another school (seed 001 closes nine small schools this way). */
export interface SchoolMerged {
  readonly type: 'SchoolMerged';
  readonly schemaVersion: 1;
  readonly data: {
    readonly schoolCode: string;
    readonly intoSchoolCode: string;
    readonly effectiveOn: string;
  };
}

export interface SchoolClosed {
  readonly type: 'SchoolClosed';
  readonly schemaVersion: 1;
  readonly data: { readonly schoolCode: string; readonly effectiveOn: string };
}

/** A report for a school year; a later report of the same year supersedes it (a correction). */
export interface SchoolConditionsReported {
  readonly type: 'SchoolConditionsReported';
  readonly schemaVersion: 1;
  readonly data: Omit<ReportSchoolConditions, 'type'> & { readonly districtCode: string };
}

export interface SchoolStaffingReported {
  readonly type: 'SchoolStaffingReported';
  readonly schemaVersion: 1;
  readonly data: Omit<ReportSchoolStaffing, 'type'> & { readonly districtCode: string };
}

export type SchoolEvent =
  | SchoolRegistered
  | SchoolReclassified
  | SchoolMovedDistrict
  | SchoolMerged
  | SchoolClosed
  | SchoolConditionsReported
  | SchoolStaffingReported;
