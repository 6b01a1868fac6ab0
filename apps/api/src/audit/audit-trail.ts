import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Clock } from '@junheng/domain';
import { formatOrgScope } from '@junheng/identity';
import type { IdentitySecrets } from '@junheng/identity';
import { CLOCK, isOperationalPath } from '@junheng/platform';
import { currentPrincipal } from '../security/caller-context';
import { IDENTITY_SECRETS } from '../security/security.tokens';
import { AuditRepository } from './audit.repository';
import type { AuditKind, AuditOutcome } from './audit.repository';

/** Canonical JSON (keys sorted at every level), so equal parameters digest equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : 1,
    );
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What was attempted: a REST route, or one root field of a GraphQL operation. */
export interface AuditedOperation {
  readonly kind: AuditKind;
  readonly action: string;
  readonly parameters: unknown;
}

export function restOperation(request: Request): AuditedOperation {
  const routePath = (request.route as { path?: string } | undefined)?.path ?? request.path;
  return {
    kind: request.method === 'GET' || request.method === 'HEAD' ? 'query' : 'command',
    action: `${request.method} ${routePath}`,
    parameters: { query: request.query ?? {}, body: (request.body as unknown) ?? null },
  };
}

export function graphqlOperation(
  info: { operation: { operation: string }; fieldName: string },
  args: unknown,
): AuditedOperation {
  const type = info.operation.operation;
  return {
    kind: type === 'mutation' ? 'command' : 'query',
    action: `graphql ${type} ${info.fieldName}`,
    parameters: args,
  };
}

/**
 * Writes one audit entry per command or query attempt, accepted or not, before the answer
 * leaves. Parameters are kept as an HMAC digest under the pseudonymisation key: the trail can
 * prove what was asked (recompute with the key) without becoming a second copy of personal
 * data, and nobody without the key can test a guessed identifier against it.
 */
@Injectable()
export class AuditTrail {
  constructor(
    private readonly repository: AuditRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDENTITY_SECRETS) private readonly secrets: IdentitySecrets,
  ) {}

  static audited(request: Request): boolean {
    return !isOperationalPath(request.path);
  }

  async record(
    request: Request,
    outcome: { status: number; problemType: string | null; correlationId: string },
    operation: AuditedOperation = restOperation(request),
  ): Promise<void> {
    const principal = currentPrincipal();
    const { kind } = operation;
    const result: AuditOutcome =
      outcome.status >= 500
        ? 'failed'
        : outcome.status >= 400
          ? 'rejected'
          : kind === 'command'
            ? 'accepted'
            : 'answered';
    await this.repository.record({
      at: this.clock.now().toISOString(),
      kind,
      action: operation.action,
      method: request.method,
      path: request.path,
      parametersDigest: this.secrets.pseudonymizer.keyedDigest(canonical(operation.parameters)),
      callerSubject: principal?.subject ?? 'anonymous',
      callerRole: principal?.role ?? null,
      callerScope: principal === undefined ? null : formatOrgScope(principal.scope),
      outcome: result,
      status: outcome.status,
      problemType: outcome.problemType,
      correlationId: outcome.correlationId,
    });
  }
}
