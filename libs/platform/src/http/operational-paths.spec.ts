import { isOperationalPath } from './operational-paths';

describe('operational paths', () => {
  it('are the health probes and the metrics scrape, with or without a query string', () => {
    for (const path of ['/health/live', '/health/ready', '/health', '/metrics', '/metrics?x=1']) {
      expect(isOperationalPath(path)).toBe(true);
    }
  });

  it('are not routes that merely start with the same letters', () => {
    for (const path of ['/metricsx', '/healthy', '/v1/metrics', '/v1/audit', '/']) {
      expect(isOperationalPath(path)).toBe(false);
    }
  });
});
