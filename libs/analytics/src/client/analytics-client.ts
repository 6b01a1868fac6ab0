import { createClient } from '@clickhouse/client';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';

export interface AnalyticsOptions {
  /** ClickHouse server endpoint (`http(s)://host:8123`); absent → embedded chDB. */
  readonly url?: string;
  readonly username?: string;
  readonly password?: string;
  /** The database holding Junheng's tables, addressed as `{db:Identifier}` in every statement. */
  readonly database: string;
  /** chDB data directory (ignored with `url`). */
  readonly chdbPath?: string;
}

export type QueryParameters = Readonly<Record<string, unknown>>;

// Server and embedded defaults differ for these: pin them so both engines answer alike.
const READ_SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 1,
  date_time_output_format: 'iso',
};

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The one way Junheng talks to ClickHouse: `@clickhouse/client` over HTTP to a server, or over
 * chDB's in-process connection. Statements name tables as `{db:Identifier}.table`; the database
 * is bound here because chDB's connection does not honour the client's `database` option.
 */
export class AnalyticsClient {
  private constructor(
    private readonly client: ClickHouseClient,
    readonly database: string,
    readonly engine: 'clickhouse-server' | 'chdb',
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
      return new AnalyticsClient(client, options.database, 'clickhouse-server');
    }
    // Loaded lazily: the native engine is only needed, and only installed, for embedded use.
    const { createChdbConnection } = await import('chdb/connection');
    // chdb types its connection against @clickhouse/client-common, which the client now bundles
    // under its own name: the shapes are the same, the declarations are not.
    const connection = createChdbConnection({
      path: options.chdbPath ?? ':memory:',
    }) as unknown as ClientConnection;
    const client = createClient({
      connection,
      clickhouse_settings: READ_SETTINGS,
    });
    return new AnalyticsClient(client, options.database, 'chdb');
  }

  async command(
    query: string,
    parameters: QueryParameters = {},
    settings: ClickHouseSettings = {},
  ): Promise<void> {
    await this.client.command({
      query,
      query_params: this.bind(parameters),
      clickhouse_settings: settings,
    });
  }

  async query<Row>(query: string, parameters: QueryParameters = {}): Promise<Row[]> {
    const result = await this.client.query({
      query,
      query_params: this.bind(parameters),
      format: 'JSONEachRow',
      clickhouse_settings: READ_SETTINGS,
    });
    return result.json<Row>();
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
    await this.client.insert({
      table: `${this.database}.${table}`,
      values: rows,
      format: 'JSONEachRow',
      clickhouse_settings: {
        date_time_input_format: 'best_effort',
        ...(options.deduplicationToken === undefined
          ? { insert_deduplication_token: '', insert_deduplicate: 0 }
          : { insert_deduplication_token: options.deduplicationToken, insert_deduplicate: 1 }),
      },
    });
  }

  async ping(): Promise<void> {
    const result = await this.client.ping();
    if (!result.success) throw result.error;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private bind(parameters: QueryParameters): Record<string, unknown> {
    return { db: this.database, ...parameters };
  }
}

export const ANALYTICS_CLIENT = Symbol('ANALYTICS_CLIENT');
