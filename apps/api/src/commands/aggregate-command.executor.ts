import { Inject, Injectable } from '@nestjs/common';
import { DomainRuleViolation, foldStream, startOfDayUtc } from '@junheng/domain';
import type { Clock, Decider } from '@junheng/domain';
import { ScopeViolation, formatOrgScope } from '@junheng/identity';
import type { Principal } from '@junheng/identity';
import {
  EVENT_STORE,
  EventStoreErrorCode,
  EventStoreException,
  deterministicEventId,
} from '@junheng/event-store';
import type { EventStore, RecordedEvent } from '@junheng/event-store';
import { CLOCK } from '@junheng/platform';
import { CommandKeys } from './command-keys';
import type { CommandKey } from './command-keys';
import { refusalToStranger, strangerTo } from './refusal-redaction';
import type { OrgUnitRef } from './refusal-redaction';

/** The shape every domain event shares. */
export interface DomainEvent {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: object;
}

/** The caller's `Idempotency-Key` and the request it came with (what the key is bound to). */
export interface IdempotencyRequest {
  /** As sent: the header, the mutation's argument, or an import row's key. */
  readonly key: string;
  /** The route or mutation (`POST /v1/lesson-exchanges`, `graphql recordLessonExchange`). */
  readonly action: string;
  /** The request as sent, before pseudonymisation (only its keyed digest is kept). */
  readonly body: unknown;
}

export interface CommandContext {
  readonly idempotency: IdempotencyRequest | undefined;
  readonly correlationId: string | null;
  /** The authenticated caller; null when Junheng itself acts (the demo-data loader). */
  readonly caller: Principal | null;
  /** Names the system actor when `caller` is null. */
  readonly systemActor?: string;
}

export interface CommandOutcome {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventIds: readonly string[];
  /** Position of the command's last event in the log; reads can wait for it (issue 7). */
  readonly globalPosition: number | null;
  readonly transactionId: number | null;
  /** True when this is the answer to an earlier command with the same idempotency key. */
  readonly replayed: boolean;
}

export interface AggregateCommand<Command, Event extends DomainEvent, State> {
  readonly decider: Decider<Command, Event, State>;
  readonly streamId: string;
  readonly streamType: string;
  readonly command: Command;
  /**
   * Object-level authorization that needs the aggregate's state (for example: may this caller
   * end this teacher's rotation?). Throws to refuse; runs before the decision.
   */
  readonly authorize?: (state: State) => void;
  /**
   * The org units that hold the aggregate as it stands (a student's school, a teacher's home
   * and receiving schools). A refusal is built from that state: when the caller holds none of
   * them it learns the rule, never the facts behind it.
   */
  readonly heldBy?: (state: State) => readonly OrgUnitRef[];
  readonly context: CommandContext;
}

// Commands on one stream run one at a time in a process (below), so conflicts come only from
// other processes: retry those generously, with growing, jittered pauses.
const MAX_ATTEMPTS = 12;
const BACKOFF_BASE_MS = 4;
const BACKOFF_CAP_MS = 250;

/**
 * Load → decide → append with the expected version, the same for every aggregate. A version
 * conflict means another command got there first: decide again on the new history, a bounded
 * number of times, then let the 409 through.
 */
