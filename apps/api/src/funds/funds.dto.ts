import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsRecordDate } from '../security/instant';
import { ALLOCATION_PURPOSES, PROGRAMME_LEVELS, REPORT_LIMITS } from '@junheng/domain';
import type { AllocationPurpose, ProgrammeLevel } from '@junheng/domain';

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAX_FEN = REPORT_LIMITS.fen;

/** POST /v1/fund-programmes and budgetProgramme. Money is in fen (分), whole numbers. */
@InputType('BudgetProgrammeInput')
export class BudgetProgrammeDto {
  @Field({ description: 'lower-case letters, digits and "-"' })
  @Matches(ID, { message: 'programmeId must be lower-case letters, digits and "-", at most 64' })
  programmeId!: string;

  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field(() => String, { description: PROGRAMME_LEVELS.join(' | ') })
  @IsIn(PROGRAMME_LEVELS, { message: `level must be one of ${PROGRAMME_LEVELS.join(', ')}` })
  level!: ProgrammeLevel;

  @Field({ description: 'the province (2), city (4) or district (6-digit) code that owns it' })
  @Matches(/^\d{2}(\d{2}(\d{2})?)?$/, { message: 'ownerCode must be a 2, 4 or 6-digit code' })
  ownerCode!: string;

  @Field(() => Int)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear!: number;

  @Field(() => Float, { description: 'fen' })
  @IsInt({ message: 'budgetFen must be a whole number of fen' })
  @Min(1)
  @Max(MAX_FEN)
  budgetFen!: number;

  @Field({ description: 'YYYY-MM-DD' })
  @IsRecordDate()
  budgetedOn!: string;
}

/** POST /v1/fund-programmes/allocations and allocateFunds. */
@InputType('AllocateFundsInput')
export class AllocateFundsDto {
  @Field()
  @Matches(ID, { message: 'programmeId must be lower-case letters, digits and "-", at most 64' })
  programmeId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'defaults to one derived from the idempotency key',
  })
  @IsOptional()
  @Matches(ID, { message: 'allocationId must be lower-case letters, digits and "-", at most 64' })
  allocationId?: string;

  @Field()
  @Matches(/^[1-9]\d{5}$/, { message: 'districtCode must be a 6-digit county code' })
  districtCode!: string;

  @Field(() => String, {
    nullable: true,
    description: 'absent when the district itself receives it',
  })
  @IsOptional()
  @Matches(/^\d{10}$/, { message: 'schoolCode must be a 10-digit school code' })
  schoolCode?: string;

  @Field(() => Float, { description: 'fen' })
  @IsInt({ message: 'amountFen must be a whole number of fen' })
  @Min(1)
  @Max(MAX_FEN)
  amountFen!: number;

  @Field(() => String, { description: ALLOCATION_PURPOSES.join(' | ') })
  @IsIn(ALLOCATION_PURPOSES, {
    message: `purpose must be one of ${ALLOCATION_PURPOSES.join(', ')}`,
  })
  purpose!: AllocationPurpose;

  @Field({ description: 'YYYY-MM-DD' })
  @IsRecordDate()
  allocatedOn!: string;
}

/** POST /v1/fund-programmes/revocations and revokeAllocation. */
@InputType('RevokeAllocationInput')
export class RevokeAllocationDto {
  @Field()
  @Matches(ID, { message: 'programmeId must be lower-case letters, digits and "-", at most 64' })
  programmeId!: string;

  @Field()
  @Matches(ID, { message: 'allocationId must be lower-case letters, digits and "-", at most 64' })
  allocationId!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsRecordDate()
  revokedOn!: string;

  @Field()
  @IsString()
  @Length(1, 500)
  reason!: string;
}
