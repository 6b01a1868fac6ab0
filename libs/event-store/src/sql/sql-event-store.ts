import { EventStoreErrorCode, EventStoreException } from '../event-store.exception';
import { START_OF_LOG } from '../event-store.port';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  IdempotentAppend,
  LogPosition,
  ReadAllRequest,
  RecordedPosition,
  RecordedEvent,
} from '../event-store.port';
import { EVENT_STORE_SCHEMA } from './schema';
import { sqlState } from './sql-executor';
import type { SqlExecutor, SqlQueryable } from './sql-executor';

interface EventRow {
  global_position: string | number | bigint;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_type: string;
  stream_version: string | number | bigint;
  type: string;
  schema_version: number;
  occurred_at: Date | string;
  recorded_at: Date | string;
  district_code: string | null;
  actor: string | null;
  actor_role: string | null;
  actor_scope: string | null;
  command_id: string | null;
  correlation_id: string | null;
  data: Record<string, unknown>;
}

function eventColumns(table: string): string {
  return `${table}.global_position, ${table}.transaction_id::text AS transaction_id,
  ${table}.event_id::text AS event_id, ${table}.stream_id, ${table}.stream_type,
  ${table}.stream_version, ${table}.type, ${table}.schema_version, ${table}.occurred_at,
  ${table}.recorded_at, ${table}.district_code, ${table}.actor, ${table}.actor_role,
  ${table}.actor_scope, ${table}.command_id, ${table}.correlation_id, ${table}.data`;
}

const EVENT_COLUMNS = eventColumns('events');

// Any 64-bit integer key works; this one is "junheng" in ASCII, so it is recognisable in pg_locks.
const MIGRATION_LOCK_KEY = '29970464440182375';

const UNIQUE_VIOLATION = '23505';
const LOCK_NOT_AVAILABLE = '55P03';

export interface SqlEventStoreOptions {
  /**
   * How long an append waits for an in-flight append with the same idempotency key before it
   * is refused with `IdempotencyKeyInFlight` (the client retries and gets the first outcome).
   */
  readonly inFlightWaitMs: number;
}

const DEFAULT_OPTIONS: SqlEventStoreOptions = { inFlightWaitMs: 5_000 };

/** What became of one request of a batch inside its transaction. */
type BatchOutcome =
  | { readonly kind: 'appended'; readonly result: AppendResult }
  | { readonly kind: 'replayed'; readonly key: string };

/** Two requests with one key are different requests only when both fingerprints say so. */
function fingerprintsDiffer(a: string | null | undefined, b: string | null | undefined): boolean {
  return a !== null && a !== undefined && b !== null && b !== undefined && a !== b;
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: Number(row.stream_version),
    globalPosition: Number(row.global_position),
    transactionId: Number(row.transaction_id),
    occurredAt: new Date(row.occurred_at).toISOString(),
    recordedAt: new Date(row.recorded_at).toISOString(),
    districtCode: row.district_code,
    actor: row.actor,
    actorRole: row.actor_role,
    actorScope: row.actor_scope,
    commandId: row.command_id,
    correlationId: row.correlation_id,
    data: row.data,
  };
}

