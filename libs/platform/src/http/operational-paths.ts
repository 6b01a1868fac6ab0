const OPERATIONAL_PATH = /^\/(?:health|metrics)(?:[/?]|$)/;

/**
 * Health probes and metrics scrapes: orchestrators and Prometheus call them every few seconds,
 * anonymously, and they touch no facts, so they are neither request-logged nor audited.
 */
export function isOperationalPath(path: string): boolean {
  return OPERATIONAL_PATH.test(path);
}
