import type { LogPosition } from '@junheng/event-store';
import type { EventEnvelope } from './envelope/event-envelope';
import { PoisonEventError, decodeEnvelope } from './envelope/envelope-decoder';
import type { PoisonReason } from './envelope/envelope-decoder';

/** A message no reader of this version can apply, as it arrived. */
export interface PoisonMessage {
  readonly reason: PoisonReason;
  readonly message: string;
  /** Where it was read: `topic/partition@offset`, or `store@position`. */
  readonly origin: string;
  /** The message key: the stream id, by the envelope's convention (null if absent). */
  readonly key: string | null;
  /** The raw value, kept for the dead-letter topic. */
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** One delivered message, decoded or not, in the order the source delivered it. */
export type SourceMessage =
  | { readonly kind: 'event'; readonly origin: string; readonly event: EventEnvelope }
  | { readonly kind: 'poison'; readonly origin: string; readonly poison: PoisonMessage };

export interface EventBatch {
  /** Every message of the batch in delivery order (a stream's poison and later events). */
  readonly messages: readonly SourceMessage[];
  /** Names this exact batch: the same id is delivered again only with the same messages. */
  readonly batchId: string;
  /** The ordered source the batch came through: one Kafka partition, or the store tail. */
  readonly source: string;
  /** Changes when another consumer may have written this source meanwhile (a rebalance). */
  readonly epoch: number;
  /** Where this batch leaves the source, for checkpoints and the watermark. */
  readonly position: LogPosition | null;
}

/** Decodes one delivered message; what no reader of this version can apply becomes poison. */
export function toSourceMessage(
  origin: string,
  message: {
    readonly key: string | null;
    readonly value: string | null;
    readonly headers: Readonly<Record<string, string>>;
  },
): SourceMessage {
  try {
    return { kind: 'event', origin, event: decodeEnvelope(message.value) };
  } catch (error) {
    if (!(error instanceof PoisonEventError)) throw error;
    return {
      kind: 'poison',
      origin,
      poison: { reason: error.reason, message: error.message, origin, ...message },
    };
  }
}

/** The decoded events of a batch, in order. */
export function eventsOf(batch: Pick<EventBatch, 'messages'>): EventEnvelope[] {
  return batch.messages.flatMap((message) => (message.kind === 'event' ? [message.event] : []));
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
