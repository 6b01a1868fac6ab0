import type { StudentLevel } from './school-stages';
import type { DropoutReason, EntryKind, ReturnMeans, RiskReason } from './student.types';

/**
 * Where and in which class an event happened: the school (and its district that day) the
 * student was at, and the grade they were in on that day — promotion on 1 September included,
 * so no event keeps a grade the student has left (schema 2; schema 1 kept the entry grade).
 */
interface AtSchool {
  readonly student: string;
  readonly schoolCode: string;
  readonly districtCode: string;
  readonly date: string;
  /** The grade on `date`. */
  readonly grade: number;
  /** The level the student is in (a nine-year school holds both). */
  readonly level: StudentLevel;
  /** The level's last grade under the province's school system (6 or 5 in primary, 9). */
  readonly finalGrade: number;
  /**
   * The class (届) the student is in: the school year it entered the level's first grade. A
   * repeat moves the student to the next class, a skip to the one before.
   */
  readonly cohort: number;
  /** The class the student was in when they entered the level; repeats and skips keep it. */
  readonly entryCohort: number;
}

/** Schema versions are per type: the types that existed before promotion are at 2. */
type StudentEventOf<Type extends string, Extra = object, Version extends number = 2> = {
  readonly type: Type;
  readonly schemaVersion: Version;
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
  {
    readonly means: ReturnMeans;
    readonly droppedOutOn: string;
    readonly daysOut: number;
    /** The class the student was in when they dropped out (a return a year on is in the next). */
    readonly fromCohort: number;
  }
>;
export type StudentSuspended = StudentEventOf<'StudentSuspended'>;
export type StudentResumed = StudentEventOf<'StudentResumed'>;
/** 留级: `grade` is the grade kept (last year's), `fromCohort` the class the student leaves. */
export type StudentRepeatedGrade = StudentEventOf<
  'StudentRepeatedGrade',
  { readonly fromGrade: number; readonly fromCohort: number },
  1
>;
/** 跳级: `grade` is the grade skipped into (the next one), `fromCohort` the class left. */
export type StudentSkippedGrade = StudentEventOf<
  'StudentSkippedGrade',
  { readonly fromGrade: number; readonly fromCohort: number },
  1
>;
export type StudentGraduated = StudentEventOf<'StudentGraduated'>;
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
  | StudentRepeatedGrade
  | StudentSkippedGrade
  | StudentGraduated
  | StudentDeceased
  | StudentFlaggedAtRisk
  | StudentRiskCleared;
