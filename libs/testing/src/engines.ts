import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { infrastructure, isCi } from './infrastructure';

type Engine = 'PostgreSQL' | 'Kafka';

/**
 * `describe` for suites that need a real engine: skipped with a loud message when the engine
 * could not be made available, and failing instead under CI=true.
 */
export function describeWith(engines: readonly Engine[], name: string, body: () => void): void {
  const found = infrastructure();
  const missing = engines.filter((engine) =>
    engine === 'PostgreSQL' ? found.postgresUrl === null : found.kafkaBrokers === null,
  );
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const reason = `${missing.join(' and ')} not available (${found.notes.join('; ')})`;
  if (isCi()) {
    describe(name, () => {
      it('has its engines available (CI=true forbids skipping)', () => {
        throw new Error(`${name}: ${reason}`);
      });
    });
    return;
  }
  process.stderr.write(`\n!! SKIPPED "${name}": ${reason}\n`);
  describe.skip(name, body);
}

export function postgresUrl(): string {
  const url = infrastructure().postgresUrl;
  if (url === null) throw new Error('PostgreSQL is not available');
  return url;
}

export function kafkaBrokers(): string[] {
  const brokers = infrastructure().kafkaBrokers;
  if (brokers === null) throw new Error('Kafka is not available');
  return brokers.split(',');
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** A fresh PostgreSQL database for one test file; `drop` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = postgresUrl();
  const name = uniqueName('junheng_test');
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
