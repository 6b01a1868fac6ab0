import { Args, Query, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '@junheng/identity';
import { AuditReader } from './audit-reader';
import type { AuditPage } from './audit-reader';
import { AuditQuery } from './audit.query';
import { AuditPageType } from './audit.type';

@Resolver()
export class AuditResolver {
  constructor(private readonly reader: AuditReader) {}

  @Query(() => AuditPageType, { description: 'The audit trail within your scope, newest first' })
  @RequirePermission('audit:read')
  auditTrail(@Args() query: AuditQuery): Promise<AuditPage> {
    return this.reader.find(query);
  }
}
