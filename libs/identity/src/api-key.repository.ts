import type { SqlExecutor } from '@junheng/event-store';
import { parseApiKey, secretMatches } from './authentication/api-keys';
import type { IssuedApiKey } from './authentication/api-keys';
import { formatOrgScope, parseOrgScope } from './authorization/org-scope';
import type { OrgScope } from './authorization/org-scope';
import type { Principal } from './authorization/principal';
import { isRole } from './authorization/roles';
import type { Role } from './authorization/roles';

const SCHEMA = `CREATE TABLE IF NOT EXISTS api_keys (
  id          text        PRIMARY KEY,
  secret_hash text        NOT NULL,
  name        text        NOT NULL,
  role        text        NOT NULL,
  scope       text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
)`;

/** Machine clients' API keys, stored hashed beside the event store. */
export class ApiKeyRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async migrate(): Promise<void> {
    await this.sql.query(SCHEMA);
  }

  async create(
    issued: IssuedApiKey,
    grant: { name: string; role: Role; scope: OrgScope },
  ): Promise<void> {
    await this.sql.query(
      'INSERT INTO api_keys (id, secret_hash, name, role, scope) VALUES ($1, $2, $3, $4, $5)',
      [issued.id, issued.secretHash, grant.name, grant.role, formatOrgScope(grant.scope)],
    );
  }

  async revoke(id: string): Promise<boolean> {
    const rows = await this.sql.query<{ id: string }>(
      'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id',
      [id],
    );
    return rows.length > 0;
  }

  /** The principal of a valid, unrevoked key; null for anything else. */
  async authenticate(key: string): Promise<Principal | null> {
    const parsed = parseApiKey(key);
    if (parsed === null) return null;
    const [row] = await this.sql.query<{
      secret_hash: string;
      name: string;
      role: string;
      scope: string;
    }>('SELECT secret_hash, name, role, scope FROM api_keys WHERE id = $1 AND revoked_at IS NULL', [
      parsed.id,
    ]);
    if (row === undefined || !secretMatches(parsed.secret, row.secret_hash) || !isRole(row.role))
      return null;
    return {
      subject: `api-key:${parsed.id}:${row.name}`,
      role: row.role,
      scope: parseOrgScope(row.scope),
      via: 'api-key',
      apiKeyId: parsed.id,
    };
  }

  /** Whether the key still exists unrevoked (a live stream checks this while it runs). */
  async isActive(id: string): Promise<boolean> {
    const rows = await this.sql.query<{ id: string }>(
      'SELECT id FROM api_keys WHERE id = $1 AND revoked_at IS NULL',
      [id],
    );
    return rows.length > 0;
  }
}
