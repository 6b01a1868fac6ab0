import { Field, Float, InputType, Int } from '@nestjs/graphql';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { IsRecordDate } from '../security/instant';
import { REPORT_LIMITS, SCHOOL_LEVELS, URBAN_RURAL_GROUPS } from '@junheng/domain';
import type { SchoolLevel, UrbanRuralCode } from '@junheng/domain';

const URBAN_RURAL_CODES = Object.keys(URBAN_RURAL_GROUPS);
const SCHOOL_CODE = /^\d{10}$/;
const DISTRICT_CODE = /^[1-9]\d{5}$/;

/** POST /v1/schools and registerSchool. */
@InputType('RegisterSchoolInput')
export class RegisterSchoolDto {
  @Field()
  @Matches(SCHOOL_CODE, { message: 'schoolCode must be a 10-digit school code' })
  schoolCode!: string;

  @Field()
  @IsString()
  @Length(1, 100)
  name!: string;

  @Field()
  @Matches(DISTRICT_CODE, { message: 'districtCode must be a 6-digit county code' })
  districtCode!: string;

  @Field(() => String, { description: URBAN_RURAL_CODES.join(' | ') })
  @IsIn(URBAN_RURAL_CODES, {
    message: `urbanRuralCode must be one of ${URBAN_RURAL_CODES.join(', ')}`,
  })
  urbanRuralCode!: UrbanRuralCode;

  @Field(() => String, { description: SCHOOL_LEVELS.join(' | ') })
  @IsIn(SCHOOL_LEVELS, { message: `level must be one of ${SCHOOL_LEVELS.join(', ')}` })
  level!: SchoolLevel;

  @Field({ description: '薄弱学校' })
  @IsBoolean()
  weak!: boolean;

  @Field({ description: 'YYYY-MM-DD' })
  @IsRecordDate()
  registeredOn!: string;
}

/** A change to a registered school, effective from a date. */
@InputType('SchoolChangeInput')
export class SchoolChangeDto {
  @Field()
  @Matches(SCHOOL_CODE, { message: 'schoolCode must be a 10-digit school code' })
  schoolCode!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsRecordDate()
  effectiveOn!: string;
}

@InputType('ReclassifySchoolInput')
export class ReclassifySchoolDto extends SchoolChangeDto {
  @Field(() => String)
  @IsIn(URBAN_RURAL_CODES, {
    message: `urbanRuralCode must be one of ${URBAN_RURAL_CODES.join(', ')}`,
  })
  urbanRuralCode!: UrbanRuralCode;
}

@InputType('MoveSchoolToDistrictInput')
export class MoveSchoolToDistrictDto extends SchoolChangeDto {
  @Field()
  @Matches(DISTRICT_CODE, { message: 'toDistrictCode must be a 6-digit county code' })
  toDistrictCode!: string;
}

@InputType('MergeSchoolInput')
export class MergeSchoolDto extends SchoolChangeDto {
  @Field()
  @Matches(SCHOOL_CODE, { message: 'intoSchoolCode must be a 10-digit school code' })
  intoSchoolCode!: string;
}

@InputType('CloseSchoolInput')
export class CloseSchoolDto extends SchoolChangeDto {}

/** Common to the annual reports: the school and its school year (学年, 2024 = 2024-09..2025-08). */
@InputType({ isAbstract: true })
class SchoolReportDto {
  @Field()
  @Matches(SCHOOL_CODE, { message: 'schoolCode must be a 10-digit school code' })
  schoolCode!: string;

  @Field(() => Int)
  @IsInt()
  @Min(2000)
  @Max(2100)
  schoolYear!: number;

  @Field({ description: 'YYYY-MM-DD' })
  @IsRecordDate()
  reportedOn!: string;
}

const count = { message: 'must be a whole number, zero or more' };

/** POST /v1/schools/conditions-reports and reportSchoolConditions (办学条件). */
@InputType('ReportSchoolConditionsInput')
export class ReportSchoolConditionsDto extends SchoolReportDto {
  @Field(() => Int) @IsInt(count) @Min(0) @Max(REPORT_LIMITS.enrolment) primaryEnrolment!: number;
  @Field(() => Int) @IsInt(count) @Min(0) @Max(REPORT_LIMITS.enrolment) juniorEnrolment!: number;
  @Field(() => Float, { description: 'teaching and auxiliary floor area, m²' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(REPORT_LIMITS.areaM2)
  teachingAuxiliaryAreaM2!: number;
  @Field(() => Float, { description: 'm²' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(REPORT_LIMITS.areaM2)
  sportsAreaM2!: number;
  @Field(() => Float, { description: 'yuan' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(REPORT_LIMITS.equipmentYuan)
  equipmentValueYuan!: number;
  @Field(() => Int) @IsInt(count) @Min(0) @Max(REPORT_LIMITS.computers) computers!: number;
  @Field(() => Int) @IsInt(count) @Min(0) @Max(REPORT_LIMITS.books) books!: number;
  @Field(() => Int)
  @IsInt(count)
  @Min(0)
  @Max(REPORT_LIMITS.classrooms)
  networkedMultimediaClassrooms!: number;
}

/** POST /v1/schools/staffing-reports and reportSchoolStaffing (师资). */
@InputType('ReportSchoolStaffingInput')
export class ReportSchoolStaffingDto extends SchoolReportDto {
  @Field(() => Int) @IsInt(count) @Min(0) @Max(REPORT_LIMITS.teachers) fullTimeTeachers!: number;
  @Field(() => Int)
  @IsInt(count)
  @Min(0)
  @Max(REPORT_LIMITS.teachers)
  aboveQualificationTeachers!: number;
  @Field(() => Int, { description: 'intermediate title or higher' })
  @IsInt(count)
  @Min(0)
  @Max(REPORT_LIMITS.teachers)
  intermediateTitleTeachers!: number;
  @Field(() => Int, { description: '骨干教师' })
  @IsInt(count)
  @Min(0)
  @Max(REPORT_LIMITS.teachers)
  backboneTeachers!: number;
  @Field(() => Int) @IsInt(count) @Min(0) @Max(REPORT_LIMITS.teachers) peArtsTeachers!: number;
  @Field(() => Int)
  @IsInt(count)
  @Min(0)
  @Max(REPORT_LIMITS.teachers)
  rotationEligibleTeachers!: number;
}
