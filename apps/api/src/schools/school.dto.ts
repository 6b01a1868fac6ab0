import { Field, InputType } from '@nestjs/graphql';
import { IsBoolean, IsIn, IsString, Length, Matches } from 'class-validator';
import { SCHOOL_LEVELS, URBAN_RURAL_GROUPS } from '@junheng/domain';
import type { SchoolLevel, UrbanRuralCode } from '@junheng/domain';

const URBAN_RURAL_CODES = Object.keys(URBAN_RURAL_GROUPS);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
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
  @Matches(DATE, { message: 'registeredOn must be YYYY-MM-DD' })
  registeredOn!: string;
}

/** A change to a registered school, effective from a date. */
@InputType('SchoolChangeInput')
export class SchoolChangeDto {
  @Field()
  @Matches(SCHOOL_CODE, { message: 'schoolCode must be a 10-digit school code' })
  schoolCode!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @Matches(DATE, { message: 'effectiveOn must be YYYY-MM-DD' })
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
