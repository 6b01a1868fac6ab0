import type { LogPosition } from '@junheng/event-store';
import type { EventEnvelope } from './envelope/event-envelope';
import type { PoisonReason } from './envelope/envelope-decoder';

export interface PoisonMessage {
  readonly reason: PoisonReason;
  readonly message: string;
  readonly origin: string;
}

export interface EventBatch {
  /** Decoded events, in the order the source delivers them. */
  readonly events: readonly EventEnvelope[];
  /** Messages that could not be decoded (issue 5 routes them to a dead-letter topic). */
  readonly poison: readonly PoisonMessage[];
  /** Names this exact batch: the same id is delivered again only with the same events. */
  readonly batchId: string;
  /** Where this batch leaves the source, for checkpoints and the watermark. */
  readonly source: string;
  readonly position: LogPosition | null;
}

export type BatchHandler = (batch: EventBatch) => Promise<void>;

/**
 * Feeds the projector: a Kafka consumer group, or in embedded mode the event store itself.
 * A batch is acknowledged (offset committed, checkpoint saved) only after the handler resolves.
 */
export interface EventSource {
  readonly kind: 'kafka' | 'store-tail';
  start(handler: BatchHandler): Promise<void>;
  stop(): Promise<void>;
  isHealthy(): boolean;
}

export const EVENT_SOURCE = Symbol('EVENT_SOURCE');

/** Where a source keeps its position when it is not Kafka's own offsets. */
export interface SourceCheckpoints {
  load(source: string): Promise<LogPosition>;
}