/** The event store's SQL, shared by the PostgreSQL and PGlite adapters. */
export class SqlEventStore implements EventStore {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly options: SqlEventStoreOptions = DEFAULT_OPTIONS,
  ) {}

  async migrate(): Promise<void> {
    await this.guard(() =>
      this.sql.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
        for (const statement of EVENT_STORE_SCHEMA) await tx.query(statement);
      }),
    );
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    return this.guard(async () => {
      // A duplicate of a request still in flight waits on the key's unique index for the first
      // one to end, but not for ever: past the bound it is told to come back (409).
      const outcome = await this.sql.transaction((tx) => this.appendInTransaction(tx, request), {
        lockTimeoutMs: this.options.inFlightWaitMs,
      });
      if (outcome !== 'key-used') return outcome;
      // The key's first append has committed (the unique index made us wait for it) and was
      // for the same request: answer with its events.
      const first = await this.findIdempotentAppend(request.idempotencyKey!);
      const last = first?.events.at(-1);
      return {
        streamId: first?.streamId ?? request.streamId,
        streamVersion: last?.streamVersion ?? 0,
        events: first?.events ?? [],
        replayed: true,
      };
    });
  }

  async appendBatch(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    if (requests.length === 0) return [];
    return this.guard(async () => {
      const outcomes = await this.sql.transaction(
        (tx) => this.appendBatchInTransaction(tx, requests),
        { lockTimeoutMs: this.options.inFlightWaitMs },
      );
      // Requests whose key was used before (committed, or earlier in this batch): answer with
      // what that first append recorded, read after the commit like `append` does.
      const replayed = outcomes.flatMap((outcome) =>
        outcome.kind === 'replayed' ? [outcome.key] : [],
      );
      const firsts = await this.idempotentAppends([...new Set(replayed)]);
      return outcomes.map((outcome, index): AppendResult => {
        if (outcome.kind === 'appended') return outcome.result;
        const first = firsts.get(outcome.key);
        return {
          streamId: first?.streamId ?? requests[index]!.streamId,
          streamVersion: first?.events.at(-1)?.streamVersion ?? 0,
          events: first?.events ?? [],
          replayed: true,
        };
      });
    });
  }

  /**
   * One statement per step whatever the batch's size — claim the keys, read the streams'
   * versions, insert every event — so a batch of thousands of streams costs a few round trips
   * (PGlite runs a few hundred single appends a second; the demo province has 76,000 events).
   */
  private async appendBatchInTransaction(
    tx: SqlQueryable,
    requests: readonly AppendRequest[],
  ): Promise<BatchOutcome[]> {
    // The keys, each bound to the first request of the batch that names it.
    const firstWithKey = new Map<string, number>();
    requests.forEach((request, index) => {
      const key = request.idempotencyKey;
      if (key === undefined) return;
      const first = firstWithKey.get(key);
      if (first === undefined) firstWithKey.set(key, index);
      else if (fingerprintsDiffer(requests[first]!.requestFingerprint, request.requestFingerprint))
        throw EventStoreException.idempotencyKeyReused();
    });
    const firstRequest = (key: string): AppendRequest => requests[firstWithKey.get(key)!]!;
    // Claimed in key order, so two batches sharing keys wait for each other, never deadlock.
    const keys = [...firstWithKey.keys()].sort();
    const claimed = new Set<string>();
    if (keys.length > 0) {
      let rows: { idempotency_key: string }[];
      try {
        rows = await tx.query<{ idempotency_key: string }>(
          `INSERT INTO idempotency_keys (idempotency_key, stream_id, request_fingerprint)
           SELECT k.key, k.stream_id, NULLIF(k.fingerprint, '')
           FROM unnest($1::text[], $2::text[], $3::text[]) AS k(key, stream_id, fingerprint)
           ORDER BY k.key
           ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key`,
          [
            keys,
            keys.map((key) => firstRequest(key).streamId),
            keys.map((key) => firstRequest(key).requestFingerprint ?? ''),
          ],
        );
      } catch (error) {
        if (sqlState(error) === LOCK_NOT_AVAILABLE) {
          throw new EventStoreException(
            EventStoreErrorCode.IdempotencyKeyInFlight,
            'The request that first used an idempotency key of this batch is still being processed',
            {},
            { cause: error },
          );
        }
        throw error;
      }
      for (const row of rows) claimed.add(row.idempotency_key);
      const used = keys.filter((key) => !claimed.has(key));
      if (used.length > 0) {
        // A new statement, so a new snapshot: it sees the claims we waited for.
        const firsts = await tx.query<{
          idempotency_key: string;
          request_fingerprint: string | null;
        }>(
          `SELECT idempotency_key, request_fingerprint FROM idempotency_keys
           WHERE idempotency_key = ANY($1::text[])`,
          [used],
        );
        for (const first of firsts) {
          const request = firstRequest(first.idempotency_key);
          if (fingerprintsDiffer(first.request_fingerprint, request.requestFingerprint))
            throw EventStoreException.idempotencyKeyReused();
        }
      }
    }

    // Which requests append: those without a key, and the first of each key just claimed.
    const appends = requests.map((request, index) => {
      const key = request.idempotencyKey;
      return key === undefined || (claimed.has(key) && firstWithKey.get(key) === index);
    });
    const streams = [
      ...new Set(requests.filter((_, index) => appends[index]).map((r) => r.streamId)),
    ];
    const versions = new Map<string, number>();
    if (streams.length > 0) {
      const rows = await tx.query<{ stream_id: string; version: string | number }>(
        `SELECT stream_id, max(stream_version) AS version FROM events
         WHERE stream_id = ANY($1::text[]) GROUP BY stream_id`,
        [streams],
      );
      for (const row of rows) versions.set(row.stream_id, Number(row.version));
    }
    // As if one after another: a request sees the batch's earlier requests to its stream.
    const starts: number[] = [];
    const columns = {
      eventId: [] as string[],
      streamId: [] as string[],
      streamType: [] as string[],
      streamVersion: [] as number[],
      type: [] as string[],
      schemaVersion: [] as number[],
      occurredAt: [] as string[],
      districtCode: [] as (string | null)[],
      actor: [] as (string | null)[],
      actorRole: [] as (string | null)[],
      actorScope: [] as (string | null)[],
      commandId: [] as (string | null)[],
      correlationId: [] as (string | null)[],
      idempotencyKey: [] as (string | null)[],
      data: [] as string[],
    };
    requests.forEach((request, index) => {
      if (!appends[index]) return;
      const { streamId, expectedVersion, metadata } = request;
      const current = versions.get(streamId) ?? 0;
      if (expectedVersion !== 'any' && current !== expectedVersion) {
        throw EventStoreException.wrongExpectedVersion(streamId, expectedVersion, current);
      }
      starts[index] = current;
      versions.set(streamId, current + request.events.length);
      request.events.forEach((event, offset) => {
        columns.eventId.push(event.eventId);
        columns.streamId.push(streamId);
        columns.streamType.push(request.streamType);
        columns.streamVersion.push(current + offset + 1);
        columns.type.push(event.type);
        columns.schemaVersion.push(event.schemaVersion);
        columns.occurredAt.push(event.occurredAt);
        columns.districtCode.push(event.districtCode);
        columns.actor.push(metadata.actor);
        columns.actorRole.push(metadata.actorRole);
        columns.actorScope.push(metadata.actorScope);
        columns.commandId.push(metadata.commandId);
        columns.correlationId.push(metadata.correlationId);
        columns.idempotencyKey.push(request.idempotencyKey ?? null);
        columns.data.push(JSON.stringify(event.data));
      });
    });

    const recorded = new Map<string, RecordedEvent>();
    if (columns.eventId.length > 0) {
      let rows: EventRow[];
      try {
        rows = await tx.query<EventRow>(
          `INSERT INTO events (event_id, stream_id, stream_type, stream_version, type,
             schema_version, occurred_at, district_code, actor, actor_role, actor_scope,
             command_id, correlation_id, idempotency_key, data)
           SELECT e.event_id::uuid, e.stream_id, e.stream_type, e.stream_version, e.type,
             e.schema_version, e.occurred_at::timestamptz, NULLIF(e.district_code, ''), e.actor, e.actor_role,
             e.actor_scope, e.command_id, e.correlation_id, e.idempotency_key, e.data::jsonb
           FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::int[],
               $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
               $13::text[], $14::text[], $15::text[])
             WITH ORDINALITY AS e(event_id, stream_id, stream_type, stream_version, type,
               schema_version, occurred_at, district_code, actor, actor_role, actor_scope,
               command_id, correlation_id, idempotency_key, data, ordinality)
           ORDER BY e.ordinality
           RETURNING ${EVENT_COLUMNS}`,
          [
            columns.eventId,
            columns.streamId,
            columns.streamType,
            columns.streamVersion,
            columns.type,
            columns.schemaVersion,
            columns.occurredAt,
            columns.districtCode,
            columns.actor,
            columns.actorRole,
            columns.actorScope,
            columns.commandId,
            columns.correlationId,
            columns.idempotencyKey,
            columns.data,
          ],
        );
      } catch (error) {
        throw this.translateBatchInsertError(error, requests);
      }
      for (const row of rows) {
        const event = toRecordedEvent(row);
        recorded.set(`${event.streamId}#${event.streamVersion}`, event);
      }
    }
    return requests.map((request, index): BatchOutcome => {
      if (!appends[index]) return { kind: 'replayed', key: request.idempotencyKey! };
      const start = starts[index]!;
      const events = request.events.map((_, offset) =>
        recorded.get(`${request.streamId}#${start + offset + 1}`)!,
      );
      return {
        kind: 'appended',
        result: {
          streamId: request.streamId,
          streamVersion: start + events.length,
          events,
          replayed: false,
        },
      };
    });
  }

  /** A concurrent append won a stream of the batch, or an event id was already stored. */
  private translateBatchInsertError(error: unknown, requests: readonly AppendRequest[]): unknown {
    const state = sqlState(error);
    if (state !== UNIQUE_VIOLATION && state !== LOCK_NOT_AVAILABLE) return error;
    const { constraint = '', detail = '' } = error as { constraint?: string; detail?: string };
    if (state === UNIQUE_VIOLATION && constraint.includes('event_id')) {
      return new EventStoreException(
        EventStoreErrorCode.DuplicateEventId,
        'An event id of this batch is already in the store, or twice in the batch',
        {},
        { cause: error },
      );
    }
    // "Key (stream_id, stream_version)=(<stream>, <version>) already exists."
    const streamId = /^Key \(stream_id, stream_version\)=\((.*), \d+\) already exists/.exec(
      detail,
    )?.[1];
    const request = requests.find((candidate) => candidate.streamId === streamId);
    if (streamId === undefined || request === undefined) {
      return new EventStoreException(
        EventStoreErrorCode.WrongExpectedVersion,
        'Another append to a stream of this batch committed first',
        {},
        { cause: error },
      );
    }
    return new EventStoreException(
      EventStoreErrorCode.WrongExpectedVersion,
      `Another append to "${streamId}" committed first`,
      { streamId, expectedVersion: request.expectedVersion, actualVersion: null },
      { cause: error },
    );
  }

  async findIdempotentAppend(idempotencyKey: string): Promise<IdempotentAppend | null> {
    return this.guard(
      async () => (await this.idempotentAppends([idempotencyKey])).get(idempotencyKey) ?? null,
    );
  }

  /** What each of `keys` was first used for, by key; keys never used are absent. */
  private async idempotentAppends(keys: readonly string[]): Promise<Map<string, IdempotentAppend>> {
    const found = new Map<string, IdempotentAppend & { events: RecordedEvent[] }>();
    if (keys.length === 0) return found;
    const rows = await this.sql.query<
      { key: string; key_stream_id: string; request_fingerprint: string | null } & Partial<EventRow>
    >(
      `SELECT k.idempotency_key AS key, k.stream_id AS key_stream_id, k.request_fingerprint,
         ${eventColumns('e')}
       FROM idempotency_keys k LEFT JOIN events e ON e.idempotency_key = k.idempotency_key
       WHERE k.idempotency_key = ANY($1::text[])
       ORDER BY e.global_position`,
      [keys],
    );
    for (const row of rows) {
      let append = found.get(row.key);
      if (append === undefined) {
        append = {
          streamId: row.key_stream_id,
          requestFingerprint: row.request_fingerprint,
          events: [],
        };
        found.set(row.key, append);
      }
      if (row.event_id !== null && row.event_id !== undefined) {
        append.events.push(toRecordedEvent(row as EventRow));
      }
    }
    return found;
  }

  private async appendInTransaction(
    tx: SqlQueryable,
    request: AppendRequest,
  ): Promise<AppendResult | 'key-used'> {
    const { streamId, expectedVersion, idempotencyKey } = request;
    if (idempotencyKey !== undefined) {
      const fingerprint = request.requestFingerprint ?? null;
      let claimed: unknown[];
      try {
        claimed = await tx.query(
          `INSERT INTO idempotency_keys (idempotency_key, stream_id, request_fingerprint)
           VALUES ($1, $2, $3)
           ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key`,
          [idempotencyKey, streamId, fingerprint],
        );
      } catch (error) {
        if (sqlState(error) === LOCK_NOT_AVAILABLE) {
          throw new EventStoreException(
            EventStoreErrorCode.IdempotencyKeyInFlight,
            'The request that first used this idempotency key is still being processed',
            {},
            { cause: error },
          );
        }
        throw error;
      }
      if (claimed.length === 0) {
        // A new statement, so a new snapshot: it sees the claim we waited for.
        const [first] = await tx.query<{ request_fingerprint: string | null }>(
          'SELECT request_fingerprint FROM idempotency_keys WHERE idempotency_key = $1',
          [idempotencyKey],
        );
        const firstFingerprint = first?.request_fingerprint ?? null;
        if (firstFingerprint !== null && fingerprint !== null && firstFingerprint !== fingerprint) {
          throw EventStoreException.idempotencyKeyReused();
        }
        return 'key-used';
      }
    }
    const [current] = await tx.query<{ version: string | number }>(
      `SELECT coalesce(max(stream_version), 0) AS version FROM events WHERE stream_id = $1`,
      [streamId],
    );
    const currentVersion = Number(current?.version ?? 0);
    if (expectedVersion !== 'any' && currentVersion !== expectedVersion) {
      throw EventStoreException.wrongExpectedVersion(streamId, expectedVersion, currentVersion);
    }
    if (request.events.length === 0) {
      return { streamId, streamVersion: currentVersion, events: [], replayed: false };
    }
    const { events, metadata } = request;
    let rows: EventRow[];
    try {
      rows = await tx.query<EventRow>(
        `INSERT INTO events (event_id, stream_id, stream_type, stream_version, type, schema_version,
           occurred_at, district_code, actor, actor_role, actor_scope, command_id, correlation_id,
           idempotency_key, data)
         SELECT e.event_id::uuid, $1, $2, $3::bigint + e.ordinality, e.type, e.schema_version,
           e.occurred_at::timestamptz, NULLIF(e.district_code, ''), $4, $5, $6, $7, $8, $9, e.data::jsonb
         FROM unnest($10::text[], $11::text[], $12::int[], $13::text[], $14::text[], $15::text[])
           WITH ORDINALITY AS e(event_id, type, schema_version, occurred_at, district_code, data, ordinality)
         ORDER BY e.ordinality
         RETURNING ${EVENT_COLUMNS}`,
        [
          streamId,
          request.streamType,
          currentVersion,
          metadata.actor,
          metadata.actorRole,
          metadata.actorScope,
          metadata.commandId,
          metadata.correlationId,
          idempotencyKey ?? null,
          events.map((event) => event.eventId),
          events.map((event) => event.type),
          events.map((event) => event.schemaVersion),
          events.map((event) => event.occurredAt),
          events.map((event) => event.districtCode ?? ''),
          events.map((event) => JSON.stringify(event.data)),
        ],
      );
    } catch (error) {
      throw this.translateInsertError(error, request, currentVersion);
    }
    const recorded = rows.map(toRecordedEvent).sort((a, b) => a.streamVersion - b.streamVersion);
    return {
      streamId,
      streamVersion: recorded.at(-1)!.streamVersion,
      events: recorded,
      replayed: false,
    };
  }

  private translateInsertError(error: unknown, request: AppendRequest, version: number): unknown {
    const expected = request.expectedVersion === 'any' ? version : request.expectedVersion;
    // Another append to the stream held the next version longer than the lock timeout.
    if (sqlState(error) === LOCK_NOT_AVAILABLE) {
      return EventStoreException.wrongExpectedVersion(request.streamId, expected, null);
    }
    if (sqlState(error) !== UNIQUE_VIOLATION) return error;
    const constraint = (error as { constraint?: string }).constraint ?? '';
    if (constraint.includes('event_id')) {
      return new EventStoreException(
        EventStoreErrorCode.DuplicateEventId,
        `An event id of this append to "${request.streamId}" is already in the store`,
        { streamId: request.streamId },
        { cause: error },
      );
    }
    // Another append to the same stream committed between our version check and our insert.
    return EventStoreException.wrongExpectedVersion(request.streamId, expected, null);
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    return this.guard(async () => {
      const rows = await this.sql.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`,
        [streamId],
      );
      return rows.map(toRecordedEvent);
    });
  }

  /**
   * `global_position` comes from a sequence, so a transaction that is still open can hold a
   * smaller position than one that already committed. Reading `global_position > checkpoint`
   * would pass it and never come back: the silent loss of naive SQL event stores. Instead we
   * order by (transaction, position) and only return transactions older than the oldest one
   * still running: every transaction below that horizon has ended, so nothing can appear
   * behind the reader later.
   */
  async streamsNaming(
    streamType: string,
    fields: readonly string[],
    value: string,
  ): Promise<string[]> {
    if (fields.length === 0) return [];
    return this.guard(async () => {
      const rows = await this.sql.query<{ stream_id: string }>(
        `SELECT DISTINCT stream_id FROM events
         WHERE stream_type = $1 AND (${fields.map((_, index) => `data->>$${index + 3} = $2`).join(' OR ')})
         ORDER BY stream_id`,
        [streamType, value, ...fields],
      );
      return rows.map((row) => row.stream_id);
    });
  }

  async readAll({ after, limit }: ReadAllRequest): Promise<RecordedEvent[]> {
    // The table's columns in ORDER BY, not the output's: `transaction_id` is also selected as
    // text, and text order puts transaction 1000 before 999 — a reader would pass 999 and,
    // comparing xid8 in WHERE from then on, never return to it.
    return this.guard(async () => {
      const rows = await this.sql.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events
         WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
           AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY events.transaction_id, events.global_position
         LIMIT $3`,
        [String(after.transactionId), after.globalPosition, limit],
      );
      return rows.map(toRecordedEvent);
    });
  }

  // No snapshot horizon here, unlike readAll: events held back by an open transaction are
  // still owed to the reader, and counting them shows a stalled pipeline as a growing lag.
  async countAfter(after: LogPosition): Promise<number> {
    return this.guard(async () => {
      const [row] = await this.sql.query<{ events: string }>(
        `SELECT count(*)::text AS events FROM events
         WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)`,
        [String(after.transactionId), after.globalPosition],
      );
      return Number(row?.events ?? 0);
    });
  }

  async positionOf(globalPosition: number): Promise<RecordedPosition | null> {
    return this.guard(async () => {
      const [row] = await this.sql.query<{
        transaction_id: string;
        global_position: string;
        recorded_at: Date | string;
      }>(
        `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position,
                recorded_at
         FROM events WHERE global_position = $1::bigint`,
        [globalPosition],
      );
      if (row === undefined) return null;
      return {
        transactionId: Number(row.transaction_id),
        globalPosition: Number(row.global_position),
        recordedAt: new Date(row.recorded_at).toISOString(),
      };
    });
  }

  async loadCheckpoint(name: string): Promise<LogPosition> {
    return this.guard(async () => {
      const [row] = await this.sql.query<{ transaction_id: string; global_position: string }>(
        `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position
         FROM checkpoints WHERE name = $1`,
        [name],
      );
      if (row === undefined) return START_OF_LOG;
      return {
        transactionId: Number(row.transaction_id),
        globalPosition: Number(row.global_position),
      };
    });
  }

  async whileHolding<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
    if (this.sql.singleProcess) return work();
    // A transaction-scoped advisory lock: released at COMMIT, or by the server when the
    // holder's connection dies, so a crashed relay never leaves the lease taken. The
    // transaction only reads, so it takes no transaction id and holds back no reader.
    return this.guard(() =>
      this.sql.transaction(async (tx) => {
        const [row] = await tx.query<{ held: boolean }>(
          'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS held',
          [`junheng:${name}`],
        );
        return row?.held === true ? work() : undefined;
      }),
    );
  }

  async saveCheckpoint(name: string, position: LogPosition): Promise<void> {
    await this.guard(() =>
      this.sql.query(
        `INSERT INTO checkpoints (name, transaction_id, global_position, updated_at)
         VALUES ($1, $2::text::xid8, $3, now())
         ON CONFLICT (name) DO UPDATE SET transaction_id = excluded.transaction_id,
           global_position = excluded.global_position, updated_at = excluded.updated_at`,
        [name, String(position.transactionId), position.globalPosition],
      ),
    );
  }

  async ping(): Promise<void> {
    await this.guard(() => this.sql.query('SELECT 1'));
  }

  async close(): Promise<void> {
    await this.sql.close();
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof EventStoreException || !this.sql.isUnavailable(error)) throw error;
      throw new EventStoreException(
        EventStoreErrorCode.Unavailable,
        'The event store is unavailable',
        {},
        { cause: error },
      );
    }
  }
}
