import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { reachable } from './infrastructure';

const KAFKA_SCRIPT = join(resolve(__dirname, '..', '..', '..'), 'infra', 'local', 'kafka.sh');
const WAIT_SECONDS = 60;
const STOP_SECONDS = 20;
/** Past the script's own bounds, so the script reports first and says why. */
const SCRIPT_TIMEOUT_MS = (WAIT_SECONDS + STOP_SECONDS + 30) * 1_000;

export interface DisposableKafkaOptions {
  /** The `KAFKA_INSTANCE` name: config, data, logs and pid file apart from the shared broker. */
  readonly instance: string;
  readonly port: number;
  readonly controllerPort: number;
}

/**
 * A broker of its own for a test that stops and restarts Kafka: the shared broker on 9092
 * serves every other test file and must never go down. Driven through infra/local/kafka.sh,
 * so it runs the same jars and settings as the shared one.
 */
export interface DisposableKafka {
  readonly brokers: string[];
  /** Starts the broker (keeping its data) and resolves once it answers requests. */
  start(): Promise<void>;
  /** Stops the broker (controlled shutdown); topics and committed offsets stay. */
  stop(): Promise<void>;
  /** Stops the broker and deletes everything it stored. */
  remove(): Promise<void>;
}

/**
 * Starts a fresh disposable broker: whatever an earlier, interrupted run left under the same
 * instance name (a running broker, old data) is removed first.
 */
export async function startDisposableKafka(
  options: DisposableKafkaOptions,
): Promise<DisposableKafka> {
  const kafka = disposableKafka(options);
  await kafka.remove();
  // kafka.sh takes any broker answering on the port for its own and does nothing: a test
  // would then "stop" a broker it cannot stop.
  if (await reachable(`127.0.0.1:${options.port}`)) {
    throw new Error(
      `127.0.0.1:${options.port} is taken by something else; cannot run a disposable Kafka there`,
    );
  }
  await kafka.start();
  return kafka;
}

export function disposableKafka(options: DisposableKafkaOptions): DisposableKafka {
  // Async on purpose: a synchronous child would freeze the event loop, and with it the app
  // under test, for the seconds a broker takes to stop or start.
  const run = (...args: string[]): Promise<void> =>
    new Promise((done, fail) => {
      execFile(
        'bash',
        [KAFKA_SCRIPT, ...args],
        {
          env: {
            ...process.env,
            KAFKA_INSTANCE: options.instance,
            KAFKA_PORT: String(options.port),
            KAFKA_CONTROLLER_PORT: String(options.controllerPort),
            KAFKA_WAIT_TIMEOUT: String(WAIT_SECONDS),
            KAFKA_STOP_TIMEOUT: String(STOP_SECONDS),
          },
          timeout: SCRIPT_TIMEOUT_MS,
        },
        (error, stdout, stderr) => {
          if (error === null) {
            done();
            return;
          }
          fail(
            new Error(
              `kafka.sh ${args.join(' ')} (instance ${options.instance}) failed: ${error.message}\n${stdout}${stderr}`,
            ),
          );
        },
      );
    });
  const broker = `127.0.0.1:${options.port}`;
  return {
    brokers: [broker],
    start: async () => {
      await run('start');
      await run('wait');
    },
    stop: async () => {
      await run('stop');
      // kafka.sh leaves alone a broker it has no pid file for; an outage test must know.
      if (await reachable(broker)) throw new Error(`${broker} still answers after stop`);
    },
    remove: () => run('remove'),
  };
}
