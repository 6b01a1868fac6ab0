import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '@junheng/platform';
import { chdbTestPath, createTestDatabase, kafkaBrokers, uniqueName } from '@junheng/testing';

/** One way of running Junheng end to end, with the engines its tests need. */
export interface Topology {
  readonly name: string;
  readonly engines: readonly ('PostgreSQL' | 'Kafka')[];
  readonly viaKafka: boolean;
  readonly environment: () => Promise<{ env: Environment; cleanUp: () => Promise<void> }>;
}

/** The embedded default and the servers topology (projector in-process, so chDB is shared). */
export const TOPOLOGIES: readonly Topology[] = [
  {
    name: 'embedded: PGlite + store tail + chDB',
    engines: [],
    viaKafka: false,
    environment: () => {
      const pgliteDir = mkdtempSync(join(tmpdir(), 'junheng-e2e-pglite-'));
      return Promise.resolve({
        env: {
          PGLITE_DATA_DIR: pgliteDir,
          CHDB_DATA_DIR: chdbTestPath(),
          CLICKHOUSE_DATABASE: uniqueName('e2e'),
          JUNHENG_POLL_INTERVAL_MS: '20',
          LOG_LEVEL: 'warn',
          // The embedded default loads the demo province (80,000 events): a test asks for it.
          JUNHENG_DEMO_DATA: 'false',
        },
        cleanUp: () => Promise.resolve(rmSync(pgliteDir, { recursive: true, force: true })),
      });
    },
  },
  {
    name: 'servers: PostgreSQL + Kafka + chDB',
    engines: ['PostgreSQL', 'Kafka'],
    viaKafka: true,
    environment: async () => {
      const database = await createTestDatabase();
      return {
        env: {
          DATABASE_URL: database.url,
          KAFKA_BROKERS: kafkaBrokers().join(','),
          KAFKA_TOPIC: uniqueName('e2e.events'),
          KAFKA_TOPIC_PARTITIONS: '3',
          KAFKA_CONSUMER_GROUP: uniqueName('e2e-projector'),
          CHDB_DATA_DIR: chdbTestPath(),
          CLICKHOUSE_DATABASE: uniqueName('e2e'),
          JUNHENG_POLL_INTERVAL_MS: '20',
          LOG_LEVEL: 'warn',
        },
        cleanUp: database.drop,
      };
    },
  },
];
