import { Field, InputType } from '@nestjs/graphql';
import { IsBoolean, IsIn, IsString, Length, Matches } from 'class-validator';
import { IsRecordDate } from '../security/instant';
import { ROTATION_KINDS } from '@junheng/domain';
import type { RotationKind } from '@junheng/domain';
import { PersonalIdentifier } from '../security/personal-identifier';

// 居民身份证号: 17 digits and a check digit or X. Validated for shape only; never stored.
const ID_NUMBER = /^\d{17}[\dXx]$/;

/** POST /v1/teacher-rotations and the GraphQL mutation startTeacherRotation. */
@InputType('StartTeacherRotationInput')
export class StartTeacherRotationDto {
  /** Arrives as the ID number; the edge replaces it with its pseudonym before anything else. */
  @Field({ description: "the teacher's ID number (身份证号); only its keyed pseudonym is kept" })
  @PersonalIdentifier('teacher')
  @Matches(ID_NUMBER, { message: 'teacher must be an 18-character ID number' })
  teacher!: string;

  @Field()
  @Matches(/^[1-9]\d{5}$/, { message: 'fromDistrictCode must be a 6-digit county code' })
  fromDistrictCode!: string;

  @Field()
  @Matches(/^\d{10}$/, { message: 'fromSchoolCode must be a 10-digit school code' })
  fromSchoolCode!: string;

  @Field()
  @Matches(/^[1-9]\d{5}$/, { message: 'toDistrictCode must be a 6-digit county code' })
  toDistrictCode!: string;

  @Field()
  @Matches(/^\d{10}$/, { message: 'toSchoolCode must be a 10-digit school code' })
  toSchoolCode!: string;

  @Field(() => String, { description: ROTATION_KINDS.join(' | ') })
  @IsIn(ROTATION_KINDS, { message: `kind must be one of ${ROTATION_KINDS.join(', ')}` })
  kind!: RotationKind;

  @Field()
  @IsString()
  @Length(1, 50)
  subject!: string;

  @Field({ description: '骨干教师: a county-level or higher recognised teacher' })
  @IsBoolean()
  backbone!: boolean;

  @Field({ description: 'YYYY-MM-DD' })
  @IsRecordDate()
  startDate!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsRecordDate()
  plannedEndDate!: string;
}

/** POST /v1/teacher-rotations/end and endTeacherRotation: the identifier stays out of URLs. */
@InputType('EndTeacherRotationInput')
export class EndTeacherRotationDto {
  @Field({ description: "the teacher's ID number (身份证号); only its keyed pseudonym is kept" })
  @PersonalIdentifier('teacher')
  @Matches(ID_NUMBER, { message: 'teacher must be an 18-character ID number' })
  teacher!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsRecordDate()
  endDate!: string;
}
