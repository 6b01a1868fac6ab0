import type { SchoolLevel } from '../school/school.types';
import type { DropoutReason, EntryKind, ReturnMeans, RiskReason } from './student.types';

/** Every student command names the school reporting it: where the student is (or enrols). */
interface StudentCommandBase {
  readonly student: string;
  readonly schoolCode: string;
  readonly districtCode: string;
  /** The day it happened. */
  readonly date: string;
}

export interface EnrolStudent extends StudentCommandBase {
  readonly type: 'EnrolStudent';
  readonly grade: number;
  readonly entry: EntryKind;
  /** What the school teaches, from its registration (the api reads it): the grade must be in it. */
  readonly schoolLevel?: SchoolLevel;
}
export interface TransferStudent extends StudentCommandBase {
  readonly type: 'TransferStudent';
  readonly toSchoolCode: string;
  readonly toDistrictCode: string;
  /** What the receiving school teaches (the api reads it): the student's grade must be in it. */
  readonly toSchoolLevel?: SchoolLevel;
}
export interface DropOutStudent extends StudentCommandBase {
  readonly type: 'DropOutStudent';
  readonly reason: DropoutReason;
}
export interface ReturnStudent extends StudentCommandBase {
  readonly type: 'ReturnStudent';
  readonly grade: number;
  readonly means: ReturnMeans;
  /** What the school teaches (the api reads it): the grade returned into must be in it. */
  readonly schoolLevel?: SchoolLevel;
}
export interface SuspendStudent extends StudentCommandBase {
  readonly type: 'SuspendStudent';
}
export interface ResumeStudent extends StudentCommandBase {
  readonly type: 'ResumeStudent';
}
/** 留级: the student stays this school year in `grade`, the grade of the year before. */
export interface RepeatGrade extends StudentCommandBase {
  readonly type: 'RepeatGrade';
  readonly grade: number;
  /** A row of the 学籍 rollover export: the same repeat already recorded is confirmed, not refused. */
  readonly asExported?: boolean;
}
/** 跳级: the student moves on to `grade`, the next grade, from `date`. */
export interface SkipGrade extends StudentCommandBase {
  readonly type: 'SkipGrade';
  readonly grade: number;
}
export interface GraduateStudent extends StudentCommandBase {
  readonly type: 'GraduateStudent';
  /** The grade the reporter believes the student graduates from (the rollover export's). */
  readonly grade?: number;
  /**
   * A row of the 学籍 rollover export: a graduation from this school already recorded (one by
   * one, or by the class graduation) is confirmed, not refused.
   */
  readonly asExported?: boolean;
}
/**
 * The 学籍 rollover export's "promoted" row: records nothing, but refuses when the grade the
 * facts give for the day is not the one the export states.
 */
export interface ConfirmGrade extends StudentCommandBase {
  readonly type: 'ConfirmGrade';
  readonly grade: number;
}
/**
 * The rollover export's "left" row: records nothing, but refuses when the student is still on
 * the school's register (the transfer, dropout or death was never reported).
 */
export interface ConfirmDeparture extends StudentCommandBase {
  readonly type: 'ConfirmDeparture';
}
export interface RecordStudentDeath extends StudentCommandBase {
  readonly type: 'RecordStudentDeath';
}
export interface FlagStudentAtRisk extends StudentCommandBase {
  readonly type: 'FlagStudentAtRisk';
  readonly reason: RiskReason;
}
export interface ClearStudentRisk extends StudentCommandBase {
  readonly type: 'ClearStudentRisk';
}

export type StudentCommand =
  | EnrolStudent
  | TransferStudent
  | DropOutStudent
  | ReturnStudent
  | SuspendStudent
  | ResumeStudent
  | RepeatGrade
  | SkipGrade
  | GraduateStudent
  | ConfirmGrade
  | ConfirmDeparture
  | RecordStudentDeath
  | FlagStudentAtRisk
  | ClearStudentRisk;
