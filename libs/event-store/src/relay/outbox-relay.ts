import type { EventStore, LogPosition, RecordedEvent } from '../event-store.port';

export interface EventPublisher {
  /** Resolves once every event is durably accepted, in the order given. */
  publish(events: readonly RecordedEvent[]): Promise<void>;
}

export interface RelayProgress {
  readonly published: number;
  readonly position: LogPosition;
}

export const RELAY_CHECKPOINT = 'kafka-relay';

/**
 * The transactional outbox: the event table is the outbox. Each step publishes the next
 * committed events in commit order and only then moves the checkpoint, so a crash between the
 * two republishes that batch (consumers are idempotent) and never skips one.
 */
export class OutboxRelay {
  private position: LogPosition | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly publisher: EventPublisher,
    private readonly batchSize: number,
    private readonly checkpointName: string = RELAY_CHECKPOINT,
  ) {}

  async step(): Promise<RelayProgress> {
    this.position ??= await this.store.loadCheckpoint(this.checkpointName);
    const events = await this.store.readAll({ after: this.position, limit: this.batchSize });
    if (events.length === 0) return { published: 0, position: this.position };
    await this.publisher.publish(events);
    const last = events.at(-1)!;
    const next = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    await this.store.saveCheckpoint(this.checkpointName, next);
    this.position = next;
    return { published: events.length, position: next };
  }

  /** Forgets the cached position so the next step resumes from the stored checkpoint. */
  reset(): void {
    this.position = undefined;
  }
}
