import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Type } from '@nestjs/common';
import { CommandOutcomeType } from '../commands/command-outcome.type';
import type { ImportKind, ImportReport, RowError } from '../imports/import.service';
import type { FieldError, ProblemDetails } from '../problem-details/problem-types';

// The answers of the REST API as OpenAPI sees them. Request bodies are described by their
// class-validator rules (openapi-document.ts); these are the shapes Junheng sends back.

@ApiSchema({ name: 'FieldError' })
class FieldErrorDocument implements FieldError {
  @ApiProperty({ example: 'attendees' })
  field!: string;

  @ApiProperty({ example: 'attendees must not be less than 1' })
  reason!: string;
}

/** RFC 9457 problem details; docs/api.md lists every `type`. */
export
@ApiSchema({ name: 'ProblemDetails' })
class ProblemDetailsDocument implements ProblemDetails {
  [extension: string]: unknown;

  @ApiProperty({ example: 'urn:junheng:problem:rule:funds.budget-exceeded' })
  type!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty()
  status!: number;

  @ApiPropertyOptional()
  detail?: string;

  @ApiPropertyOptional()
  instance?: string;

  @ApiPropertyOptional()
  correlationId?: string;

  @ApiPropertyOptional({ type: [FieldErrorDocument], description: 'what is wrong, by field' })
  errors?: FieldErrorDocument[];

  @ApiPropertyOptional({ description: 'the domain rule that refused the command' })
  rule?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'the facts that broke the rule, for example `remaining` for a budget',
  })
  facts?: Record<string, unknown>;
}

@ApiSchema({ name: 'RowError' })
class RowErrorDocument implements RowError {
  @ApiProperty({ description: 'row number in the file, the CSV header not counted' })
  row!: number;

  @ApiProperty({ description: 'the problem type a single command would answer' })
  type!: string;

  @ApiPropertyOptional()
  field?: string;

  @ApiPropertyOptional()
  rule?: string;

  @ApiProperty()
  reason!: string;
}

export
@ApiSchema({ name: 'ImportReport' })
class ImportReportDocument implements ImportReport {
  @ApiProperty({ enum: ['student-records', 'fund-allocations'] })
  kind!: ImportKind;

  @ApiProperty()
  rows!: number;

  @ApiProperty({ description: 'rows appended now' })
  accepted!: number;

  @ApiProperty({ description: 'rows imported before under the same row key: nothing appended' })
  unchanged!: number;

  @ApiProperty()
  rejected!: number;

  @ApiProperty({ type: [RowErrorDocument], description: 'every rejected row, in row order' })
  errors!: RowErrorDocument[];

  @ApiProperty({ description: 'true when more than 10,000 errors were found' })
  errorsTruncated!: boolean;

  @ApiProperty({ description: 'the most rows held at once: the import streams' })
  peakRowsInFlight!: number;
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: getSchemaPath('ProblemDetails') } } },
});

/** What can go wrong with any authenticated request. */
const requestProblems = [
  ApiExtraModels(ProblemDetailsDocument),
  ApiBadRequestResponse(problem('the request is not valid')),
  ApiUnauthorizedResponse(problem('credentials are missing or do not verify')),
  ApiForbiddenResponse(
    problem('the role lacks the permission, or the facts are outside the scope'),
  ),
  ApiTooManyRequestsResponse(problem('too many requests')),
  ApiServiceUnavailableResponse(problem('a dependency is unavailable; retry after Retry-After')),
];

const idempotencyKey = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description:
    "the caller's key for this request: the same key with the same body answers the first outcome and appends nothing; with another body it is refused (422 idempotency-key-reused); see docs/api.md",
  schema: { type: 'string', pattern: '^[\\w.:-]{1,200}$' },
});

/** A route that records facts: it answers with the command's outcome. */
export const ApiCommandAnswers = (type: Type<unknown> = CommandOutcomeType): MethodDecorator =>
  applyDecorators(
    idempotencyKey,
    ApiCreatedResponse({
      type,
      description: 'recorded (or the answer to an earlier request with the same key)',
    }),
    ...requestProblems,
    ApiUnsupportedMediaTypeResponse(problem('the body is not application/json')),
    ApiPayloadTooLargeResponse(problem('the body is over 1 MB')),
    ApiConflictResponse(
      problem(
        'the current facts refuse it for now (a used-up budget), the record kept changing, or the first request with this Idempotency-Key is still in flight (Retry-After)',
      ),
    ),
    ApiUnprocessableEntityResponse(
      problem(
        'a domain rule refuses the command, or the Idempotency-Key was used for another request',
      ),
    ),
  );

/** A read route answering `type`. */
export const ApiQueryAnswers = (type: Type<unknown>): MethodDecorator =>
  applyDecorators(ApiOkResponse({ type, description: 'the answer' }), ...requestProblems);

/** The bulk import: a streamed file in, the per-row report out. */
export const ApiImportAnswers = (): MethodDecorator =>
  applyDecorators(
    ApiConsumes('application/x-ndjson', 'text/csv'),
    ApiOkResponse({ type: ImportReportDocument, description: 'the per-row report' }),
    ...requestProblems,
    ApiPayloadTooLargeResponse(
      problem('the body is over JUNHENG_IMPORT_MAX_BYTES (with the report of the rows read)'),
    ),
  );
