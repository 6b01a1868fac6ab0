import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainRuleViolation } from '@junheng/domain';
import { EventStoreErrorCode, EventStoreException } from '@junheng/event-store';
import type { IdentitySecrets } from '@junheng/identity';
import { JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { ScopeViolation } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { FundProgrammeCommandMessage } from '../funds/fund-programme.command';
import { AllocateFundsDto } from '../funds/funds.dto';
import { ProblemType } from '../problem-details/problem-types';
import { RequestValidationException } from '../problem-details/request-validation.exception';
import { EdgePipe } from '../security/edge.pipe';
import { IDENTITY_SECRETS } from '../security/security.tokens';
import { StudentCommandMessage } from '../students/student.command';
import {
  ClearStudentRiskDto,
  DropOutStudentDto,
  EnrolStudentDto,
  FlagStudentAtRiskDto,
  GraduateStudentDto,
  RecordStudentDeathDto,
  RepeatGradeDto,
  RolloverDepartureDto,
  RolloverGradeDto,
  ResumeStudentDto,
  ReturnStudentDto,
  SkipGradeDto,
  SuspendStudentDto,
  TransferStudentDto,
} from '../students/student.dto';
import { canonicalJson } from '../commands/canonical-json';
import { IDEMPOTENCY_KEY_RULE, isIdempotencyKey } from '../commands/command-context.decorator';
import { ImportHeaderError, ImportTooLargeError, atMost, importRows } from './import-rows';
import { ImportTooLargeException } from './import.exceptions';
import type { ImportFormat } from './import-rows';

export const IMPORT_KINDS = ['student-records', 'student-rollover', 'fund-allocations'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

type Dto = new () => object;

/** 学籍-style rows: the `event` column says which fact a row is. */
const STUDENT_EVENTS: Record<string, readonly [Dto, StudentCommandMessage['command']['type']]> = {
  enrolment: [EnrolStudentDto, 'EnrolStudent'],
  transfer: [TransferStudentDto, 'TransferStudent'],
  dropout: [DropOutStudentDto, 'DropOutStudent'],
  return: [ReturnStudentDto, 'ReturnStudent'],
  suspension: [SuspendStudentDto, 'SuspendStudent'],
  resumption: [ResumeStudentDto, 'ResumeStudent'],
  repeat: [RepeatGradeDto, 'RepeatGrade'],
  skip: [SkipGradeDto, 'SkipGrade'],
  graduation: [GraduateStudentDto, 'GraduateStudent'],
  death: [RecordStudentDeathDto, 'RecordStudentDeath'],
  'risk-flag': [FlagStudentAtRiskDto, 'FlagStudentAtRisk'],
  'risk-clearance': [ClearStudentRiskDto, 'ClearStudentRisk'],
};

/**
 * The 学籍 annual rollover export, one row per student and `outcome`: promoted (checked against
 * the grade the facts give — promotion itself is never recorded), repeated (a repeat), graduated
 * (a graduation, its grade checked), left (checked: a student still on the school's register is
 * an error, the departure was never reported). A checked row records nothing.
 */
const ROLLOVER_OUTCOMES: Record<string, readonly [Dto, StudentCommandMessage['command']['type']]> =
  {
    promoted: [RolloverGradeDto, 'ConfirmGrade'],
    repeated: [RepeatGradeDto, 'RepeatGrade'],
    graduated: [RolloverGradeDto, 'GraduateStudent'],
    left: [RolloverDepartureDto, 'ConfirmDeparture'],
  };

export interface RowError {
  readonly row: number;
  /** The problem type, as a single command would answer it. */
  readonly type: string;
  readonly field?: string;
  readonly rule?: string;
  readonly reason: string;
}

export interface ImportReport {
  readonly kind: ImportKind;
  readonly rows: number;
  /** Rows appended now. */
  readonly accepted: number;
  /** Rows already imported before (same row key): nothing appended. */
  readonly unchanged: number;
  readonly rejected: number;
  /** Every rejected row's reasons, in row order (at most MAX_LISTED_ERRORS). */
  readonly errors: readonly RowError[];
  readonly errorsTruncated: boolean;
  /** The most rows held at once: the import streams, whatever the file's size. */
  readonly peakRowsInFlight: number;
}

/** Store refusals that concern one row, not the import: they go in the row's report. */
const ROW_ERROR_TYPES: Partial<Record<EventStoreErrorCode, string>> = {
  [EventStoreErrorCode.WrongExpectedVersion]: ProblemType.concurrencyConflict,
  [EventStoreErrorCode.IdempotencyKeyReused]: ProblemType.idempotencyKeyReused,
  [EventStoreErrorCode.IdempotencyKeyInFlight]: ProblemType.idempotencyKeyInFlight,
};

const ROWS_IN_FLIGHT = 16;
const MAX_LISTED_ERRORS = 10_000;

/**
 * Bulk import: rows are read as they arrive, validated and pseudonymised by the same edge as
 * single commands, and dispatched as the same commands, a bounded number at a time. Valid rows
 * are appended, invalid ones reported with row, field and reason. Each row's idempotency key is
 * its `rowKey` column or, without one, its content: re-sending a file changes nothing.
 */
@Injectable()
export class ImportService {
  private readonly edge: EdgePipe;

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(IDENTITY_SECRETS) secrets: IdentitySecrets,
    @Inject(JUNHENG_CONFIG) private readonly config: JunhengConfig,
  ) {
    this.edge = new EdgePipe(secrets);
  }

  async run(
    kind: ImportKind,
    format: ImportFormat,
    body: AsyncIterable<Buffer | string>,
    context: CommandContext,
  ): Promise<ImportReport> {
    const errors: RowError[] = [];
    let rows = 0;
    let accepted = 0;
    let unchanged = 0;
    let rejectedRows = 0;
    let errorsTruncated = false;
    let peak = 0;
    const inFlight = new Set<Promise<void>>();
    const streams = new Map<string, Promise<void>>();
    const reject = (rowErrors: RowError[]): void => {
      rejectedRows += 1;
      for (const error of rowErrors) {
        if (errors.length < MAX_LISTED_ERRORS) errors.push(error);
        else errorsTruncated = true;
      }
    };
    // Fund allocations share their programme's stream: one at a time, or they only collide.
    const limit = kind === 'fund-allocations' ? 1 : ROWS_IN_FLIGHT;
    const failures: Error[] = [];

    let tooLarge: ImportTooLargeError | null = null;
    try {
      for await (const parsed of importRows(
        atMost(body, this.config.importMaxBytes),
        format,
        this.config.importMaxLineBytes,
      )) {
        if (failures.length > 0) break;
        rows += 1;
        if ('malformed' in parsed) {
          reject([
            { row: parsed.row, type: ProblemType.malformedRequest, reason: parsed.malformed },
          ]);
          continue;
        }
        // Rows about the same student (or programme) keep their order: each waits for the
        // previous row of its stream; rows of different streams run side by side.
        const streamKey = streamKeyOf(parsed.value, parsed.row);
        const previous = streams.get(streamKey) ?? Promise.resolve();
        const task = previous
          .then(() => this.importRow(kind, format, parsed.row, parsed.value, context))
          .then((outcome) => {
            if ('errors' in outcome) reject(outcome.errors);
            // A replay, or a checked rollover row: nothing new recorded.
            else if (outcome.replayed || outcome.eventIds.length === 0) unchanged += 1;
            else accepted += 1;
          })
          .catch((error: unknown) => {
            failures.push(
              error instanceof Error ? error : new Error('The import failed', { cause: error }),
            );
          });
        streams.set(streamKey, task);
        void task.then(() => {
          if (streams.get(streamKey) === task) streams.delete(streamKey);
        });
        const tracked = task.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
        peak = Math.max(peak, inFlight.size);
        if (inFlight.size >= limit) await Promise.race(inFlight);
      }
    } catch (error) {
      if (error instanceof ImportHeaderError) {
        throw new RequestValidationException([{ field: 'body', reason: error.message }]);
      }
      if (!(error instanceof ImportTooLargeError)) throw error;
      tooLarge = error;
    }
    await Promise.all(inFlight);
    // Something other than a bad row (the database went away): the import stops, and whatever
    // was appended stays — re-sending the file completes it without doubling anything.
    if (failures[0] !== undefined) throw failures[0];
    errors.sort((a, b) => a.row - b.row);
    const report: ImportReport = {
      kind,
      rows,
      accepted,
      unchanged,
      rejected: rejectedRows,
      errors,
      errorsTruncated,
      peakRowsInFlight: peak,
    };
    // The rows read before the limit are imported and reported; the rest were never read.
    if (tooLarge !== null) throw new ImportTooLargeException(tooLarge.maxBytes, report);
    return report;
  }

  private async importRow(
    kind: ImportKind,
    format: ImportFormat,
    row: number,
    value: Record<string, unknown>,
    context: CommandContext,
  ): Promise<CommandOutcome | { errors: RowError[] }> {
    const rollover = kind === 'student-rollover';
    // The row's kind: `event` in a student-records file, `outcome` in a rollover export.
    const { rowKey, [rollover ? 'outcome' : 'event']: event, ...fields } = value;
    if (rowKey !== undefined && !isIdempotencyKey(rowKey)) {
      return {
        errors: [
          {
            row,
            type: ProblemType.validation,
            field: 'rowKey',
            reason: IDEMPOTENCY_KEY_RULE,
          },
        ],
      };
    }
    let dto: Dto;
    let commandType: string | undefined;
    if (kind !== 'fund-allocations') {
      const names = rollover ? ROLLOVER_OUTCOMES : STUDENT_EVENTS;
      // Own keys only: `constructor` or `__proto__` as an event name is a bad row, not a lookup
      // on the object's prototype.
      const known =
        typeof event === 'string' && Object.hasOwn(names, event) ? names[event] : undefined;
      if (known === undefined) {
        const field = rollover ? 'outcome' : 'event';
        return {
          errors: [
            {
              row,
              type: ProblemType.validation,
              field,
              reason: `${field} must be one of ${Object.keys(names).join(', ')}`,
            },
          ],
        };
      }
      [dto, commandType] = known;
    } else {
      dto = AllocateFundsDto;
    }
    let input: Record<string, unknown>;
    try {
      input = (await this.edge.transform(format === 'csv' ? typed(dto, fields) : fields, {
        type: 'body',
        metatype: dto,
      })) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof RequestValidationException)) throw error;
      return {
        errors: error.errors.map((failure) => ({
          row,
          type: ProblemType.validation,
          field: failure.field,
          reason: failure.reason,
        })),
      };
    }
    // A row's key is its `rowKey`, or else its content (same row, same key); either way it is
    // the caller's, bound to the row, and kept only as a keyed digest (CommandKeys).
    const { rowKey: _rowKey, ...content } = value;
    const rowContext: CommandContext = {
      ...context,
      idempotency: {
        key:
          rowKey === undefined
            ? `import:${kind}:content:${canonicalJson(content)}`
            : `import:${kind}:${rowKey}`,
        action: `import ${kind}`,
        body: content,
      },
    };
    try {
      if (kind !== 'fund-allocations') {
        return await this.commandBus.execute(
          new StudentCommandMessage(
            {
              type: commandType,
              ...input,
              // What the export states and the facts already hold is confirmed, not refused.
              ...(rollover && (commandType === 'GraduateStudent' || commandType === 'RepeatGrade')
                ? { asExported: true }
                : {}),
            } as StudentCommandMessage['command'],
            rowContext,
          ),
        );
      }
      const allocation = input as unknown as AllocateFundsDto;
      return await this.commandBus.execute(
        new FundProgrammeCommandMessage(
          {
            type: 'AllocateFunds',
            ...allocation,
            allocationId: allocation.allocationId,
            schoolCode: allocation.schoolCode ?? null,
          },
          rowContext,
        ),
      );
    } catch (error) {
      if (error instanceof DomainRuleViolation) {
        return {
          errors: [
            { row, type: ProblemType.rule(error.rule), rule: error.rule, reason: error.message },
          ],
        };
      }
      if (error instanceof ScopeViolation) {
        return { errors: [{ row, type: ProblemType.outOfScope, reason: error.message }] };
      }
      if (error instanceof EventStoreException) {
        const type = ROW_ERROR_TYPES[error.code];
        if (type !== undefined) return { errors: [{ row, type, reason: error.message }] };
      }
      throw error;
    }
  }
}

/** Rows with the same key touch the same stream and must keep their order. */
function streamKeyOf(value: Record<string, unknown>, row: number): string {
  for (const field of ['student', 'programmeId'] as const) {
    const key = value[field];
    if (typeof key === 'string') return `${field}:${key}`;
  }
  return `row:${row}`;
}

/** CSV cells are text: give numbers and booleans their type, from the DTO's declared types. */
function typed(dto: Dto, fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([name, value]) => {
      const type = Reflect.getMetadata('design:type', dto.prototype as object, name) as unknown;
      if (typeof value !== 'string') return [name, value];
      if (type === Number && value.trim() !== '' && !Number.isNaN(Number(value)))
        return [name, Number(value)];
      if (type === Boolean && (value === 'true' || value === 'false'))
        return [name, value === 'true'];
      return [name, value];
    }),
  );
}
