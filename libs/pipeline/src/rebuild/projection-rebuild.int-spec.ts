import { randomUUID } from 'node:crypto';
import {
  ANALYTICS_MIGRATIONS,
  DeadLetterStore,
  PROJECTIONS,
  ProjectionWriter,
  freezeProjectionMerges,
  lessonExchangesProjection,
  migrateAnalytics,
} from '@junheng/analytics';
import type { AnalyticsClient } from '@junheng/analytics';
import { PgliteExecutor, START_OF_LOG, SqlEventStore } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import { STORE_TAIL_SOURCE, StoreTailEventSource, eventsOf } from '@junheng/messaging';
import { eventually, openTestAnalytics } from '@junheng/testing';
import { rebuildProjection } from './projection-rebuild';

const quiet = { error: () => undefined };

/**
 * The lesson-exchange table rebuilt from the log while facts keep arriving and a dashboard
 * keeps reading: every read sees a whole table (its count never drops), and at the end the
 * new table holds every event exactly once.
 */
describe('a projection rebuilt blue-green under live traffic', () => {
  let analytics: AnalyticsClient;
  let store: EventStore;
  let appended = 0;

  beforeAll(async () => {
    analytics = await openTestAnalytics();
    await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
    await freezeProjectionMerges(analytics);
    store = new SqlEventStore(await PgliteExecutor.open());
    await store.migrate();
  });
  afterAll(async () => {
    await store.close();
    await analytics.close();
  });

  async function appendExchange(): Promise<void> {
    appended += 1;
    await store.append({
      streamId: `lesson-exchange-${randomUUID()}`,
      streamType: 'lesson-exchange',
      expectedVersion: 0,
      metadata: {
        actor: 'test',
        actorRole: null,
        actorScope: null,
        commandId: null,
        correlationId: null,
      },
      events: [
        {
          eventId: randomUUID(),
          type: 'LessonExchanged',
          schemaVersion: 1,
          occurredAt: '2024-10-15T00:00:00.000Z',
          districtCode: '440311',
          data: {
            exchangeId: `x${appended}`,
            districtCode: '440311',
            hostSchoolCode: '3144031101',
            visitingSchoolCode: '3144030501',
            kind: 'open',
            subject: 'arts',
            date: '2024-10-15',
            attendees: 2,
          },
        },
      ],
    });
  }

  const tableState = async () =>
    (
      await analytics.query<{ rows: string; distinct: string; final: string; id: string }>(
        `SELECT
           (SELECT count() FROM {db:Identifier}.lesson_exchanges) AS rows,
           (SELECT uniqExact(event_id) FROM {db:Identifier}.lesson_exchanges) AS distinct,
           (SELECT count() FROM {db:Identifier}.lesson_exchanges FINAL) AS final,
           (SELECT toString(uuid) FROM system.tables
             WHERE database = {db:String} AND name = 'lesson_exchanges') AS id`,
      )
    )[0]!;

  it('swaps in a complete table, carries over what arrived meanwhile, and loses nothing', async () => {
    for (let index = 0; index < 300; index += 1) await appendExchange();
    const liveWriter = new ProjectionWriter(analytics, PROJECTIONS);
    const live = new StoreTailEventSource(
      store,
      { load: (source) => liveWriter.checkpoint(source) },
      { batchSize: 25, idleDelayMs: 10, logger: quiet },
    );
    await live.start((batch) => liveWriter.apply({ ...batch, events: eventsOf(batch) }));
    await eventually(async () => expect(Number((await tableState()).rows)).toBe(300), {
      timeoutMs: 60_000,
    });
    const before = await tableState();
    const checkpointBefore = await liveWriter.checkpoint(STORE_TAIL_SOURCE);
    const rebuildsBefore = (await liveWriter.appliedState()).rebuilds;

    // Live traffic and a dashboard reading, both for as long as the rebuild runs.
    let running = true;
    const traffic = (async () => {
      while (running) {
        await appendExchange();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    // What a dashboard sees: how many exchanges, and up to which event of the log.
    const reads: Array<{ rows: number; upTo: number }> = [];
    const watermarks: number[] = [];
    const reader = (async () => {
      while (running) {
        const [read] = await analytics.query<{ rows: string; upTo: string }>(
          `SELECT count() AS rows, max(global_position) AS upTo
           FROM {db:Identifier}.lesson_exchanges FINAL`,
        );
        reads.push({ rows: Number(read!.rows), upTo: Number(read!.upTo) });
        watermarks.push((await liveWriter.watermark()).globalPosition);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();

    const report = await rebuildProjection({
      analytics,
      projection: lessonExchangesProjection,
      source: new StoreTailEventSource(
        store,
        { load: () => Promise.resolve(START_OF_LOG) },
        { batchSize: 40, idleDelayMs: 10, logger: quiet },
      ),
      sourcePrefix: STORE_TAIL_SOURCE,
      deadLetters: new DeadLetterStore(analytics),
      pollIntervalMs: 20,
      settleMs: 300,
    });
    // Keep the traffic up a little after the swap: the live writer must follow the new table.
    await new Promise((resolve) => setTimeout(resolve, 300));
    running = false;
    await Promise.all([traffic, reader]);
    await eventually(async () => expect(Number((await tableState()).rows)).toBe(appended), {
      timeoutMs: 60_000,
    });
    await live.stop();
    // The freshness every answer shows only moved forward: the rebuild wrote no checkpoints
    // over the live projector's.
    expect(checkpointBefore.globalPosition).toBe(300);
    expect(watermarks.length).toBeGreaterThan(10);
    for (const [index, watermark] of watermarks.entries()) {
      if (index > 0) expect(watermark).toBeGreaterThanOrEqual(watermarks[index - 1]!);
    }
    expect((await liveWriter.checkpoint(STORE_TAIL_SOURCE)).globalPosition).toBe(appended);
    // The swap is part of what the read models are a function of: the version dashboards,
    // ETags and the figure cache rest on moves with it, though no checkpoint did.
    expect((await liveWriter.appliedState()).rebuilds).toBe(rebuildsBefore + 1);

    const after = await tableState();
    expect(report).toMatchObject({ table: 'lesson_exchanges', version: 2 });
    expect(report.rowsBuilt).toBeGreaterThanOrEqual(300);
    expect(after.id).not.toBe(before.id);
    expect(after).toMatchObject({
      rows: String(appended),
      distinct: String(appended),
      final: String(appended),
    });
    expect(appended).toBeGreaterThan(300);
    // Never a half-built table: every read saw a whole prefix of the log (this store numbers
    // its events 1, 2, 3… with no gaps, so a whole prefix up to n has n rows), and never less
    // than the read before it — not even across the swap.
    expect(reads.length).toBeGreaterThan(10);
    for (const [index, read] of reads.entries()) {
      expect(read.rows).toBe(read.upTo);
      if (index > 0) expect(read.rows).toBeGreaterThanOrEqual(reads[index - 1]!.rows);
    }
    expect(reads[0]!.rows).toBeGreaterThanOrEqual(300);
    const tables = await analytics.query<{ name: string }>(
      "SELECT name FROM system.tables WHERE database = {db:String} AND name LIKE 'lesson_exchanges%'",
    );
    expect(tables.map((table) => table.name)).toEqual(['lesson_exchanges']);
    const [recorded] = await analytics.query<{ version: number }>(
      'SELECT version FROM {db:Identifier}.projection_rebuilds',
    );
    expect(Number(recorded!.version)).toBe(2);
  });
});
