import { createClient } from '@clickhouse/client';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { inlineParameters } from './inline-parameters';

export interface AnalyticsOptions {
  /** ClickHouse server endpoint (`http(s)://host:8123`); absent → embedded chDB. */
  readonly url?: string;
  readonly username?: string;
  readonly password?: string;
  /** The database holding Junheng's tables, addressed as `{db:Identifier}` in every statement. */
  readonly database: string;
  /** chDB data directory (ignored with `url`). */
  readonly chdbPath?: string;
  /**
   * chDB: how many connections reads are spread over (default 1). One chDB connection runs one
   * statement at a time; connections to the same data directory share its engine and run side
   * by side, so a scorecard's queries and many dashboard clients do not wait for each other.
   */
  readonly chdbReadConnections?: number;
  /**
   * chDB in a directory: the most each of the engine's in-memory caches may hold, in MiB
   * (`chdbCacheArguments`); absent, the engine's own sizes (GiBs, made for a server).
   */
  readonly chdbCacheMb?: number;
}

/**
 * The engine's caches of table data, capped for an engine that lives inside the api: server
 * defaults (5 GiB of marks, 5 GiB of primary index, …) let them grow well past the api's whole
 * memory budget. These are server settings, read once when the engine starts; an engine already
 * running on the directory in this process keeps the sizes it started with.
 */
export function chdbCacheArguments(cacheMb: number): string[] {
  const bytes = cacheMb * 1024 * 1024;
  return [
    'mark_cache_size',
    'primary_index_cache_size',
    'index_mark_cache_size',
    'query_condition_cache_size',
    'compiled_expression_cache_size',
  ].map((setting) => `--${setting}=${bytes}`);
}

export type QueryParameters = Readonly<Record<string, unknown>>;

// Server and embedded defaults differ for these: pin them so both engines answer alike.
const READ_SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 1,
  date_time_output_format: 'iso',
};

/**
 * chDB sends a query's settings as `SET …` on its one session, where they stay for every later
 * statement: a time limit set for one dashboard read would bound the projector's inserts and a
 * rebuild's copy too. Every statement on chDB therefore states its own time limit (0: none)
 * unless it brings one. A server takes settings per request and keeps the user's profile.
 */
const CHDB_SESSION_DEFAULTS: ClickHouseSettings = { max_execution_time: 0 };

/** The most time one read may take in the engine; beyond it the engine stops it. */
export interface ReadLimits {
  readonly maxExecutionTimeMs: number;
}

/**
 * The engine stopped a read at its time limit (ClickHouse TIMEOUT_EXCEEDED or TOO_SLOW): the
 * question is too costly for now, not an internal fault.
 */
export class AnalyticsQueryTimeout extends Error {
  constructor(
    readonly limitMs: number,
    options?: { cause?: unknown },
  ) {
    super(`The analytics engine stopped a read at its time limit of ${limitMs} ms`, options);
    this.name = 'AnalyticsQueryTimeout';
  }
}

function isTimeLimitError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, type } = error as { code?: unknown; type?: unknown };
  return code === '159' || code === '160' || type === 'TIMEOUT_EXCEEDED' || type === 'TOO_SLOW';
}

