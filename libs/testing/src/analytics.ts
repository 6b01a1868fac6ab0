import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyticsClient } from '@junheng/analytics';
import { uniqueName } from './engines';

/**
 * chDB binds one data directory per process, so every test file in a jest worker shares this
 * path and isolates itself with a database of its own.
 */
export function chdbTestPath(): string {
  return join(tmpdir(), `junheng-test-chdb-${process.pid}`);
}

export async function openTestAnalytics(
  options: { chdbReadConnections?: number } = {},
): Promise<AnalyticsClient> {
  return AnalyticsClient.open({
    database: uniqueName('junheng_test'),
    chdbPath: chdbTestPath(),
    url: process.env.TEST_CLICKHOUSE_URL,
    ...options,
  });
}
