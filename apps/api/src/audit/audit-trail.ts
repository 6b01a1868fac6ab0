import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Clock } from '@junheng/domain';
import { formatOrgScope } from '@junheng/identity';
import type { IdentitySecrets } from '@junheng/identity';
import { CLOCK, isOperationalPath, safePathOf } from '@junheng/platform';
import { currentPrincipal } from '../security/caller-context';
import { IDENTITY_SECRETS } from '../security/security.tokens';
import { graphqlTarget, restTarget } from './audit-target';
import { canonicalJson } from '../commands/canonical-json';
import { AuditRepository } from './audit.repository';
import type { AuditKind, AuditOutcome } from './audit.repository';

/** What was attempted: a REST route, or one root field of a GraphQL operation. */
export interface AuditedOperation {
  readonly kind: AuditKind;
  readonly action: string;
  /** What the entry says of the path: no raw path, which may hold anything (safePathOf). */
  readonly path: string | undefined;
  /** Digested, never stored: the raw path, query and body (or the GraphQL arguments). */
  readonly parameters: unknown;
  /** The org unit the attempt names (scope path), if it names a valid one. */
  readonly target: string | null;
}

/**
 * A REST attempt: the action is the method and the matched route's template (or the unmatched
 * path with every segment no route spells out replaced by `:unmatched`), the path the template
 * with its public parameters filled in. The raw path is digested with the query and the body,
 * so the entry still proves exactly what was asked.
 */
export function restOperation(request: Request): AuditedOperation {
  const safe = safePathOf(request);
  return {
    kind: request.method === 'GET' || request.method === 'HEAD' ? 'query' : 'command',
    action: `${request.method} ${safe.route}`,
    path: safe.path,
    parameters: {
      path: request.path,
      query: request.query ?? {},
      body: (request.body as unknown) ?? null,
    },
    target: restTarget(request),
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
    path: undefined,
    parameters: args,
    target: graphqlTarget(args),
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
      path: operation.path ?? safePathOf(request).path,
      parametersDigest: this.secrets.pseudonymizer.keyedDigest(canonicalJson(operation.parameters)),
      callerSubject: principal?.subject ?? 'anonymous',
      callerRole: principal?.role ?? null,
      callerScope: principal === undefined ? null : formatOrgScope(principal.scope),
      targetScope: operation.target,
      outcome: result,
      status: outcome.status,
      problemType: outcome.problemType,
      correlationId: outcome.correlationId,
    });
  }
}
