import type { CommandContext } from './aggregate-command.executor';

/**
 * The context of a command Junheng sends itself (demo data, test fixtures): the system actor
 * owns the key, bound to the command it sends, like any caller's.
 */
export function systemCommandContext(options: {
  readonly actor: string;
  readonly key: string;
  readonly command: unknown;
  readonly correlationId?: string;
}): CommandContext {
  return {
    idempotency: { key: options.key, action: 'system', body: options.command },
    correlationId: options.correlationId ?? null,
    caller: null,
    systemActor: options.actor,
  };
}
