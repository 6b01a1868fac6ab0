import { Field, InputType } from '@nestjs/graphql';
import { ArrayMinSize, IsArray, IsIn, IsString, Length, Matches } from 'class-validator';
import { IsRecordDate } from '../security/instant';
import { SUPPORT_FORMS } from '@junheng/domain';
import type { SupportForm } from '@junheng/domain';

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** POST /v1/pairings and establishPairing (结对帮扶). */
@InputType('EstablishPairingInput')
export class EstablishPairingDto {
  @Field()
  @Matches(ID, { message: 'pairingId must be lower-case letters, digits and "-", at most 64' })
  pairingId!: string;

  @Field({ description: 'the programme it belongs to, e.g. 百校扶百校' })
  @IsString()
  @Length(1, 200)
  programme!: string;

  @Field()
  @Matches(/^\d{10}$/, { message: 'supportingSchoolCode must be a 10-digit school code' })
  supportingSchoolCode!: string;

  @Field()
  @Matches(/^[1-9]\d{5}$/, { message: 'supportingDistrictCode must be a 6-digit county code' })
  supportingDistrictCode!: string;

  @Field()
  @Matches(/^\d{10}$/, { message: 'receivingSchoolCode must be a 10-digit school code' })
  receivingSchoolCode!: string;

  @Field()
  @Matches(/^[1-9]\d{5}$/, { message: 'receivingDistrictCode must be a 6-digit county code' })
  receivingDistrictCode!: string;

  @Field(() => [String], { description: SUPPORT_FORMS.join(' | ') })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(SUPPORT_FORMS, { each: true, message: `forms are some of ${SUPPORT_FORMS.join(', ')}` })
  forms!: SupportForm[];

  @Field({ description: 'YYYY-MM-DD' })
  @IsRecordDate()
  startDate!: string;

  @Field({ description: 'YYYY-MM-DD, planned' })
  @IsRecordDate()
  endDate!: string;
}

/** POST /v1/pairings/endings and endPairing. */
@InputType('EndPairingInput')
export class EndPairingDto {
  @Field()
  @Matches(ID, { message: 'pairingId must be lower-case letters, digits and "-", at most 64' })
  pairingId!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsRecordDate()
  endedOn!: string;

  @Field()
  @IsString()
  @Length(1, 500)
  reason!: string;
}
