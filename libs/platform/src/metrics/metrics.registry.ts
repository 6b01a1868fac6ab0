import { Registry, collectDefaultMetrics } from 'prom-client';

/** The process's one Prometheus registry; every instrument registers on it. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** Every Junheng metric name starts with this, the process metrics included. */
export const METRIC_PREFIX = 'junheng_';

/**
 * A registry of its own rather than prom-client's global one: tests start several applications
 * in one process, and each must expose only its own instruments.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}