@Injectable()
export class AggregateCommandExecutor {
  /** The tail of each stream's queue of commands in this process. */
  private readonly streamQueues = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly keys: CommandKeys,
  ) {}

  async execute<Command, Event extends DomainEvent, State>(
    request: AggregateCommand<Command, Event, State>,
  ): Promise<CommandOutcome> {
    const key = this.keys.of(request.context);
    return this.oneAtATime(request.streamId, () => this.withRetries(request, key));
  }

  /**
   * Commands on the same stream wait for each other instead of racing to the store: fifty
   * allocations against one budget then each decide on the latest state, and every one that
   * fits is accepted (quality.md: contention is the server's problem, not the clerk's).
   */
  private oneAtATime<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.streamQueues.get(streamId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.streamQueues.set(streamId, tail);
    void tail.then(() => {
      if (this.streamQueues.get(streamId) === tail) this.streamQueues.delete(streamId);
    });
    return run;
  }

  private async withRetries<Command, Event extends DomainEvent, State>(
    request: AggregateCommand<Command, Event, State>,
    key: CommandKey,
  ): Promise<CommandOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.attempt(request, key);
      } catch (error) {
        const conflict =
          error instanceof EventStoreException &&
          error.code === EventStoreErrorCode.WrongExpectedVersion;
        if (!conflict || attempt >= MAX_ATTEMPTS) throw error;
        const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
        await new Promise((done) => setTimeout(done, Math.random() * ceiling));
      }
    }
  }

  private async attempt<Command, Event extends DomainEvent, State>(
    request: AggregateCommand<Command, Event, State>,
    key: CommandKey,
  ): Promise<CommandOutcome> {
    const { decider, streamId } = request;
    const [history, earlier] = await Promise.all([
      this.store.readStream(streamId),
      key.fromCaller ? this.store.findIdempotentAppend(key.key) : Promise.resolve(null),
    ]);
    // A retry of a command that already landed answers with what it recorded then — unless the
    // key came with another request, which is refused and never replayed.
    if (earlier !== null) {
      if (
        earlier.requestFingerprint !== null &&
        key.fingerprint !== null &&
        earlier.requestFingerprint !== key.fingerprint
      ) {
        throw EventStoreException.idempotencyKeyReused();
      }
      return outcome(
        earlier.streamId,
        earlier.events.at(-1)?.streamVersion ?? 0,
        earlier.events,
        true,
      );
    }

    const state = foldStream(decider.evolve, decider.initialState, history);
    const decided = this.decide(request, state);
    const result = await this.store.append({
      streamId,
      streamType: request.streamType,
      expectedVersion: history.at(-1)?.streamVersion ?? 0,
      idempotencyKey: key.key,
      ...(key.fingerprint === null ? {} : { requestFingerprint: key.fingerprint }),
      metadata: {
        ...actorOf(request.context),
        commandId: key.key,
        correlationId: request.context.correlationId,
      },
      events: decided.map((event, index) => ({
        eventId: deterministicEventId(key.key, index),
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data as Record<string, unknown>,
        ...envelopeOf(decider, event, state),
      })),
    });
    return outcome(result.streamId, result.streamVersion, result.events, result.replayed);
  }

  /**
   * Authorize and decide. A refusal to a caller who holds no unit of the record is what the
   * refusal would be against a blank record — then it is about the request itself (a date in
   * the future, a grade of 12), and said with only what the caller sent — or else
   * `record.held-elsewhere`: the caller learns that another unit holds the record, never its
   * state (dropped out, deceased), its school or the date of its last fact.
   */
  private decide<Command, Event extends DomainEvent, State>(
    request: AggregateCommand<Command, Event, State>,
    state: State,
  ): Event[] {
    try {
      request.authorize?.(state);
      return request.decider.decide(request.command, state, this.clock);
    } catch (error) {
      const { caller } = request.context;
      if (
        caller === null ||
        request.heldBy === undefined ||
        !(error instanceof DomainRuleViolation || error instanceof ScopeViolation) ||
        !strangerTo(caller, request.heldBy(state))
      ) {
        throw error;
      }
      throw refusalToStranger(error, request.command, caller, () =>
        request.decider.decide(request.command, request.decider.initialState, this.clock),
      );
    }
  }
}

/** The decider dates and attributes each event; the store keeps the day as its midnight UTC. */
function envelopeOf<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  event: Event,
  state: State,
): { occurredAt: string; districtCode: string | null } {
  const { occurredOn, districtCode } = decider.envelopeOf(event, state);
  return { occurredAt: startOfDayUtc(occurredOn).toISOString(), districtCode };
}

function actorOf(context: CommandContext): {
  actor: string;
  actorRole: string;
  actorScope: string | null;
} {
  const { caller } = context;
  return caller === null
    ? { actor: `system:${context.systemActor ?? 'junheng'}`, actorRole: 'system', actorScope: null }
    : { actor: caller.subject, actorRole: caller.role, actorScope: formatOrgScope(caller.scope) };
}

/** The answer to a command: its own events (a replay answers exactly as the first time). */
function outcome(
  streamId: string,
  streamVersion: number,
  events: readonly RecordedEvent[],
  replayed: boolean,
): CommandOutcome {
  const last = events.at(-1);
  return {
    streamId,
    streamVersion,
    eventIds: events.map((event) => event.eventId),
    globalPosition: last?.globalPosition ?? null,
    transactionId: last?.transactionId ?? null,
    replayed,
  };
}
