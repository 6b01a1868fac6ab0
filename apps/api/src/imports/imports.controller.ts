import { PassThrough } from 'node:stream';
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
import { ProblemType } from '../problem-details/problem-types';
import { ClientRequestError } from '../security/request-body';
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
  async run(
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
      throw new ClientRequestError(
        415,
        'Send the rows as application/x-ndjson or text/csv',
        ProblemType.unsupportedMediaType,
      );
    }
    // Rows are read as sent: a compressed body would be read as broken lines, not as rows.
    const encoding = (request.header('content-encoding') ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity') {
      throw new ClientRequestError(
        415,
        'Send the rows uncompressed (no Content-Encoding)',
        ProblemType.unsupportedMediaType,
      );
    }
    // Refused before a byte is read when the size is announced; counted as it streams if not.
    const length = Number(request.header('content-length') ?? '0');
    if (length > this.config.importMaxBytes) {
      throw new ImportTooLargeException(this.config.importMaxBytes, null);
    }
    try {
      return await this.imports.run(kind as ImportKind, format, unread(request), context);
    } catch (error) {
      // A streamed body past the limit: the rest is being read and dropped (see unread); the
      // answer waits for its end, or a client that sends everything before it reads would have
      // its connection reset under the answer.
      if (error instanceof ImportTooLargeException && !request.readableEnded) {
        await new Promise<void>((done) => {
          request.once('end', done);
          request.once('close', done);
        });
      }
      throw error;
    }
  }
}

/**
 * The request's body through a stream of its own: an import that stops early (over the size
 * limit) ends that stream, not the request, whose connection must still carry the answer. A
 * client hanging up ends the import.
 */
function unread(request: Request): PassThrough {
  const body = new PassThrough();
  request.on('error', (error) => body.destroy(error));
  request.on('aborted', () => body.destroy(new Error('The client hung up')));
  // Stopped early: read and drop the rest, so the connection closes cleanly after the answer
  // (a socket closed with unread bytes is reset, and the client would lose the answer).
  body.on('close', () => {
    if (request.readableEnded) return;
    request.unpipe(body);
    request.resume();
  });
  return request.pipe(body);
}
