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

export interface AuditFilter {
  /** Entries by callers whose scope lies inside this one (a province admin sees its province). */
  readonly withinScope: string;
  /** Also entries without a caller scope (anonymous attempts): for province administrators. */
  readonly includeUnscoped: boolean;
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

  async record(entry: AuditEntry): Promise<void> {
    await this.sql.query(
      `INSERT INTO audit_log (at, kind, action, method, path, parameters_digest, caller_subject,
         caller_role, caller_scope, outcome, status, problem_type, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
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
        entry.outcome,
        entry.status,
        entry.problemType,
        entry.correlationId,
      ],
    );
  }

  /** Newest first; `before` is the `id` cursor of the previous page. */
  async find(filter: AuditFilter): Promise<Array<AuditEntry & { id: number }>> {
    const conditions = [
      '(caller_scope = $1 OR caller_scope LIKE $2 OR (caller_scope IS NULL AND $3))',
    ];
    const parameters: Array<string | number | boolean> = [
      filter.withinScope,
      `${filter.withinScope}/%`,
      filter.includeUnscoped,
    ];
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
      `SELECT * FROM audit_log WHERE ${conditions.join(' AND ')} ORDER BY id DESC LIMIT $${parameters.length}`,
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
