import { Field, InputType, Int } from '@nestjs/graphql';
import { IsIn, IsInt, Matches, Max, Min } from 'class-validator';
import { IsRecordDate } from '../security/instant';
import { DROPOUT_REASONS, ENTRY_KINDS, RETURN_MEANS, RISK_REASONS } from '@junheng/domain';
import type { DropoutReason, EntryKind, ReturnMeans, RiskReason } from '@junheng/domain';
import { PersonalIdentifier } from '../security/personal-identifier';

// 全国学籍号: G (or L, J) and an ID number, or the ID number alone. Shape only; never stored.
export const STUDENT_NUMBER = /^[GLJglj]?\d{17}[\dXx]$/;

/** What every student fact carries: who (pseudonymised at the edge), where, when. */
@InputType({ isAbstract: true })
export class StudentFactDto {
  @Field({ description: "the student's 学籍号; only its keyed pseudonym is kept" })
  @PersonalIdentifier('student')
  @Matches(STUDENT_NUMBER, { message: 'student must be a 学籍号 (G + 18-character ID number)' })
  student!: string;

  @Field({ description: 'the school reporting: where the student is, or enrols, or returns' })
  @Matches(/^\d{10}$/, { message: 'schoolCode must be a 10-digit school code' })
  schoolCode!: string;

  @Field()
  @Matches(/^[1-9]\d{5}$/, { message: 'districtCode must be a 6-digit county code' })
  districtCode!: string;

  @Field({ description: 'YYYY-MM-DD, the day it happened' })
  @IsRecordDate()
  date!: string;
}

@InputType('EnrolStudentInput')
export class EnrolStudentDto extends StudentFactDto {
  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(9)
  grade!: number;

  @Field(() => String, { description: ENTRY_KINDS.join(' | ') })
  @IsIn(ENTRY_KINDS, { message: `entry must be one of ${ENTRY_KINDS.join(', ')}` })
  entry!: EntryKind;
}

@InputType('TransferStudentInput')
export class TransferStudentDto extends StudentFactDto {
  @Field()
  @Matches(/^\d{10}$/, { message: 'toSchoolCode must be a 10-digit school code' })
  toSchoolCode!: string;

  @Field()
  @Matches(/^[1-9]\d{5}$/, { message: 'toDistrictCode must be a 6-digit county code' })
  toDistrictCode!: string;
}

@InputType('DropOutStudentInput')
export class DropOutStudentDto extends StudentFactDto {
  @Field(() => String, { description: DROPOUT_REASONS.join(' | ') })
  @IsIn(DROPOUT_REASONS, { message: `reason must be one of ${DROPOUT_REASONS.join(', ')}` })
  reason!: DropoutReason;
}

@InputType('ReturnStudentInput')
export class ReturnStudentDto extends StudentFactDto {
  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(9)
  grade!: number;

  @Field(() => String, { description: RETURN_MEANS.join(' | ') })
  @IsIn(RETURN_MEANS, { message: `means must be one of ${RETURN_MEANS.join(', ')}` })
  means!: ReturnMeans;
}

@InputType('RepeatGradeInput')
export class RepeatGradeDto extends StudentFactDto {
  @Field(() => Int, { description: 'the grade kept: the one the student was in last year' })
  @IsInt()
  @Min(1)
  @Max(9)
  grade!: number;
}

@InputType('SkipGradeInput')
export class SkipGradeDto extends StudentFactDto {
  @Field(() => Int, { description: 'the grade skipped into: the next one' })
  @IsInt()
  @Min(1)
  @Max(9)
  grade!: number;
}

@InputType('FlagStudentAtRiskInput')
export class FlagStudentAtRiskDto extends StudentFactDto {
  @Field(() => String, { description: RISK_REASONS.join(' | ') })
  @IsIn(RISK_REASONS, { message: `reason must be one of ${RISK_REASONS.join(', ')}` })
  reason!: RiskReason;
}

@InputType('SuspendStudentInput')
export class SuspendStudentDto extends StudentFactDto {}
@InputType('ResumeStudentInput')
export class ResumeStudentDto extends StudentFactDto {}
@InputType('GraduateStudentInput')
export class GraduateStudentDto extends StudentFactDto {}
@InputType('RecordStudentDeathInput')
export class RecordStudentDeathDto extends StudentFactDto {}
@InputType('ClearStudentRiskInput')
export class ClearStudentRiskDto extends StudentFactDto {}

/** Rows of the 学籍 annual rollover export (import kind `student-rollover`). */
export class RolloverGradeDto extends StudentFactDto {
  @IsInt()
  @Min(1)
  @Max(9)
  grade!: number;
}
export class RolloverDepartureDto extends StudentFactDto {}
