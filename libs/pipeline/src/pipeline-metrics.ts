import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Watermark } from '@junheng/analytics';
import type { PartitionLag, PoisonReason } from '@junheng/messaging';
import { METRICS_REGISTRY } from '@junheng/platform';

export const PIPELINE_PROBES = Symbol('PIPELINE_PROBES');

/**
 * What a scrape may ask the parts of the pipeline that run in this process; null where a part
 * runs elsewhere (or not at all), so its gauge is not exposed here rather than exposed as 0.
 */
export interface PipelineProbes {
  /** Events committed in the store after the relay's checkpoint. */
  readonly relayLag: (() => Promise<number>) | null;
  /** The projector's consumer group lag, per partition of the event topic. */
  readonly consumerLag: (() => Promise<readonly PartitionLag[]>) | null;
  /** How far the ClickHouse projections have got. */
  readonly watermark: (() => Promise<Watermark>) | null;
  /** Releases what the probes hold open (the Kafka admin connection). */
  readonly close: () => Promise<void>;
}

/** A scrape waits this long for a reading (as readiness waits for a dependency), then moves on. */
export const PROBE_TIMEOUT_MS = 2_000;

// The relay reads up to 2,000 events a step; projector batches default to at most 5,000.
const BATCH_SIZE_BUCKETS = [1, 10, 100, 500, 1_000, 2_000, 5_000];
const INSERT_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

// A record, not a list, so the compiler insists on every poison reason; their counters start at
// 0 so that rate() sees the first dead letter.
const POISON_REASONS: Record<PoisonReason, true> = {
  malformed: true,
  'unknown-type': true,
  'future-schema-version': true,
  'missing-upcaster': true,
};

type ProbeName = 'relay_lag' | 'consumer_lag' | 'projection_watermark';

/**
 * One reading per scrape, bounded in time. The gauges fed by one probe share the scrape's
 * reading; a reading still running past an earlier scrape's deadline is joined rather than
 * started again, so a dead dependency never piles up requests; and a reading that fails or
 * misses the deadline leaves the gauges at their previous values and counts a failure.
 */
