import { Injectable } from '@nestjs/common';
import { formatOrgScope } from '@junheng/identity';
import { CallerContext } from '../security/caller-context';
import type { AuditQuery } from './audit.query';
import { AuditRepository } from './audit.repository';
import type { AuditEntry } from './audit.repository';

export interface AuditPage {
  readonly entries: ReadonlyArray<AuditEntry & { id: number }>;
  /** Pass as `before` for the next, older page; null at the end. */
  readonly next: number | null;
}

/**
 * Reads the trail within the caller's scope: a province administrator sees its province's
 * callers, and the anonymous attempts at org units inside it.
 */
@Injectable()
export class AuditReader {
  constructor(
    private readonly repository: AuditRepository,
    private readonly caller: CallerContext,
  ) {}

  async find(query: AuditQuery): Promise<AuditPage> {
    const limit = query.limit ?? 100;
    const { scope } = this.caller.principal();
    const entries = await this.repository.find({
      ...query,
      withinScope: formatOrgScope(scope),
      limit,
    });
    return { entries, next: entries.length === limit ? (entries.at(-1)?.id ?? null) : null };
  }
}
