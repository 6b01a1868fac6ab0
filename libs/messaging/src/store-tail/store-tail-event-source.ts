import type { EventStore } from '@junheng/event-store';
import { PollLoop } from '@junheng/platform';
import type { PollLoopLogger } from '@junheng/platform';
import { encodeEnvelope } from '../envelope/event-envelope';
import { toSourceMessage } from '../event-source.port';
import type { BatchHandler, EventSource, SourceCheckpoints } from '../event-source.port';

export const STORE_TAIL_SOURCE = 'store-tail';

export interface StoreTailOptions {
  readonly batchSize: number;
  readonly idleDelayMs: number;
  readonly logger: PollLoopLogger;
}

/**
 * The embedded topology's source: reads the event store in commit order from the projector's
 * own checkpoint. Events go through the same encode/decode as Kafka messages, so the
 * projection sees exactly what it would see behind Kafka (upcasting included).
 */
export class StoreTailEventSource implements EventSource {
  readonly kind = 'store-tail' as const;
  private loop: PollLoop | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: SourceCheckpoints,
    private readonly options: StoreTailOptions,
  ) {}

  start(handler: BatchHandler): Promise<void> {
    let position: Awaited<ReturnType<SourceCheckpoints['load']>> | undefined;
    this.loop = new PollLoop({
      name: 'store-tail',
      idleDelayMs: this.options.idleDelayMs,
      logger: this.options.logger,
      tick: async () => {
        position ??= await this.checkpoints.load(STORE_TAIL_SOURCE);
        const recorded = await this.store.readAll({
          after: position,
          limit: this.options.batchSize,
        });
        if (recorded.length === 0) return 'idle';
        const messages = recorded.map((event) =>
          toSourceMessage(`store@${event.globalPosition}`, encodeEnvelope(event)),
        );
        const last = recorded.at(-1)!;
        const next = { transactionId: last.transactionId, globalPosition: last.globalPosition };
        await handler({
          messages,
          batchId: `store:${recorded[0]!.transactionId}.${recorded[0]!.globalPosition}-${next.transactionId}.${next.globalPosition}`,
          source: STORE_TAIL_SOURCE,
          epoch: 0,
          position: next,
        });
        position = next;
        return recorded.length === this.options.batchSize ? 'more' : 'idle';
      },
    });
    this.loop.start();
    return Promise.resolve();
  }

  /** Looks for new events now instead of at the next poll. */
  poke(): void {
    this.loop?.poke();
  }

  isHealthy(): boolean {
    return this.loop !== undefined && this.loop.isRunning && !this.loop.failing;
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
  }
}
