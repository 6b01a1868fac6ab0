import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Clock, Decider } from '@junheng/domain';
import { formatOrgScope } from '@junheng/identity';
import type { Principal } from '@junheng/identity';
import {
  EVENT_STORE,
  EventStoreErrorCode,
  EventStoreException,
  deterministicEventId,
} from '@junheng/event-store';
import type { EventStore, RecordedEvent } from '@junheng/event-store';
import { CLOCK } from '@junheng/platform';

/** The shape every domain event shares. */
export interface DomainEvent {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: object;
}

export interface CommandContext {
  readonly idempotencyKey: string | undefined;
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
  /** The envelope fields an event carries beside its data. */
  readonly envelope: (event: Event) => { occurredAt: string; districtCode: string | null };
  /**
   * Object-level authorization that needs the aggregate's state (for example: may this caller
   * end this teacher's rotation?). Throws to refuse; runs before the decision.
   */
  readonly authorize?: (state: State) => void;
  readonly context: CommandContext;
}

const MAX_ATTEMPTS = 5;

/**
 * Load → decide → append with the expected version, the same for every aggregate. A version
 * conflict means another command got there first: decide again on the new history, a bounded
 * number of times, then let the 409 through.
 */
@Injectable()
export class AggregateCommandExecutor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute<Command, Event extends DomainEvent, State>(
    request: AggregateCommand<Command, Event, State>,
  ): Promise<CommandOutcome> {
    const idempotencyKey = request.context.idempotencyKey ?? randomUUID();
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.attempt(request, idempotencyKey);
      } catch (error) {
        const conflict =
          error instanceof EventStoreException &&
          error.code === EventStoreErrorCode.WrongExpectedVersion;
        if (!conflict || attempt >= MAX_ATTEMPTS) throw error;
        // Spread the retries of commands that collided, so they do not collide again in step.
        await new Promise((done) => setTimeout(done, Math.random() * 10 * attempt));
      }
    }
  }

  private async attempt<Command, Event extends DomainEvent, State>(
    request: AggregateCommand<Command, Event, State>,
    idempotencyKey: string,
  ): Promise<CommandOutcome> {
    const { decider, streamId } = request;
    const history = await this.store.readStream(streamId);
    // A retry of a command that already landed: its deterministic ids are in the history.
    const firstId = deterministicEventId(idempotencyKey, 0);
    if (history.some((event) => event.eventId === firstId)) {
      return outcome(streamId, history, replayedEvents(history, idempotencyKey), true);
    }

    const state = history.reduce(
      (current, event) => decider.evolve(current, toDomainEvent<Event>(event)),
      decider.initialState,
    );
    request.authorize?.(state);
    const decided = decider.decide(request.command, state, this.clock);
    const result = await this.store.append({
      streamId,
      streamType: request.streamType,
      expectedVersion: history.at(-1)?.streamVersion ?? 0,
      idempotencyKey,
      metadata: {
        ...actorOf(request.context),
        commandId: idempotencyKey,
        correlationId: request.context.correlationId,
      },
      events: decided.map((event, index) => ({
        eventId: deterministicEventId(idempotencyKey, index),
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data as Record<string, unknown>,
        ...request.envelope(event),
      })),
    });
    return outcome(result.streamId, result.events, result.events, result.replayed);
  }
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

function toDomainEvent<Event extends DomainEvent>(event: RecordedEvent): Event {
  return {
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
  } as unknown as Event;
}

function replayedEvents(
  history: readonly RecordedEvent[],
  idempotencyKey: string,
): RecordedEvent[] {
  const ids = new Set(history.map((_, index) => deterministicEventId(idempotencyKey, index)));
  return history.filter((event) => ids.has(event.eventId));
}

function outcome(
  streamId: string,
  stream: readonly RecordedEvent[],
  events: readonly RecordedEvent[],
  replayed: boolean,
): CommandOutcome {
  const last = events.at(-1);
  return {
    streamId,
    streamVersion: stream.at(-1)?.streamVersion ?? 0,
    eventIds: events.map((event) => event.eventId),
    globalPosition: last?.globalPosition ?? null,
    transactionId: last?.transactionId ?? null,
    replayed,
  };
}
