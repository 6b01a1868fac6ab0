import { START_OF_LOG } from '../event-store.port';
import type { EventStore, LogPosition, RecordedEvent } from '../event-store.port';

export interface EventPublisher {
  /** Resolves once every event is durably accepted, in the order given. */
  publish(events: readonly RecordedEvent[]): Promise<void>;
}

export interface RelayProgress {
  readonly published: number;
  readonly position: LogPosition;
  /** False when another relay holds the lease and this one did nothing. */
  readonly leading: boolean;
}

export const RELAY_CHECKPOINT = 'kafka-relay';

/**
 * The transactional outbox: the event table is the outbox. Each step publishes the next
 * committed events in commit order and only then moves the checkpoint, so a crash between the
 * two republishes that batch (consumers are idempotent) and never skips one.
 */
export class OutboxRelay {
  constructor(
    private readonly store: EventStore,
    private readonly publisher: EventPublisher,
    private readonly batchSize: number,
    private readonly checkpointName: string = RELAY_CHECKPOINT,
  ) {}

  /**
   * Publishes the next batch if this relay holds the lease named after its checkpoint; another
   * relay on the same database then waits (`leading: false`). The checkpoint is read afresh
   * under each lease: another relay may have moved it since this one last led.
   */
  async step(): Promise<RelayProgress> {
    const progress = await this.store.whileHolding(this.checkpointName, () => this.publishNext());
    return progress ?? { published: 0, position: START_OF_LOG, leading: false };
  }

  private async publishNext(): Promise<RelayProgress> {
    const position = await this.store.loadCheckpoint(this.checkpointName);
    const events = await this.store.readAll({ after: position, limit: this.batchSize });
    if (events.length === 0) return { published: 0, position, leading: true };
    await this.publisher.publish(events);
    const last = events.at(-1)!;
    const next = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    await this.store.saveCheckpoint(this.checkpointName, next);
    return { published: events.length, position: next, leading: true };
  }
}
