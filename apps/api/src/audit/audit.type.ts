import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { AuditPage } from './audit-reader';
import type { AuditEntry, AuditKind, AuditOutcome } from './audit.repository';

@ObjectType('AuditEntry')
export class AuditEntryType implements AuditEntry {
  @Field(() => Int)
  id!: number;

  @Field()
  at!: string;

  @Field(() => String)
  kind!: AuditKind;

  @Field()
  action!: string;

  @Field()
  method!: string;

  @Field()
  path!: string;

  @Field({ description: 'HMAC-SHA-256 of the canonical parameters' })
  parametersDigest!: string;

  @Field()
  callerSubject!: string;

  @Field(() => String, { nullable: true })
  callerRole!: string | null;

  @Field(() => String, { nullable: true })
  callerScope!: string | null;

  @Field(() => String)
  outcome!: AuditOutcome;

  @Field(() => Int)
  status!: number;

  @Field(() => String, { nullable: true })
  problemType!: string | null;

  @Field()
  correlationId!: string;
}

@ObjectType('AuditPage')
export class AuditPageType implements AuditPage {
  @Field(() => [AuditEntryType])
  entries!: AuditEntryType[];

  @Field(() => Int, { nullable: true })
  next!: number | null;
}
