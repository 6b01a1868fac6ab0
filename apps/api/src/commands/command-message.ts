import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandOutcome } from './aggregate-command.executor';

/**
 * What a controller, resolver, import or the demo loader puts on the command bus: the command
 * and who sends it. Every message has this one shape; what differs is the command's type —
 * the domain's own command, or the request form of one whose handler completes it (an id it
 * derives from the idempotency key, a fact it reads before the decision).
 */
export abstract class CommandMessage<Request, Result = CommandOutcome> extends Command<Result> {
  constructor(
    readonly command: Request,
    readonly context: CommandContext,
  ) {
    super();
  }
}