/** Runs one task at a time, in the order they came. */
class Exclusive {
  private tail: Promise<unknown> = Promise.resolve();
  /** Tasks queued or running. */
  pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const result = this.tail.then(task).finally(() => {
      this.pending -= 1;
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** One connection to the engine, and on chDB the queue of its one session. */
interface Lane {
  readonly client: ClickHouseClient;
  readonly session: Exclusive | null;
}

const DEFAULT_CHDB_READ_CONNECTIONS = 1;

/**
 * A statement with its parameters written in stays well inside the engine's `max_query_size`
 * (256 KiB); a longer one (the projector's look-up of a batch's students) keeps the engine's
 * binding, one at a time.
 */
const MAX_INLINED_QUERY = 128 * 1024;

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The one way Junheng talks to ClickHouse: `@clickhouse/client` over HTTP to a server, or over
 * chDB's in-process connection. Statements name tables as `{db:Identifier}.table`; the database
 * is bound here because chDB's connection does not honour the client's `database` option.
 */
export class AnalyticsClient {
  private constructor(
    /** Commands, inserts and pings; reads too, on a server. */
    private readonly primary: Lane,
    readonly database: string,
    readonly engine: 'clickhouse-server' | 'chdb',
    /** chDB: the connections reads are spread over (the primary among them); see `exclusive`. */
    private readonly readers: readonly Lane[],
    /** Settings every read of this client sends (`withReadLimits`). */
    private readonly readSettings: ClickHouseSettings = READ_SETTINGS,
    private readonly limits: ReadLimits | undefined = undefined,
    /** A view made by `withReadLimits` shares the connection and does not close it. */
    private readonly ownsConnection = true,
    /** chDB: the session that started the engine with its cache sizes, held while open. */
    private readonly engineSession: { close(): void } | undefined = undefined,
  ) {}

  static async open(options: AnalyticsOptions): Promise<AnalyticsClient> {
    if (!IDENTIFIER.test(options.database)) {
      throw new Error(`ClickHouse database "${options.database}" is not an identifier`);
    }
    if (options.url !== undefined) {
      const client = createClient({
        url: options.url,
        username: options.username ?? 'default',
        password: options.password ?? '',
        request_timeout: 60_000,
        clickhouse_settings: READ_SETTINGS,
      });
      const lane = { client, session: null };
      return new AnalyticsClient(lane, options.database, 'clickhouse-server', [lane]);
    }
    // Loaded lazily: the native engine is only needed, and only installed, for embedded use.
    const { createChdbConnection } = await import('chdb/connection');
    const path = options.chdbPath ?? ':memory:';
    // libchdb runs one engine per process, started by the first connection to a directory with
    // that connection's arguments; `createChdbConnection` passes none. So a session opened
    // first, with the cache sizes, starts it, and is held so the engine is not restarted
    // without them while the client's connections come and go.
    let engineSession: { close(): void } | undefined;
    if (options.chdbCacheMb !== undefined && path !== ':memory:') {
      const { Session } = await import('chdb');
      engineSession = new Session(path, {
        connectionArgs: chdbCacheArguments(options.chdbCacheMb),
      });
    }
    // chdb types its connection against @clickhouse/client-common, which the client now bundles
    // under its own name: the shapes are the same, the declarations are not.
    const lane = (): Lane => ({
      client: createClient({
        connection: createChdbConnection({ path }) as unknown as ClientConnection,
        clickhouse_settings: { ...READ_SETTINGS, ...CHDB_SESSION_DEFAULTS },
      }),
      session: new Exclusive(),
    });
    const primary = lane();
    const readers = [
      primary,
      ...Array.from(
        { length: Math.max(0, (options.chdbReadConnections ?? DEFAULT_CHDB_READ_CONNECTIONS) - 1) },
        lane,
      ),
    ];
    return new AnalyticsClient(
      primary,
      options.database,
      'chdb',
      readers,
      READ_SETTINGS,
      undefined,
      true,
      engineSession,
    );
  }

  /**
   * The same engine, with every read bounded in engine time: ClickHouse's own
   * `max_execution_time` (`timeout_overflow_mode = 'throw'`), so a read over the limit is
   * stopped by the engine and fails with AnalyticsQueryTimeout. Commands and inserts are not
   * bounded. The view shares this client's connection; closing it closes nothing.
   */
  withReadLimits(limits: ReadLimits): AnalyticsClient {
    return new AnalyticsClient(
      this.primary,
      this.database,
      this.engine,
      this.readers,
      {
        ...READ_SETTINGS,
        // Seconds, to the millisecond (the engine's setting is fractional).
        max_execution_time: limits.maxExecutionTimeMs / 1000,
        timeout_overflow_mode: 'throw',
      },
      limits,
      false,
    );
  }

  async command(
    query: string,
    parameters: QueryParameters = {},
    settings: ClickHouseSettings = {},
  ): Promise<void> {
    await this.exclusive(this.primary, (client) =>
      client.command({
        query,
        query_params: this.bind(parameters),
        clickhouse_settings: settings,
      }),
    );
  }

  async query<Row>(query: string, parameters: QueryParameters = {}): Promise<Row[]> {
    try {
      return await this.exclusive(this.reader(), async (client) => {
        // chDB runs parameterised statements one at a time process-wide: its reads are sent
        // with their parameters written in, so that they run side by side (inline-parameters.ts).
        const bound = this.bind(parameters);
        const inlined = this.engine === 'chdb' ? inlineParameters(query, bound) : null;
        const result = await client.query({
          ...(inlined !== null && inlined.length <= MAX_INLINED_QUERY
            ? { query: inlined }
            : { query, query_params: bound }),
          format: 'JSONEachRow',
          clickhouse_settings: this.readSettings,
        });
        return result.json<Row>();
      });
    } catch (error) {
      if (this.limits !== undefined && isTimeLimitError(error)) {
        throw new AnalyticsQueryTimeout(this.limits.maxExecutionTimeMs, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Inserts rows into `table`. With `deduplicationToken`, a retry of the same batch is dropped
   * by the engine (the table must enable a deduplication window). Without one, nothing is
   * deduplicated. Both settings are always sent: chDB keeps a query's settings for the next
   * query on its session, so a token left over from one insert would silently drop the next
   * token-less insert into the same table (seen with chdb 3.4; analytics.int-spec.ts).
   */
  async insert<Row extends object>(
    table: string,
    rows: readonly Row[],
    options: { deduplicationToken?: string } = {},
  ): Promise<void> {
    if (rows.length === 0) return;
    if (!IDENTIFIER.test(table)) throw new Error(`Table "${table}" is not an identifier`);
    await this.exclusive(this.primary, (client) =>
      client.insert({
        table: `${this.database}.${table}`,
        values: rows,
        format: 'JSONEachRow',
        clickhouse_settings: {
          date_time_input_format: 'best_effort',
          ...(options.deduplicationToken === undefined
            ? { insert_deduplication_token: '', insert_deduplicate: 0 }
            : { insert_deduplication_token: options.deduplicationToken, insert_deduplicate: 1 }),
        },
      }),
    );
  }

  async ping(): Promise<void> {
    const result = await this.exclusive(this.primary, (client) => client.ping());
    if (!result.success) throw result.error;
  }

  async close(): Promise<void> {
    if (!this.ownsConnection) return;
    await Promise.all(this.readers.map((reader) => reader.client.close()));
    this.engineSession?.close();
  }

  /**
   * On chDB, one statement at a time, and after one that failed a throw-away `SELECT 1` before
   * the next: chDB 3.4 hands what a failed read had already written (the rows before a time
   * limit stopped it) to the next statement on the session, as if they were its own rows
   * (analytics-client.int-spec.ts). chDB runs one statement at a time on its session anyway, so
   * queueing here costs nothing and keeps the flush next to the failure. A server needs neither.
   */
  private exclusive<T>(lane: Lane, task: (client: ClickHouseClient) => Promise<T>): Promise<T> {
    const { client, session } = lane;
    if (session === null) return task(client);
    return session.run(async () => {
      try {
        return await task(client);
      } catch (error) {
        await client
          .query({ query: 'SELECT 1', format: 'JSONEachRow' })
          .then((result) => result.text())
          .catch(() => undefined);
        throw error;
      }
    });
  }

  /** The read connection with the least queued on it (the first of equals). */
  private reader(): Lane {
    return this.readers.reduce((least, lane) =>
      (lane.session?.pending ?? 0) < (least.session?.pending ?? 0) ? lane : least,
    );
  }

  private bind(parameters: QueryParameters): Record<string, unknown> {
    return { db: this.database, ...parameters };
  }
}

export const ANALYTICS_CLIENT = Symbol('ANALYTICS_CLIENT');
