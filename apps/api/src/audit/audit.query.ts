import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IntegerFromText } from '../security/integer-from-text';
import { IsBoundedInstant } from '../security/instant';
import type { AuditKind, AuditOutcome } from './audit.repository';

/** GET /v1/audit and the GraphQL query auditTrail: filters, newest first, paged by `before`. */
@ArgsType()
export class AuditQuery {
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  caller?: string;

  @Field(() => String, { nullable: true, description: 'command | query' })
  @IsOptional()
  @IsIn(['command', 'query'])
  kind?: AuditKind;

  @Field(() => String, { nullable: true, description: 'accepted | answered | rejected | failed' })
  @IsOptional()
  @IsIn(['accepted', 'answered', 'rejected', 'failed'])
  outcome?: AuditOutcome;

  @Field({ nullable: true, description: 'ISO 8601, inclusive' })
  @IsOptional()
  @IsBoundedInstant()
  from?: string;

  @Field({ nullable: true, description: 'ISO 8601, exclusive' })
  @IsOptional()
  @IsBoundedInstant()
  to?: string;

  @Field(() => Int, { nullable: true, description: 'the `next` of the previous page' })
  @IsOptional()
  @IntegerFromText()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  before?: number;

  @Field(() => Int, { nullable: true, description: '1 to 1000, default 100' })
  @IsOptional()
  @IntegerFromText()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
