import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { AuditKind, AuditOutcome } from './audit.repository';

/** GET /v1/audit — filters for the audit trail, newest first, paged by `before`. */
export class AuditQuery {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  caller?: string;

  @IsOptional()
  @IsIn(['command', 'query'])
  kind?: AuditKind;

  @IsOptional()
  @IsIn(['accepted', 'answered', 'rejected', 'failed'])
  outcome?: AuditOutcome;

  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  before?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
