import type { DropoutReason, EntryKind, ReturnMeans, RiskReason } from './student.types';

/** Where an event happened: the school (and its district that day) the student was at. */
interface AtSchool {
  readonly student: string;
  readonly schoolCode: string;
  readonly districtCode: string;
  readonly grade: number;
  readonly date: string;
}

type StudentEventOf<Type extends string, Extra = object> = {
  readonly type: Type;
  readonly schemaVersion: 1;
  readonly data: AtSchool & Extra;
};

export type StudentEnrolled = StudentEventOf<'StudentEnrolled', { readonly entry: EntryKind }>;
export type StudentTransferred = StudentEventOf<
  'StudentTransferred',
  { readonly toSchoolCode: string; readonly toDistrictCode: string }
>;
export type StudentDroppedOut = StudentEventOf<
  'StudentDroppedOut',
  { readonly reason: DropoutReason }
>;
export type StudentReturned = StudentEventOf<
  'StudentReturned',
  { readonly means: ReturnMeans; readonly droppedOutOn: string; readonly daysOut: number }
>;
export type StudentSuspended = StudentEventOf<'StudentSuspended'>;
export type StudentResumed = StudentEventOf<'StudentResumed'>;
export type StudentGraduated = StudentEventOf<
  'StudentGraduated',
  { readonly level: 'primary' | 'junior' }
>;
export type StudentDeceased = StudentEventOf<'StudentDeceased'>;
export type StudentFlaggedAtRisk = StudentEventOf<
  'StudentFlaggedAtRisk',
  { readonly reason: RiskReason }
>;
export type StudentRiskCleared = StudentEventOf<'StudentRiskCleared'>;

export type StudentEvent =
  | StudentEnrolled
  | StudentTransferred
  | StudentDroppedOut
  | StudentReturned
  | StudentSuspended
  | StudentResumed
  | StudentGraduated
  | StudentDeceased
  | StudentFlaggedAtRisk
  | StudentRiskCleared;
