import { setTimeout as pause } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import {
  EVENT_STORE,
  EventStoreException,
  START_OF_LOG,
  compareLogPositions,
} from '@junheng/event-store';
import type { EventStore, LogPosition } from '@junheng/event-store';
import { HealthRegistry, JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { syntheticProvince } from '@junheng/synthetic-province';
import { CommandKeys } from '../commands/command-keys';
import { systemCommandContext } from '../commands/system-command-context';
import { ProjectionProgress } from '../dashboard/projection-progress';
import { DEMO_PROVINCE, demoAppendRequests, demoBatches, demoKeyName } from './demo-province';

/**
 * Where the demo load ended in the log, kept once every batch is in: a later start knows the
 * demo is whole without generating it again, and readiness waits for the projection to get there.
 */
export const DEMO_CHECKPOINT = 'demo-data';

type DemoPhase =
  | { readonly phase: 'checking' }
  | { readonly phase: 'loading'; readonly appended: number; readonly events: number }
  | { readonly phase: 'projecting'; readonly target: LogPosition }
  | { readonly phase: 'ready' }
  | { readonly phase: 'skipped' }
  | { readonly phase: 'failed'; readonly reason: string };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Fills an empty event store with the demo province (DEMO_PROVINCE: the `small` synthetic
 * province, every indicator with values in every district), appended in batches of many streams
 * per transaction — one command at a time would take minutes on PGlite. Its events are what the
 * product decides (the generator's student facts come from the student decider). The load runs
 * in the background, so the api answers at once and `GET /health/ready` says `demoData` is down
 * until the province is appended and projected. A load stopped half-way (a restart, a crash) is
 * resumed by the next start: the committed batches are replayed by their keys, the rest appended.
 */
@Injectable()
export class DemoDataLoader implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private state: DemoPhase = { phase: 'checking' };
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(JUNHENG_CONFIG) private readonly config: JunhengConfig,
    private readonly keys: CommandKeys,
    private readonly progress: ProjectionProgress,
    health: HealthRegistry,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(DemoDataLoader.name);
    if (config.demoData) health.register('demoData', () => this.readiness());
  }

  onApplicationBootstrap(): void {
    if (!this.config.demoData) return;
    this.running = this.run().catch((error: unknown) => {
      // Readiness is anonymous: it names the kind of failure, the log has the rest.
      const reason =
        error instanceof EventStoreException
          ? error.code
          : error instanceof Error
            ? error.name
            : 'unknown error';
      this.state = { phase: 'failed', reason };
      this.logger.error({ err: error }, 'the demo data could not be loaded');
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Stops between two batches: each is one transaction, so the store holds whole batches.
    this.stopping = true;
    await this.running;
  }

  private async readiness(): Promise<void> {
    const state = this.state;
    switch (state.phase) {
      case 'ready':
      case 'skipped':
        return;
      case 'checking':
        throw new Error('looking for the demo data');
      case 'loading':
        throw new Error(
          `loading the demo province: ${state.appended} of ${state.events} events appended`,
        );
      case 'projecting': {
        const { freshness } = await this.progress.state();
        if (compareLogPositions(freshness, state.target) >= 0) return;
        const left = await this.store.countAfter(freshness);
        throw new Error(`projecting the demo province: ${left} events to go`);
      }
      case 'failed':
        throw new Error(
          `the demo data could not be loaded (${state.reason}); the next start resumes it`,
        );
    }
  }

  private async run(): Promise<void> {
    const done = await this.store.loadCheckpoint(DEMO_CHECKPOINT);
    if (compareLogPositions(done, START_OF_LOG) > 0) return this.awaitProjection(done, Date.now());
    const empty = (await this.store.readAll({ after: START_OF_LOG, limit: 1 })).length === 0;
    // A key's stored form does not depend on the request it is bound to.
    const firstKey = this.keyOf(demoKeyName(1), null).key;
    if (!empty && (await this.store.findIdempotentAppend(firstKey)) === null) {
      this.state = { phase: 'skipped' };
      this.logger.info('the event store holds other data: no demo data loaded');
      return;
    }
    const started = Date.now();
    const last = await this.append({ resumed: !empty, started });
    if (last !== null) await this.awaitProjection(last, started);
  }

  /**
   * Generates the province and appends it, batch by batch; answers where it ended in the log,
   * or null when the api stopped first. The province is let go before the projection is awaited.
   */
  private async append(log: { resumed: boolean; started: number }): Promise<LogPosition | null> {
    // PGlite runs on this thread and answers through promises alone, so a chain of batches
    // would never let the event loop turn (the api would not even listen before the end): a
    // timer's pause before each step lets requests, readiness and the projector's polls in.
    await pause(0);
    const province = syntheticProvince(DEMO_PROVINCE);
    const requests = demoAppendRequests(province, (name, body) => this.keyOf(name, body));
    const generatedMs = Date.now() - log.started;
    const events = province.events.length;
    let appended = 0;
    let last: LogPosition = START_OF_LOG;
    this.state = { phase: 'loading', appended, events };
    for (const batch of demoBatches(requests)) {
      await pause(0);
      if (this.stopping) return null;
      const results = await this.store.appendBatch(batch);
      for (const result of results) {
        appended += result.events.length;
        const event = result.events.at(-1);
        if (event !== undefined && compareLogPositions(event, last) > 0) last = event;
      }
      this.state = { phase: 'loading', appended, events };
    }
    const position = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    await this.store.saveCheckpoint(DEMO_CHECKPOINT, position);
    this.logger.info(
      {
        events,
        streams: new Set(province.events.map((event) => event.streamId)).size,
        districts: province.districts.length,
        schools: province.schools.length,
        students: province.students,
        resumed: log.resumed,
        generatedMs,
        appendedMs: Date.now() - log.started - generatedMs,
      },
      'demo province appended',
    );
    return position;
  }

  /** Until the projection has applied the demo's last event: readiness, and one log line. */
  private async awaitProjection(target: LogPosition, started: number): Promise<void> {
    this.state = { phase: 'projecting', target };
    while (!this.stopping) {
      const { freshness } = await this.progress.state();
      if (compareLogPositions(freshness, target) >= 0) {
        this.state = { phase: 'ready' };
        this.logger.info({ sinceStartMs: Date.now() - started }, 'demo province projected');
        return;
      }
      await sleep(1_000);
    }
  }

  private keyOf(name: string, body: unknown): { key: string; fingerprint: string | null } {
    return this.keys.of(
      systemCommandContext({
        actor: 'demo-data',
        key: name,
        command: body,
        correlationId: 'demo-data',
      }),
    );
  }
}
