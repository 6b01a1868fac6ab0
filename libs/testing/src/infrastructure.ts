import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** What the global setup found or started, shared with the test workers through a file. */
export interface Infrastructure {
  readonly postgresUrl: string | null;
  readonly kafkaBrokers: string | null;
  readonly notes: readonly string[];
}

const STATE_FILE = join(
  tmpdir(),
  `junheng-test-infrastructure-${process.ppid}-${process.pid}.json`,
);
const STATE_FILE_ENV = 'JUNHENG_TEST_INFRASTRUCTURE_FILE';
const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');

export const DEFAULT_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

export function isCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

export function reachable(hostPort: string, timeoutMs = 1_000): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((done) => {
    const socket = createConnection({ host: host ?? '127.0.0.1', port: Number(port) });
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

function hostPortOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port === '' ? '5432' : parsed.port}`;
}

function runScript(script: string, args: readonly string[]): string | null {
  const path = join(PROJECT_ROOT, 'infra', 'local', script);
  if (!existsSync(path)) return `${script} is missing`;
  try {
    execFileSync('bash', [path, ...args], { stdio: 'inherit', timeout: 300_000 });
    return null;
  } catch (error) {
    return `${script} ${args.join(' ')} failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Finds PostgreSQL and Kafka, starting them through infra/local when they are not reachable. */
export async function prepareInfrastructure(): Promise<Infrastructure> {
  const notes: string[] = [];
  const postgresUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_POSTGRES_URL;
  let postgresUp = await reachable(hostPortOf(postgresUrl));
  if (!postgresUp && process.env.TEST_DATABASE_URL === undefined) {
    const failure = runScript('postgres.sh', ['start']);
    if (failure !== null) notes.push(failure);
    postgresUp = await reachable(hostPortOf(postgresUrl));
  }
  if (!postgresUp) notes.push(`PostgreSQL is not reachable at ${hostPortOf(postgresUrl)}`);

  const kafkaBrokers = process.env.TEST_KAFKA_BROKERS ?? DEFAULT_KAFKA_BROKERS;
  const firstBroker = kafkaBrokers.split(',')[0] ?? DEFAULT_KAFKA_BROKERS;
  let kafkaUp = await reachable(firstBroker);
  if (!kafkaUp && process.env.TEST_KAFKA_BROKERS === undefined) {
    const failure = runScript('kafka.sh', ['start']) ?? runScript('kafka.sh', ['wait']);
    if (failure !== null) notes.push(failure);
    kafkaUp = await reachable(firstBroker);
  }
  if (!kafkaUp) notes.push(`Kafka is not reachable at ${firstBroker}`);

  const infrastructure: Infrastructure = {
    postgresUrl: postgresUp ? postgresUrl : null,
    kafkaBrokers: kafkaUp ? kafkaBrokers : null,
    notes,
  };
  writeFileSync(STATE_FILE, JSON.stringify(infrastructure));
  process.env[STATE_FILE_ENV] = STATE_FILE;
  return infrastructure;
}

export function infrastructure(): Infrastructure {
  const file = process.env[STATE_FILE_ENV];
  if (file === undefined || !existsSync(file)) {
    return { postgresUrl: null, kafkaBrokers: null, notes: ['the jest global setup did not run'] };
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Infrastructure;
}
