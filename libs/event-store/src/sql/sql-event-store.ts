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

  async findIdempotentAppend(idempotencyKey: string): Promise<IdempotentAppend | null> {
    return this.guard(async () => {
      const rows = await this.sql.query<
        { key_stream_id: string; request_fingerprint: string | null } & Partial<EventRow>
      >(
        `SELECT k.stream_id AS key_stream_id, k.request_fingerprint, ${eventColumns('e')}
         FROM idempotency_keys k LEFT JOIN events e ON e.idempotency_key = k.idempotency_key
         WHERE k.idempotency_key = $1
         ORDER BY e.global_position`,
        [idempotencyKey],
      );
      const [first] = rows;
      if (first === undefined) return null;
      return {
        streamId: first.key_stream_id,
        requestFingerprint: first.request_fingerprint,
        events: rows
          .filter((row) => row.event_id !== null && row.event_id !== undefined)
          .map((row) => toRecordedEvent(row as EventRow)),
      };
    });
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
