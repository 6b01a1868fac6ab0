import { Registry } from 'prom-client';
import type { Watermark } from '@junheng/analytics';
import { PROBE_TIMEOUT_MS, PipelineMetrics } from './pipeline-metrics';
import type { PipelineProbes } from './pipeline-metrics';

const noProbes: PipelineProbes = {
  relayLag: null,
  consumerLag: null,
  watermark: null,
  close: async () => undefined,
};

async function valuesOf(registry: Registry, name: string) {
  const metric = (await registry.getMetricsAsJSON()).find((candidate) => candidate.name === name);
  return metric?.values.map(({ labels, value }) => ({ labels, value }));
}

describe('pipeline metrics', () => {
  it('exposes only the gauges of the parts that run in this process', async () => {
    const registry = new Registry();
    new PipelineMetrics(registry, {
      ...noProbes,
      watermark: async (): Promise<Watermark> => ({
        transactionId: 812,
        globalPosition: 40,
        recordedAt: '2024-10-15T08:00:00.000Z',
        sources: 1,
      }),
    });
    const text = await registry.metrics();
    expect(text).not.toContain('junheng_relay_lag_events');
    expect(text).not.toContain('junheng_consumer_lag_messages');
    expect(text).toContain('junheng_projection_watermark_global_position 40\n');
    expect(text).toContain('junheng_projection_watermark_transaction_id 812\n');
    expect(text).toContain(
      `junheng_projection_watermark_recorded_at_seconds ${Date.parse('2024-10-15T08:00:00Z') / 1000}\n`,
    );
  });

  it('reads one watermark per scrape for its three gauges', async () => {
    const registry = new Registry();
    let reads = 0;
    new PipelineMetrics(registry, {
      ...noProbes,
      watermark: async () => {
        reads += 1;
        return { transactionId: 1, globalPosition: 1, recordedAt: null, sources: 0 };
      },
    });
    await registry.metrics();
    expect(reads).toBe(1);
    await registry.metrics();
    expect(reads).toBe(2);
  });

  it('counts what the relay and the projector report', async () => {
    const registry = new Registry();
    const metrics = new PipelineMetrics(registry, noProbes);
    metrics.relayBatch(2_000);
    metrics.relayBatch(0);
    metrics.relayBatch(37);
    metrics.projectorBatch(37);
    metrics.deadLettered('malformed', 2);
    metrics.duplicatesSkipped(3);
    const end = metrics.timeInsert('lesson_exchanges');
    end();
    expect(await valuesOf(registry, 'junheng_relay_published_events_total')).toEqual([
      { labels: {}, value: 2_037 },
    ]);
    const text = await registry.metrics();
    expect(text).toContain('junheng_relay_batch_size_events_count 2\n');
    expect(text).toContain('junheng_relay_batch_size_events_bucket{le="100"} 1\n');
    expect(text).toContain('junheng_projector_batch_size_events_sum 37\n');
    expect(text).toContain('junheng_projector_dead_lettered_events_total{reason="malformed"} 2\n');
    expect(text).toContain(
      'junheng_projector_dead_lettered_events_total{reason="unknown-type"} 0\n',
    );
    expect(text).toContain('junheng_projector_duplicates_skipped_events_total 3\n');
    expect(text).toContain(
      'junheng_projector_insert_duration_seconds_count{table="lesson_exchanges"} 1\n',
    );
  });

  describe('when a dependency does not answer', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('answers the scrape in bounded time with the previous values, and starts no second reading', async () => {
      const registry = new Registry();
      let reads = 0;
      let answer: ((lag: number) => void) | undefined;
      new PipelineMetrics(registry, {
        ...noProbes,
        relayLag: () => {
          reads += 1;
          // The first reading answers; the second hangs until the test lets it.
          return reads === 1 ? Promise.resolve(42) : new Promise((resolve) => (answer = resolve));
        },
        consumerLag: () => Promise.reject(new Error('broker down')),
      });

      expect(await valuesOf(registry, 'junheng_relay_lag_events')).toEqual([
        { labels: {}, value: 42 },
      ]);

      const hanging = registry.metrics();
      await jest.advanceTimersByTimeAsync(PROBE_TIMEOUT_MS + 1);
      const text = await hanging;
      expect(text).toContain('junheng_relay_lag_events 42\n');
      expect(text).toContain('junheng_metrics_probe_failures_total{probe="relay_lag"} 1\n');
      // A failed reading leaves the per-partition gauge empty rather than inventing a value.
      expect(text).toContain('junheng_metrics_probe_failures_total{probe="consumer_lag"} 2\n');
      expect(text).not.toMatch(/^junheng_consumer_lag_messages\{/m);

      // The next scrape joins the reading still under way instead of starting another.
      const next = registry.metrics();
      answer!(7);
      expect(await next).toContain('junheng_relay_lag_events 7\n');
      expect(reads).toBe(2);
    });
  });
});
