import { randomUUID } from 'node:crypto';
import { deterministicEventId } from './event-ids';
import { EventStoreErrorCode, EventStoreException } from './event-store.exception';
import { START_OF_LOG, compareLogPositions } from './event-store.port';
import type {
  AppendRequest,
  EventStore,
  LogPosition,
  NewEvent,
  RecordedEvent,
} from './event-store.port';

export interface EventStoreContractOptions {
  /** A store over an empty, migrated database. */
  readonly open: () => Promise<EventStore>;
  /** Whether appends can run in parallel transactions (PostgreSQL) or one at a time (PGlite). */
  readonly concurrentTransactions: boolean;
  /**
   * When a fresh store's transaction ids gain a digit within this many transactions (PGlite
   * starts near 750), the contract crosses that boundary: commit order must stay numeric. The
   * SQL is the same for every adapter, so one adapter proving it covers all.
   */
  readonly transactionIdsGainADigitWithin?: number;
  /** Opens a transaction that appends `events` to `streamId` and stays open until `commit`. */
  readonly holdAppendOpen?: (
    streamId: string,
    events: readonly NewEvent[],
    idempotency?: { readonly idempotencyKey: string; readonly requestFingerprint: string },
  ) => Promise<{ commit: () => Promise<void> }>;
}

const metadata = {
  actor: 'test',
  actorRole: 'district-clerk',
  actorScope: '44/4403/440311',
  commandId: null,
  correlationId: null,
};

function newEvent(type = 'LessonExchanged', data: Record<string, unknown> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    occurredAt: '2024-10-15T00:00:00.000Z',
    districtCode: '440311',
    data,
  };
}

function position(event: RecordedEvent): LogPosition {
  return { transactionId: event.transactionId, globalPosition: event.globalPosition };
}

async function readEverything(store: EventStore, after: LogPosition = START_OF_LOG) {
  const all: RecordedEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: 3 });
    if (page.length === 0) return all;
    all.push(...page);
    cursor = position(page.at(-1)!);
  }
}

