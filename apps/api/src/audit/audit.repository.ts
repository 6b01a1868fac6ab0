import type { SqlExecutor } from '@junheng/event-store';

export type AuditKind = 'command' | 'query';
/** accepted: a command appended or replayed; answered: a query answered; rejected: 4xx; failed: 5xx. */
export type AuditOutcome = 'accepted' | 'answered' | 'rejected' | 'failed';

export interface AuditEntry {
  readonly at: string;
  readonly kind: AuditKind;
  readonly action: string;
  readonly method: string;
  readonly path: string;
  /** HMAC-SHA-256 (pseudonymisation key) of the canonical parameters: proves what was asked, reveals nothing. */
  readonly parametersDigest: string;
  readonly callerSubject: string;
  readonly callerRole: string | null;
  readonly callerScope: string | null;
  readonly outcome: AuditOutcome;
  readonly status: number;
  readonly problemType: string | null;
  readonly correlationId: string;
}

/** What is written: the entry, and which org unit the attempt named. */
export interface AuditRecord extends AuditEntry {
  /**
   * The org unit the attempt named (scope path), when it named a valid one: an area route's
   * code, a `district` or `area` parameter, a body's `districtCode`. An anonymous attempt is
   * shown to the administrators whose scope holds it; one that names none to nobody. Kept in
   * the table (`target_scope`), not in the answers.
   */
  readonly targetScope: string | null;
}

export interface AuditFilter {
  /**
   * Entries by callers whose scope lies inside this one (a province admin sees its province),
   * and anonymous attempts at org units inside it.
   */
  readonly withinScope: string;
  readonly caller?: string;
  readonly kind?: AuditKind;
  readonly outcome?: AuditOutcome;
  readonly from?: string;
  readonly to?: string;
  readonly before?: number;
  readonly limit: number;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS audit_log (
     id                bigserial   PRIMARY KEY,
     at                timestamptz NOT NULL,
     kind              text        NOT NULL,
     action            text        NOT NULL,
     method            text        NOT NULL,
     path              text        NOT NULL,
     parameters_digest text        NOT NULL,
     caller_subject    text        NOT NULL,
     caller_role       text,
     caller_scope      text,
     outcome           text        NOT NULL,
     status            integer     NOT NULL,
     problem_type      text,
     correlation_id    text        NOT NULL
   )`,
  // Added after the first release: tables created before it gain the column.
  'ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS target_scope text',
  'CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at)',
  'CREATE INDEX IF NOT EXISTS audit_log_caller ON audit_log (caller_subject, at)',
];

interface AuditRow {
  id: string | number;
  at: Date | string;
  kind: AuditKind;
  action: string;
  method: string;
  path: string;
  parameters_digest: string;
  caller_subject: string;
  caller_role: string | null;
  caller_scope: string | null;
  outcome: AuditOutcome;
  status: number;
  problem_type: string | null;
  correlation_id: string;
}

/** The audit trail, in the same database as the events it explains. */
export class AuditRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async migrate(): Promise<void> {
    for (const statement of SCHEMA) await this.sql.query(statement);
  }

  async record(entry: AuditRecord): Promise<void> {
    await this.sql.query(
      `INSERT INTO audit_log (at, kind, action, method, path, parameters_digest, caller_subject,
         caller_role, caller_scope, target_scope, outcome, status, problem_type, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        entry.at,
        entry.kind,
        entry.action,
        entry.method,
        entry.path,
        entry.parametersDigest,
        entry.callerSubject,
        entry.callerRole,
        entry.callerScope,
        entry.targetScope,
        entry.outcome,
        entry.status,
        entry.problemType,
        entry.correlationId,
      ],
    );
  }

  /**
   * Newest first; `before` is the `id` cursor of the previous page. Anonymous attempts count as
   * their target's; those without one stay in the table, for operators, and are never answered.
   */
  async find(filter: AuditFilter): Promise<Array<AuditEntry & { id: number }>> {
    const conditions = [
      `(caller_scope = $1 OR caller_scope LIKE $2
        OR (caller_scope IS NULL AND (target_scope = $1 OR target_scope LIKE $2)))`,
    ];
    const parameters: Array<string | number> = [filter.withinScope, `${filter.withinScope}/%`];
    const add = (condition: string, value: string | number | undefined): void => {
      if (value === undefined) return;
      parameters.push(value);
      conditions.push(condition.replace('?', `$${parameters.length}`));
    };
    add('caller_subject = ?', filter.caller);
    add('kind = ?', filter.kind);
    add('outcome = ?', filter.outcome);
    add('at >= ?::timestamptz', filter.from);
    add('at < ?::timestamptz', filter.to);
    add('id < ?', filter.before);
    parameters.push(filter.limit);
    const rows = await this.sql.query<AuditRow>(
      `SELECT id, at, kind, action, method, path, parameters_digest, caller_subject, caller_role,
              caller_scope, outcome, status, problem_type, correlation_id
         FROM audit_log WHERE ${conditions.join(' AND ')} ORDER BY id DESC LIMIT $${parameters.length}`,
      parameters,
    );
    return rows.map((row) => ({
      id: Number(row.id),
      at: new Date(row.at).toISOString(),
      kind: row.kind,
      action: row.action,
      method: row.method,
      path: row.path,
      parametersDigest: row.parameters_digest,
      callerSubject: row.caller_subject,
      callerRole: row.caller_role,
      callerScope: row.caller_scope,
      outcome: row.outcome,
      status: row.status,
      problemType: row.problem_type,
      correlationId: row.correlation_id,
    }));
  }
}
