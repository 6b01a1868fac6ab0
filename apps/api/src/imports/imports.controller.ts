import {
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import { JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { ImportTooLargeException } from './import.exceptions';
import type { Request } from 'express';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext } from '../commands/aggregate-command.executor';
import { CommandContextOf } from '../commands/command-context.decorator';
import { RequestValidationException } from '../problem-details/request-validation.exception';
import { IMPORT_KINDS, ImportService } from './import.service';
import type { ImportKind, ImportReport } from './import.service';
import { ApiParam } from '@nestjs/swagger';
import { ApiImportAnswers } from '../openapi/api-answers';

/**
 * POST /v1/imports/{student-records | fund-allocations} with an NDJSON (application/x-ndjson)
 * or CSV (text/csv) body, streamed. Answers 200 with the per-row report.
 */
@Controller('v1/imports')
export class ImportsController {
  constructor(
    private readonly imports: ImportService,
    @Inject(JUNHENG_CONFIG) private readonly config: JunhengConfig,
  ) {}

  @Post(':kind')
  @HttpCode(HttpStatus.OK)
  @ApiImportAnswers()
  @ApiParam({ name: 'kind', enum: IMPORT_KINDS })
  @RequirePermission('facts:record')
  run(
    @Param('kind') kind: string,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: Request,
    @CommandContextOf() context: CommandContext,
  ): Promise<ImportReport> {
    if (!(IMPORT_KINDS as readonly string[]).includes(kind)) {
      throw new RequestValidationException([
        { field: 'path.kind', reason: `kind must be one of ${IMPORT_KINDS.join(', ')}` },
      ]);
    }
    const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const format =
      media === 'text/csv' ? 'csv' : media === 'application/x-ndjson' ? 'ndjson' : null;
    if (format === null) {
      throw new RequestValidationException([
        { field: 'header.Content-Type', reason: 'send application/x-ndjson or text/csv' },
      ]);
    }
    // Refused before a byte is read when the size is announced; counted as it streams if not.
    const length = Number(request.header('content-length') ?? '0');
    if (length > this.config.importMaxBytes) {
      throw new ImportTooLargeException(this.config.importMaxBytes, null);
    }
    return this.imports.run(kind as ImportKind, format, request, context);
  }
}