/** The contract every event store adapter passes (style.md, rule 10). */
export function eventStoreContract(options: EventStoreContractOptions): void {
  let store: EventStore;
  beforeEach(async () => {
    store = await options.open();
  });
  afterEach(async () => {
    await store.close();
  });

  describe('append with expected version', () => {
    it('appends to a new stream at version 0 and numbers events from 1', async () => {
      const streamId = `lesson-${randomUUID()}`;
      const result = await store.append({
        streamId,
        streamType: 'lesson-exchange',
        expectedVersion: 0,
        events: [newEvent(), newEvent()],
        metadata,
      });
      expect(result.streamVersion).toBe(2);
      expect(result.replayed).toBe(false);
      expect(result.events.map((event) => event.streamVersion)).toEqual([1, 2]);
      expect(result.events[0]!.globalPosition).toBeLessThan(result.events[1]!.globalPosition);
      expect(result.events[0]!.actor).toBe('test');
      expect(Date.parse(result.events[0]!.recordedAt)).not.toBeNaN();
    });

    it('rejects a stale expected version with a typed conflict and appends nothing', async () => {
      const streamId = `lesson-${randomUUID()}`;
      await store.append({
        streamId,
        streamType: 's',
        expectedVersion: 0,
        events: [newEvent()],
        metadata,
      });
      const stale = store.append({
        streamId,
        streamType: 's',
        expectedVersion: 0,
        events: [newEvent()],
        metadata,
      });
      await expect(stale).rejects.toMatchObject({
        code: EventStoreErrorCode.WrongExpectedVersion,
        details: { streamId, expectedVersion: 0, actualVersion: 1 },
      });
      await expect(stale).rejects.toBeInstanceOf(EventStoreException);
      expect(await store.readStream(streamId)).toHaveLength(1);
    });

    it('appends at the current version and with "any"', async () => {
      const streamId = `lesson-${randomUUID()}`;
      await store.append({
        streamId,
        streamType: 's',
        expectedVersion: 0,
        events: [newEvent()],
        metadata,
      });
      await store.append({
        streamId,
        streamType: 's',
        expectedVersion: 1,
        events: [newEvent()],
        metadata,
      });
      const any = await store.append({
        streamId,
        streamType: 's',
        expectedVersion: 'any',
        events: [newEvent()],
        metadata,
      });
      expect(any.streamVersion).toBe(3);
    });

    it('lets exactly one of several concurrent appends at the same version win', async () => {
      const streamId = `lesson-${randomUUID()}`;
      const attempts = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          store.append({
            streamId,
            streamType: 's',
            expectedVersion: 0,
            events: [newEvent()],
            metadata,
          }),
        ),
      );
      const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
      const lost = attempts.filter(
        (attempt): attempt is PromiseRejectedResult => attempt.status === 'rejected',
      );
      expect(won).toHaveLength(1);
      for (const attempt of lost) {
        expect(attempt.reason).toMatchObject({
          code: EventStoreErrorCode.WrongExpectedVersion,
        });
      }
      expect(await store.readStream(streamId)).toHaveLength(1);
    });
  });

  describe('idempotent append', () => {
    it('answers a repeated key with the same events and appends nothing new', async () => {
      const streamId = `lesson-${randomUUID()}`;
      const key = randomUUID();
      const events = [0, 1].map((index) => ({
        ...newEvent(),
        eventId: deterministicEventId(key, index),
      }));
      const first = await store.append({
        streamId,
        streamType: 's',
        expectedVersion: 0,
        events,
        metadata,
        idempotencyKey: key,
      });
      const again = await store.append({
        streamId,
        streamType: 's',
        expectedVersion: 0,
        events,
        metadata,
        idempotencyKey: key,
      });
      expect(again.replayed).toBe(true);
      expect(again.events).toEqual(first.events);
      expect(again.streamVersion).toBe(2);
      expect(await store.readStream(streamId)).toEqual(first.events);
    });

    it('appends once when the same key arrives concurrently, and every caller gets the same events', async () => {
      const streamId = `lesson-${randomUUID()}`;
      const key = randomUUID();
      const events = [{ ...newEvent(), eventId: deterministicEventId(key, 0) }];
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.append({
            streamId,
            streamType: 's',
            expectedVersion: 0,
            events,
            metadata,
            idempotencyKey: key,
          }),
        ),
      );
      expect(results.filter((result) => !result.replayed)).toHaveLength(1);
      for (const result of results) expect(result.events).toEqual(results[0]!.events);
      expect(await store.readStream(streamId)).toHaveLength(1);
    });

    it('binds a key to its request: another fingerprint is refused, appends nothing and leaves the first untouched', async () => {
      const streamId = `lesson-${randomUUID()}`;
      const key = randomUUID();
      const first = await store.append({
        streamId,
        streamType: 's',
        expectedVersion: 0,
        events: [{ ...newEvent(), eventId: deterministicEventId(key, 0) }],
        metadata,
        idempotencyKey: key,
        requestFingerprint: 'request-a',
      });
      const reused = store.append({
        streamId,
        streamType: 's',
        expectedVersion: 1,
        events: [{ ...newEvent('Other'), eventId: randomUUID() }],
        metadata,
        idempotencyKey: key,
        requestFingerprint: 'request-b',
      });
      await expect(reused).rejects.toMatchObject({
        code: EventStoreErrorCode.IdempotencyKeyReused,
      });
      expect(await store.readStream(streamId)).toEqual(first.events);
      const again = await store.append({
        streamId,
        streamType: 's',
        expectedVersion: 0,
        events: [{ ...newEvent(), eventId: deterministicEventId(key, 0) }],
        metadata,
        idempotencyKey: key,
        requestFingerprint: 'request-a',
      });
      expect(again).toMatchObject({ replayed: true, events: first.events });
    });

    it('tells what a key was first used for, and nothing for an unused key', async () => {
      const streamId = `lesson-${randomUUID()}`;
      const key = randomUUID();
      const first = await store.append({
        streamId,
        streamType: 's',
        expectedVersion: 0,
        events: [newEvent(), newEvent()],
        metadata,
        idempotencyKey: key,
        requestFingerprint: 'request-a',
      });
      expect(await store.findIdempotentAppend(key)).toEqual({
        streamId,
        requestFingerprint: 'request-a',
        events: first.events,
      });
      expect(await store.findIdempotentAppend(randomUUID())).toBeNull();
    });

    it('releases the key when the append was rejected, so a corrected retry can use it', async () => {
      const streamId = `lesson-${randomUUID()}`;
      const key = randomUUID();
      await store.append({
        streamId,
        streamType: 's',
        expectedVersion: 0,
        events: [newEvent()],
        metadata,
      });
      await expect(
        store.append({
          streamId,
          streamType: 's',
          expectedVersion: 0,
          events: [newEvent()],
          metadata,
          idempotencyKey: key,
        }),
      ).rejects.toBeInstanceOf(EventStoreException);
      const retried = await store.append({
        streamId,
        streamType: 's',
        expectedVersion: 1,
        events: [newEvent()],
        metadata,
        idempotencyKey: key,
      });
      expect(retried.replayed).toBe(false);
      expect(retried.streamVersion).toBe(2);
    });
  });

  describe('batched append', () => {
    const request = (
      streamId: string,
      expectedVersion: number | 'any',
      events: readonly NewEvent[],
      idempotency: { idempotencyKey?: string; requestFingerprint?: string } = {},
    ): AppendRequest => ({
      streamId,
      streamType: 's',
      expectedVersion,
      events,
      metadata,
      ...idempotency,
    });

    it('appends many streams in one transaction, in request order, each from its version', async () => {
      const [a, b, c] = [0, 1, 2].map(() => `batch-${randomUUID()}`) as [string, string, string];
      await store.append(request(c, 0, [newEvent('C1')]));
      const results = await store.appendBatch([
        request(a, 0, [newEvent('A1'), newEvent('A2')]),
        request(b, 'any', [newEvent('B1')]),
        request(c, 1, [newEvent('C2')]),
        // A stream twice: the second request sees the first, as if appended after it.
        request(a, 2, [newEvent('A3')]),
        request(b, 1, []),
      ]);
      expect(results.map((result) => [result.streamId, result.streamVersion])).toEqual([
        [a, 2],
        [b, 1],
        [c, 2],
        [a, 3],
        [b, 1],
      ]);
      expect(results.every((result) => !result.replayed)).toBe(true);
      const events = results.flatMap((result) => result.events);
      expect(events.map((event) => event.type)).toEqual(['A1', 'A2', 'B1', 'C2', 'A3']);
      expect(new Set(events.map((event) => event.transactionId)).size).toBe(1);
      for (let index = 1; index < events.length; index += 1)
        expect(events[index]!.globalPosition).toBeGreaterThan(events[index - 1]!.globalPosition);
      expect((await store.readStream(a)).map((event) => [event.type, event.streamVersion])).toEqual(
        [
          ['A1', 1],
          ['A2', 2],
          ['A3', 3],
        ],
      );
      expect((await store.readStream(c)).map((event) => event.type)).toEqual(['C1', 'C2']);
      expect(events[0]).toMatchObject({ actor: 'test', districtCode: '440311', commandId: null });
      expect(await store.appendBatch([])).toEqual([]);
    });

    it('appends nothing of a batch when one request has a stale version, naming that stream', async () => {
      const before = await store.countAfter(START_OF_LOG);
      const fresh = `batch-${randomUUID()}`;
      const taken = `batch-${randomUUID()}`;
      await store.append(request(taken, 0, [newEvent()]));
      const key = randomUUID();
      const batch = [
        request(fresh, 0, [newEvent()], { idempotencyKey: key, requestFingerprint: 'a' }),
        request(taken, 0, [newEvent()]),
      ];
      const stale = store.appendBatch(batch);
      await expect(stale).rejects.toBeInstanceOf(EventStoreException);
      await expect(stale).rejects.toMatchObject({
        code: EventStoreErrorCode.WrongExpectedVersion,
        details: { streamId: taken, expectedVersion: 0, actualVersion: 1 },
      });
      expect(await store.readStream(fresh)).toEqual([]);
      expect(await store.countAfter(START_OF_LOG)).toBe(before + 1);
      // The batch's key was released with it: the corrected batch appends.
      expect(await store.findIdempotentAppend(key)).toBeNull();
      const corrected = await store.appendBatch([batch[0]!, request(taken, 1, [newEvent()])]);
      expect(corrected.map((result) => [result.streamVersion, result.replayed])).toEqual([
        [1, false],
        [2, false],
      ]);
    });

    it('lets one of two batches racing for a new stream win whole, and the other append nothing', async () => {
      const contested = `batch-${randomUUID()}`;
      const [left, right] = [`batch-${randomUUID()}`, `batch-${randomUUID()}`];
      const attempts = await Promise.allSettled([
        store.appendBatch([request(left, 0, [newEvent()]), request(contested, 0, [newEvent()])]),
        store.appendBatch([request(right, 0, [newEvent()]), request(contested, 0, [newEvent()])]),
      ]);
      const lost = attempts.filter(
        (attempt): attempt is PromiseRejectedResult => attempt.status === 'rejected',
      );
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toMatchObject({
        code: EventStoreErrorCode.WrongExpectedVersion,
        details: { streamId: contested },
      });
      const won = attempts[0].status === 'fulfilled' ? left : right;
      const beaten = won === left ? right : left;
      expect(await store.readStream(contested)).toHaveLength(1);
      expect(await store.readStream(won)).toHaveLength(1);
      expect(await store.readStream(beaten)).toEqual([]);
    });

    it('replays the requests whose keys were used and appends the rest: a load interrupted half-way is repeated safely', async () => {
      const streams = Array.from({ length: 6 }, () => `batch-${randomUUID()}`);
      const keys = streams.map(() => randomUUID());
      const batch = streams.map((streamId, index) =>
        request(
          streamId,
          0,
          [0, 1].map((offset) => ({
            ...newEvent(),
            eventId: deterministicEventId(keys[index]!, offset),
          })),
          { idempotencyKey: keys[index]!, requestFingerprint: `request-${index}` },
        ),
      );
      // The first half committed before the load stopped; then the whole load again.
      const first = await store.appendBatch(batch.slice(0, 3));
      const again = await store.appendBatch(batch);
      expect(again.map((result) => result.replayed)).toEqual([
        true,
        true,
        true,
        false,
        false,
        false,
      ]);
      expect(again.slice(0, 3)).toEqual(first.map((result) => ({ ...result, replayed: true })));
      expect(again.map((result) => result.streamVersion)).toEqual([2, 2, 2, 2, 2, 2]);
      for (const streamId of streams) expect(await store.readStream(streamId)).toHaveLength(2);
      // And once more: everything replays, nothing is appended.
      const before = await store.countAfter(START_OF_LOG);
      const third = await store.appendBatch(batch);
      expect(third.every((result) => result.replayed)).toBe(true);
      expect(third.map((result) => result.events)).toEqual(again.map((result) => result.events));
      expect(await store.countAfter(START_OF_LOG)).toBe(before);
    });

    it('binds each key to its request: another fingerprint, in the store or in the batch, refuses the whole batch', async () => {
      const key = randomUUID();
      const streamId = `batch-${randomUUID()}`;
      await store.appendBatch([
        request(streamId, 0, [newEvent()], { idempotencyKey: key, requestFingerprint: 'a' }),
      ]);
      const bystander = `batch-${randomUUID()}`;
      await expect(
        store.appendBatch([
          request(bystander, 0, [newEvent()]),
          request(streamId, 1, [newEvent()], { idempotencyKey: key, requestFingerprint: 'b' }),
        ]),
      ).rejects.toMatchObject({ code: EventStoreErrorCode.IdempotencyKeyReused });
      const inBatch = randomUUID();
      await expect(
        store.appendBatch([
          request(bystander, 0, [newEvent()], { idempotencyKey: inBatch, requestFingerprint: 'a' }),
          request(bystander, 1, [newEvent()], { idempotencyKey: inBatch, requestFingerprint: 'b' }),
        ]),
      ).rejects.toMatchObject({ code: EventStoreErrorCode.IdempotencyKeyReused });
      expect(await store.readStream(bystander)).toEqual([]);
      expect(await store.readStream(streamId)).toHaveLength(1);
      // The same key twice with the same request in one batch: appended once, answered twice.
      const twice = randomUUID();
      const once = request(bystander, 0, [newEvent()], {
        idempotencyKey: twice,
        requestFingerprint: 'a',
      });
      const [appended, replayed] = await store.appendBatch([once, once]);
      expect(appended!.replayed).toBe(false);
      expect(replayed).toEqual({ ...appended, replayed: true });
      expect(await store.readStream(bystander)).toHaveLength(1);
    });
  });

  describe('reading', () => {
    it('reads one stream in version order and nothing of other streams', async () => {
      const streamId = `lesson-${randomUUID()}`;
      const other = `lesson-${randomUUID()}`;
      await store.append({
        streamId,
        streamType: 's',
        expectedVersion: 0,
        events: [newEvent('A')],
        metadata,
      });
      await store.append({
        streamId: other,
        streamType: 's',
        expectedVersion: 0,
        events: [newEvent('X')],
        metadata,
      });
      await store.append({
        streamId,
        streamType: 's',
        expectedVersion: 1,
        events: [newEvent('B', { n: 1 })],
        metadata,
      });
      const stream = await store.readStream(streamId);
      expect(stream.map((event) => [event.type, event.streamVersion, event.data])).toEqual([
        ['A', 1, {}],
        ['B', 2, { n: 1 }],
      ]);
      expect(await store.readStream(`missing-${randomUUID()}`)).toEqual([]);
    });

    it('reads all committed events from a position, in commit order, page by page', async () => {
      const before = await readEverything(store);
      const start = before.length > 0 ? position(before.at(-1)!) : START_OF_LOG;
      const appended: string[] = [];
      for (let index = 0; index < 7; index += 1) {
        const result = await store.append({
          streamId: `lesson-${randomUUID()}`,
          streamType: 's',
          expectedVersion: 0,
          events: [newEvent(), newEvent()],
          metadata,
        });
        appended.push(...result.events.map((event) => event.eventId));
      }
      const read = await readEverything(store, start);
      expect(read.map((event) => event.eventId)).toEqual(appended);
      for (let index = 1; index < read.length; index += 1) {
        expect(
          compareLogPositions(position(read[index - 1]!), position(read[index]!)),
        ).toBeLessThan(0);
      }
    });

    if (options.transactionIdsGainADigitWithin !== undefined) {
      const bound = options.transactionIdsGainADigitWithin;
      it('keeps commit order when transaction ids gain a digit (999 → 1000 is not "1000" < "999")', async () => {
        const before = await readEverything(store);
        const start = before.length > 0 ? position(before.at(-1)!) : START_OF_LOG;
        const appended: RecordedEvent[] = [];
        const digits = (event: RecordedEvent) => String(event.transactionId).length;
        for (let index = 0; index < bound; index += 1) {
          const result = await store.append({
            streamId: `lesson-${randomUUID()}`,
            streamType: 's',
            expectedVersion: 0,
            events: [newEvent()],
            metadata,
          });
          appended.push(...result.events);
          if (digits(appended.at(-1)!) > digits(appended[0]!) && appended.length > 5) break;
        }
        expect(digits(appended.at(-1)!)).toBeGreaterThan(digits(appended[0]!));
        const read = await readEverything(store, start);
        expect(read.map((event) => event.eventId)).toEqual(appended.map((event) => event.eventId));
      });
    }

    it('counts the committed events after a position', async () => {
      const before = await readEverything(store);
      const start = before.length > 0 ? position(before.at(-1)!) : START_OF_LOG;
      expect(await store.countAfter(start)).toBe(0);
      const appended: RecordedEvent[] = [];
      for (let index = 0; index < 3; index += 1) {
        const result = await store.append({
          streamId: `lesson-${randomUUID()}`,
          streamType: 's',
          expectedVersion: 0,
          events: [newEvent(), newEvent()],
          metadata,
        });
        appended.push(...result.events);
      }
      expect(await store.countAfter(start)).toBe(6);
      expect(await store.countAfter(position(appended[1]!))).toBe(4);
      expect(await store.countAfter(position(appended.at(-1)!))).toBe(0);
      expect(await store.countAfter(START_OF_LOG)).toBe(before.length + 6);
    });

    it('tells where a global position sits in commit order, and when it was recorded', async () => {
      const result = await store.append({
        streamId: `lesson-${randomUUID()}`,
        streamType: 's',
        expectedVersion: 0,
        events: [newEvent(), newEvent()],
        metadata,
      });
      const last = result.events.at(-1)!;
      expect(await store.positionOf(last.globalPosition)).toEqual({
        transactionId: last.transactionId,
        globalPosition: last.globalPosition,
        recordedAt: last.recordedAt,
      });
      expect(await store.positionOf(last.globalPosition + 1_000_000)).toBeNull();
    });

    it('runs work under a lease, and refuses a second holder while the first works', async () => {
      expect(await store.whileHolding('relay-test', () => Promise.resolve('ran'))).toBe('ran');
      if (!options.concurrentTransactions) return; // one process owns the database: always held
      const other = await options.open();
      try {
        let refused: string | undefined = 'not asked';
        const first = await store.whileHolding('relay-test', async () => {
          refused = await other.whileHolding('relay-test', () => Promise.resolve('second'));
          return 'first';
        });
        expect({ first, refused }).toEqual({ first: 'first', refused: undefined });
        // Released with the work: the other may take it now, and other names never collide.
        expect(await other.whileHolding('relay-test', () => Promise.resolve('second'))).toBe(
          'second',
        );
        expect(
          await store.whileHolding('relay-test', () =>
            other.whileHolding('another-lease', () => Promise.resolve('both')),
          ),
        ).toBe('both');
      } finally {
        await other.close();
      }
    });

    it('keeps a named checkpoint', async () => {
      const name = `reader-${randomUUID()}`;
      expect(await store.loadCheckpoint(name)).toEqual(START_OF_LOG);
      await store.saveCheckpoint(name, { transactionId: 42, globalPosition: 7 });
      await store.saveCheckpoint(name, { transactionId: 43, globalPosition: 9 });
      expect(await store.loadCheckpoint(name)).toEqual({ transactionId: 43, globalPosition: 9 });
    });
  });

  if (options.concurrentTransactions && options.holdAppendOpen !== undefined) {
    const holdAppendOpen = options.holdAppendOpen;
    describe('in-flight transactions', () => {
      it('refuses a duplicate of an append still in flight once it has waited its bound, then replays it', async () => {
        const streamId = `lesson-${randomUUID()}`;
        const key = randomUUID();
        const events = [{ ...newEvent('Held'), eventId: deterministicEventId(key, 0) }];
        const held = await holdAppendOpen(streamId, events, {
          idempotencyKey: key,
          requestFingerprint: 'request-a',
        });
        const duplicate = {
          streamId,
          streamType: 's',
          expectedVersion: 0,
          events,
          metadata,
          idempotencyKey: key,
          requestFingerprint: 'request-a',
        };
        await expect(store.append(duplicate)).rejects.toMatchObject({
          code: EventStoreErrorCode.IdempotencyKeyInFlight,
        });
        await held.commit();
        const replayed = await store.append(duplicate);
        expect(replayed.replayed).toBe(true);
        expect(replayed.events.map((event) => event.eventId)).toEqual([events[0]!.eventId]);
        expect(await store.readStream(streamId)).toHaveLength(1);
      });

      it('holds back later commits until an earlier open transaction ends, then delivers it first', async () => {
        const start = position(
          (await readEverything(store)).at(-1) ?? ({ ...START_OF_LOG } as RecordedEvent),
        );
        const heldStream = `held-${randomUUID()}`;
        const held = await holdAppendOpen(heldStream, [newEvent('Held')]);

        // Later appends commit while the first transaction is still open.
        const later = [];
        for (let index = 0; index < 3; index += 1) {
          later.push(
            await store.append({
              streamId: `later-${randomUUID()}`,
              streamType: 's',
              expectedVersion: 0,
              events: [newEvent('Later')],
              metadata,
            }),
          );
        }
        const laterIds = later.flatMap((result) => result.events.map((event) => event.eventId));
        expect(later.every((result) => result.events.length === 1)).toBe(true);

        // A reader must not pass the open transaction: it sees nothing after `start` yet.
        const whileOpen = await readEverything(store, start);
        expect(whileOpen.map((event) => event.type)).not.toContain('Later');
        expect(whileOpen).toEqual([]);
        // ...yet the later commits are owed to it: counted, while the uncommitted one is not.
        expect(await store.countAfter(start)).toBe(3);

        await held.commit();
        expect(await store.countAfter(start)).toBe(4);

        const afterCommit = await readEverything(store, start);
        expect(afterCommit.map((event) => event.type)).toEqual(['Held', 'Later', 'Later', 'Later']);
        expect(afterCommit.slice(1).map((event) => event.eventId)).toEqual(laterIds);
        expect(afterCommit[0]!.streamId).toBe(heldStream);
      });

      it('never delivers an event of a transaction that rolled back, nor stalls behind it', async () => {
        const start = position(
          (await readEverything(store)).at(-1) ?? ({ ...START_OF_LOG } as RecordedEvent),
        );
        const doomed = store.append({
          streamId: `doomed-${randomUUID()}`,
          streamType: 's',
          expectedVersion: 5,
          events: [newEvent('Doomed')],
          metadata,
        });
        await expect(doomed).rejects.toBeInstanceOf(EventStoreException);
        const kept = await store.append({
          streamId: `kept-${randomUUID()}`,
          streamType: 's',
          expectedVersion: 0,
          events: [newEvent('Kept')],
          metadata,
        });
        const read = await readEverything(store, start);
        expect(read.map((event) => event.eventId)).toEqual([kept.events[0]!.eventId]);
      });
    });
  } else {
    describe('one transaction at a time', () => {
      it('runs concurrent appends one after another, so no reader can pass an open one', async () => {
        const start = position(
          (await readEverything(store)).at(-1) ?? ({ ...START_OF_LOG } as RecordedEvent),
        );
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            store.append({
              streamId: `lesson-${randomUUID()}`,
              streamType: 's',
              expectedVersion: 0,
              events: [newEvent(), newEvent()],
              metadata,
            }),
          ),
        );
        const read = await readEverything(store, start);
        const appended = results.flatMap((result) => result.events);
        expect(read).toHaveLength(appended.length);
        // Each append's events are contiguous: no transaction interleaved with another.
        const byTransaction = new Map<number, number[]>();
        read.forEach((event, index) => {
          byTransaction.set(event.transactionId, [
            ...(byTransaction.get(event.transactionId) ?? []),
            index,
          ]);
        });
        for (const indexes of byTransaction.values()) {
          expect(indexes).toEqual([indexes[0]!, indexes[0]! + 1]);
        }
      });
    });
  }
}