class BoundedProbe<T> {
  private running: Promise<T> | undefined;
  private sampling: Promise<T | undefined> | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly failed: () => void,
  ) {}

  sample(): Promise<T | undefined> {
    this.sampling ??= this.waitForReading().finally(() => {
      this.sampling = undefined;
    });
    return this.sampling;
  }

  private async waitForReading(): Promise<T | undefined> {
    this.running ??= this.read().finally(() => {
      this.running = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.running,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('no reading in time')), PROBE_TIMEOUT_MS);
        }),
      ]);
    } catch {
      this.failed();
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The pipeline's Prometheus instruments. Lags and the watermark are read when Prometheus
 * scrapes, so they are true even while the relay or the projector is stuck; batch sizes,
 * insert times, dead letters and duplicates are reported by the relay and the projector
 * through the methods below as they happen.
 */
@Injectable()
export class PipelineMetrics implements OnApplicationShutdown {
  private readonly relayPublished: Counter;
  private readonly relayBatchSize: Histogram;
  private readonly projectorBatchSize: Histogram;
  private readonly insertDuration: Histogram<'table'>;
  private readonly deadLetters: Counter<'reason'>;
  private readonly duplicates: Counter;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(PIPELINE_PROBES) private readonly probes: PipelineProbes,
  ) {
    const registers = [registry];
    this.relayPublished = new Counter({
      name: 'junheng_relay_published_events_total',
      help: 'Events the relay published to Kafka (a batch republished after a crash counts again).',
      registers,
    });
    this.relayBatchSize = new Histogram({
      name: 'junheng_relay_batch_size_events',
      help: 'Events per batch the relay published.',
      buckets: BATCH_SIZE_BUCKETS,
      registers,
    });
    this.projectorBatchSize = new Histogram({
      name: 'junheng_projector_batch_size_events',
      help: 'Events per batch the projector applied to ClickHouse.',
      buckets: BATCH_SIZE_BUCKETS,
      registers,
    });
    this.insertDuration = new Histogram({
      name: 'junheng_projector_insert_duration_seconds',
      help: 'Time of one projector insert into a ClickHouse table.',
      labelNames: ['table'],
      buckets: INSERT_DURATION_BUCKETS,
      registers,
    });
    this.deadLetters = new Counter({
      name: 'junheng_projector_dead_lettered_events_total',
      help: 'Events the projector could not apply and set aside, by reason.',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of Object.keys(POISON_REASONS)) this.deadLetters.inc({ reason }, 0);
    this.duplicates = new Counter({
      name: 'junheng_projector_duplicates_skipped_events_total',
      help: 'Redelivered events the projector recognised as already applied and skipped.',
      registers,
    });
    this.defineScrapeTimeGauges(registry);
  }

  /** The relay published a batch of `size` events (an idle poll is not a batch). */
  relayBatch(size: number): void {
    if (size <= 0) return;
    this.relayPublished.inc(size);
    this.relayBatchSize.observe(size);
  }

  /** The projector applied a batch of `size` events (an empty delivery is not a batch). */
  projectorBatch(size: number): void {
    if (size <= 0) return;
    this.projectorBatchSize.observe(size);
  }

  /** Starts timing an insert into `table`; call the answer when it resolved. */
  timeInsert(table: string): () => void {
    const end = this.insertDuration.startTimer({ table });
    return () => {
      end();
    };
  }

  /** `count` events set aside for `reason` (a poison reason, or why a sound event waits). */
  deadLettered(reason: string, count = 1): void {
    this.deadLetters.inc({ reason }, count);
  }

  duplicatesSkipped(count: number): void {
    if (count > 0) this.duplicates.inc(count);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.probes.close();
  }

  private defineScrapeTimeGauges(registry: Registry): void {
    const registers = [registry];
    const { relayLag, consumerLag, watermark } = this.probes;
    const probes: Array<BoundedProbe<unknown>> = [];
    const failures = new Counter({
      name: 'junheng_metrics_probe_failures_total',
      help: 'Scrape-time readings that failed or took too long; their gauges kept their previous values.',
      labelNames: ['probe'],
      registers,
      // Joins this scrape's readings, so the count includes a failure of the scrape it is in.
      async collect() {
        await Promise.all(probes.map((probe) => probe.sample()));
      },
    });
    const bounded = <T>(probe: ProbeName, read: () => Promise<T>): BoundedProbe<T> => {
      failures.inc({ probe }, 0);
      const reading = new BoundedProbe(read, () => failures.inc({ probe }));
      probes.push(reading);
      return reading;
    };

    if (relayLag !== null) {
      const reading = bounded('relay_lag', relayLag);
      new Gauge({
        name: 'junheng_relay_lag_events',
        help: 'Events committed in the event store that the relay has not published yet.',
        registers,
        async collect() {
          const lag = await reading.sample();
          if (lag !== undefined) this.set(lag);
        },
      });
    }

    if (consumerLag !== null) {
      const reading = bounded('consumer_lag', consumerLag);
      new Gauge({
        name: 'junheng_consumer_lag_messages',
        help: "Messages on each partition of the event topic beyond the projector group's committed offset.",
        labelNames: ['topic', 'partition'],
        registers,
        async collect() {
          const lags = await reading.sample();
          if (lags === undefined) return;
          this.reset();
          for (const { topic, partition, messages } of lags) {
            this.set({ topic, partition: String(partition) }, messages);
          }
        },
      });
    }

    if (watermark !== null) {
      const reading = bounded('projection_watermark', watermark);
      const fromWatermark = (name: string, help: string, value: (mark: Watermark) => number) =>
        new Gauge({
          name,
          help,
          registers,
          async collect() {
            const mark = await reading.sample();
            if (mark !== undefined) this.set(value(mark));
          },
        });
      fromWatermark(
        'junheng_projection_watermark_global_position',
        'Global position of the furthest event applied to the ClickHouse projections.',
        (mark) => mark.globalPosition,
      );
      fromWatermark(
        'junheng_projection_watermark_transaction_id',
        'Transaction id of the furthest event applied to the ClickHouse projections.',
        (mark) => mark.transactionId,
      );
      fromWatermark(
        'junheng_projection_watermark_recorded_at_seconds',
        'When the store recorded the last event applied to the projections (unix seconds; 0 before the first).',
        (mark) => (mark.recordedAt === null ? 0 : Date.parse(mark.recordedAt) / 1_000),
      );
    }
  }
}
