import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { AuditPage } from './audit-reader';
import type { AuditEntry, AuditKind, AuditOutcome } from './audit.repository';

@ApiSchema({ name: 'AuditEntry' })
@ObjectType('AuditEntry')
export class AuditEntryType implements AuditEntry {
  @Field(() => Int)
  @ApiProperty({ type: 'integer' })
  id!: number;

  @Field()
  @ApiProperty({ format: 'date-time' })
  at!: string;

  @Field(() => String)
  @ApiProperty({ enum: ['command', 'query'] })
  kind!: AuditKind;

  @Field()
  @ApiProperty()
  action!: string;

  @Field()
  @ApiProperty()
  method!: string;

  @Field()
  @ApiProperty()
  path!: string;

  @Field({ description: 'HMAC-SHA-256 of the canonical parameters' })
  @ApiProperty({ description: 'HMAC-SHA-256 of the canonical parameters' })
  parametersDigest!: string;

  @Field()
  @ApiProperty()
  callerSubject!: string;

  @Field(() => String, { nullable: true })
  @ApiProperty({ type: String, nullable: true })
  callerRole!: string | null;

  @Field(() => String, { nullable: true })
  @ApiProperty({ type: String, nullable: true })
  callerScope!: string | null;

  @Field(() => String)
  @ApiProperty({ enum: ['accepted', 'answered', 'rejected', 'failed'] })
  outcome!: AuditOutcome;

  @Field(() => Int)
  @ApiProperty({ type: 'integer' })
  status!: number;

  @Field(() => String, { nullable: true })
  @ApiProperty({ type: String, nullable: true })
  problemType!: string | null;

  @Field()
  @ApiProperty()
  correlationId!: string;
}

@ApiSchema({ name: 'AuditPage' })
@ObjectType('AuditPage')
export class AuditPageType implements AuditPage {
  @Field(() => [AuditEntryType])
  @ApiProperty({ type: () => [AuditEntryType] })
  entries!: AuditEntryType[];

  @Field(() => Int, { nullable: true })
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'pass as `before` for the next, older page',
  })
  next!: number | null;
}
