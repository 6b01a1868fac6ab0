import { Controller, Get, Query } from '@nestjs/common';
import { RequirePermission } from '@junheng/identity';
import { AuditReader } from './audit-reader';
import type { AuditPage } from './audit-reader';
import { AuditQuery } from './audit.query';
import { ApiQueryAnswers } from '../openapi/api-answers';
import { AuditPageType } from './audit.type';

@Controller('v1/audit')
export class AuditController {
  constructor(private readonly reader: AuditReader) {}

  @Get()
  @ApiQueryAnswers(AuditPageType)
  @RequirePermission('audit:read')
  find(@Query() query: AuditQuery): Promise<AuditPage> {
    return this.reader.find(query);
  }
}
