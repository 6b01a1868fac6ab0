import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import pino from 'pino';

/** pino's levels, most verbose first, and `silent`: what LOG_LEVEL accepts. */
export const LOG_LEVELS: readonly string[] = [
  ...Object.entries(pino.levels.values)
    .sort(([, a], [, b]) => a - b)
    .map(([level]) => level),
  'silent',
];

/**
 * Every setting Junheng reads, parsed and validated once at start-up (docs/operations.md lists
 * them). Nothing else in the code base reads process.env.
 */
export interface JunhengConfig {
  readonly port: number;
  readonly logLevel: string;
  /** Write logs to this file instead of standard output. */
  readonly logFile: string | undefined;
  /** PostgreSQL connection string; absent → embedded PGlite at `pgliteDataDir`. */
  readonly databaseUrl: string | undefined;
  readonly pgliteDataDir: string;
  /** Kafka bootstrap brokers; empty → the projector tails the event store directly. */
  readonly kafkaBrokers: readonly string[];
  readonly kafkaClientId: string;
  readonly kafkaTopic: string;
  readonly kafkaTopicPartitions: number;
  readonly kafkaConsumerGroup: string;
  /** How long the group waits for a silent consumer before giving its partitions away. */
  readonly kafkaSessionTimeoutMs: number;
  /** ClickHouse HTTP(S) endpoint; absent → embedded chDB at `chdbDataDir`. */
  readonly clickhouseUrl: string | undefined;
  readonly clickhouseDatabase: string;
  readonly clickhouseUser: string | undefined;
  readonly clickhousePassword: string | undefined;
  readonly chdbDataDir: string;
  /** Load the demo dataset into an empty event store at start-up. */
  readonly demoData: boolean;
  /** Poll interval of the relay and of the store-tail source when they find nothing new. */
  readonly pollIntervalMs: number;
  readonly auth: AuthConfig;
  /** HMAC key for personal identifiers (base64, ≥ 32 bytes) and its id, part of every pseudonym. */
  readonly pseudonymKey: string | undefined;
  readonly pseudonymKeyId: string;
  /** Requests per caller per minute, across all routes, before 429. */
  readonly rateLimitPerMinute: number;
  /** The largest import body, in bytes (413 beyond it). */
  readonly importMaxBytes: number;
  /** The longest import line, in bytes (the row is reported, the rest imported). */
  readonly importMaxLineBytes: number;
  /**
   * How long a whole request may take to arrive (Node's `requestTimeout`): long, because an
   * import streams a whole 学籍 export in one request; headers alone must arrive within 60 s.
   */
  readonly requestTimeoutMs: number;
  /** How long a JSON body (at most 1 MB) may take to arrive once its headers have (408 after). */
  readonly bodyTimeoutMs: number;
  /** Failed authentications per client address per minute before that address gets 429. */
  readonly authFailuresPerMinute: number;
  /**
   * How many proxies in front of the api to trust for the client address (X-Forwarded-For);
   * 0 takes the socket's address. Behind a load balancer, set it, or every client is one.
   */
  readonly trustProxyHops: number;
  /** Embedded mode only: where generated development secrets are kept when none are set. */
  readonly developmentSecretsDir: string | undefined;
  /** Events per projector batch (a Kafka fetch is cut to this size). */
  readonly projectorBatchSize: number;
  /**
   * The indicator thresholds over the documented defaults, as JSON (JUNHENG_INDICATOR_THRESHOLDS;
   * @junheng/analytics `indicatorThresholds` reads it and refuses unknown keys at start-up).
   */
  readonly indicatorThresholdsJson: string | undefined;
  /** The configurable parts of the indicator formulas (domain.md marks them *configurable*). */
  readonly formulas: {
    readonly deathsLeaveDenominator: boolean;
    readonly nineYearJuniorWeight: number;
    /**
     * Which class a repeater (留级生) counts in for the cohort consolidation rate: `class`, the
     * class they repeat with (they leave their entry class and join the next, like a transfer),
     * or `entry`, the class they entered the level with (a repeat then delays their graduation
     * past their cohort's). docs/indicators.md gives the sources.
     */
    readonly repeatersCountIn: 'class' | 'entry';
  };
  /**
   * The school system (学制) of each province: `6+3` (default) or `5+4`, then the provinces that
   * differ, e.g. `6+3,31:5+4` (JUNHENG_SCHOOL_SYSTEM; @junheng/domain SchoolSystem reads it).
   */
  readonly schoolSystem: string;
  /** How long a read with `minPosition` waits for the projection before 503 + Retry-After. */
  readonly readYourWritesTimeoutMs: number;
  /** How often live dashboards look for an advanced projection. */
  readonly liveIntervalMs: number;
  /** Live streams one caller may hold open at once; the next is refused with 429. */
  readonly liveStreamsPerCaller: number;
  /**
   * Distinct questions (area and figure question) live dashboards may watch in one process:
   * each is recomputed on every advance, so a new one beyond this is refused with 503.
   */
  readonly liveQuestionsPerProcess: number;
  /**
   * The most engine time one dashboard read (an indicator's figures, a page of events, the
   * directory) may take: ClickHouse's `max_execution_time`; beyond it the read answers 503.
   */
  readonly indicatorQueryTimeoutMs: number;
  /**
   * How many figure rows the api keeps memoised, by projection version (0: none). Figures at
   * one version never change, so a dashboard asked again before the projection advances, or
   * by many screens at once, is answered without the engine.
   */
  /**
   * chDB only: connections the api's reads are spread over (JUNHENG_CHDB_READ_CONNECTIONS;
   * default: the cores, at most 4). One chDB connection runs one statement at a time.
   */
  readonly chdbReadConnections: number;
  readonly figureCacheRows: number;
  /**
   * PGlite only: PostgreSQL's `shared_buffers`, in MiB (JUNHENG_PGLITE_SHARED_BUFFERS_MB). The
   * buffers live in the api's own WebAssembly heap, which never shrinks, so every page they
   * hold is resident in the api for good; the operating system's page cache sits behind them.
   */
  readonly pgliteSharedBuffersMb: number;
  /**
   * chDB only: the most each of ClickHouse's in-memory caches (marks, primary index, skip
   * indexes, query conditions, compiled expressions) may hold, in MiB (JUNHENG_CHDB_CACHE_MB).
   * The engine sizes them for a dedicated server (GiBs each); embedded, they grow in the api.
   */
  readonly chdbCacheMb: number;
  /**
   * Skip what a table already holds and deduplicate retried inserts. Off only for the crash
   * tests' negative control (JUNHENG_PROJECTOR_EXACTLY_ONCE=false).
   */
  readonly projectorExactlyOnce: boolean;
  /**
   * Test-only: stop background merges of the projection tables, so a row inserted twice stays
   * visible to the crash tests' oracle instead of being merged away by ReplacingMergeTree.
   */
  readonly analyticsFreezeMerges: boolean;
  /**
   * Test-only fault injection: `<point>:<n>` kills the process with SIGKILL the n-th time the
   * projector reaches `point` (before-insert, between-inserts, after-insert).
   */
  readonly faultKillAt: { readonly point: string; readonly occurrence: number } | undefined;
}

export interface AuthConfig {
  /** HS256 shared secret (≥ 32 characters). */
  readonly jwtSecret: string | undefined;
  /** RS256 public key, PEM file. */
  readonly jwtPublicKeyFile: string | undefined;
  /** RS256 keys, JWKS file (keys chosen by `kid`). */
  readonly jwtJwksFile: string | undefined;
  readonly jwtIssuer: string | undefined;
  readonly jwtAudience: string | undefined;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export class ConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigurationError';
  }
}

export function loadConfig(env: Environment = process.env): JunhengConfig {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const decimal = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      problems.push(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const raw = text(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  };
  const url = (name: string, protocols: readonly string[]): string | undefined => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
      }
    } catch {
      problems.push(`${name} is not a URL`);
    }
    return raw;
  };
  const dataDir = (name: string, fallback: string): string => {
    const raw = text(name) ?? fallback;
    return isAbsolute(raw) ? raw : resolve(raw);
  };

  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const clickhouseUrl = url('CLICKHOUSE_URL', ['http:', 'https:']);
  const kafkaBrokers = (text('KAFKA_BROKERS') ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  for (const broker of kafkaBrokers) {
    if (!/^[\w.-]+:\d+$/.test(broker))
      problems.push(`KAFKA_BROKERS entry "${broker}" is not host:port`);
  }
  const clickhouseDatabase = text('CLICKHOUSE_DATABASE') ?? 'junheng';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(clickhouseDatabase)) {
    problems.push(`CLICKHOUSE_DATABASE must be an identifier, got "${clickhouseDatabase}"`);
  }

  const auth: AuthConfig = {
    jwtSecret: text('JWT_SECRET'),
    jwtPublicKeyFile: text('JWT_PUBLIC_KEY_FILE'),
    jwtJwksFile: text('JWT_JWKS_FILE'),
    jwtIssuer: text('JWT_ISSUER'),
    jwtAudience: text('JWT_AUDIENCE'),
  };
  if (auth.jwtSecret !== undefined && auth.jwtSecret.length < 32) {
    problems.push('JWT_SECRET must be at least 32 characters');
  }
  const verifiers = [auth.jwtSecret, auth.jwtPublicKeyFile, auth.jwtJwksFile].filter(
    (v) => v !== undefined,
  );
  if (verifiers.length > 1) {
    problems.push('Set only one of JWT_SECRET, JWT_PUBLIC_KEY_FILE and JWT_JWKS_FILE');
  }
  const pseudonymKey = text('PSEUDONYM_KEY');
  if (pseudonymKey !== undefined && Buffer.from(pseudonymKey, 'base64').length < 32) {
    problems.push('PSEUDONYM_KEY must be base64 of at least 32 bytes');
  }
  const pseudonymKeyId = text('PSEUDONYM_KEY_ID') ?? 'k1';
  if (!/^[a-z0-9]{1,8}$/.test(pseudonymKeyId)) {
    problems.push('PSEUDONYM_KEY_ID must be 1 to 8 lower-case letters or digits');
  }
  const embedded = databaseUrl === undefined;
  if (!embedded && verifiers.length === 0) {
    problems.push(
      'With DATABASE_URL set, configure authentication: JWT_SECRET, JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE',
    );
  }
  if (!embedded && pseudonymKey === undefined) {
    problems.push('With DATABASE_URL set, PSEUDONYM_KEY is required');
  }

  // pino throws on a level it does not know (`verbose`), deep inside the start: refuse it here.
  const logLevel = text('LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${text('LOG_LEVEL')}"`);
  }

  const faultSpec = text('JUNHENG_FAULT_KILL_AT');
  const faultMatch = faultSpec === undefined ? null : /^([a-z-]+):(\d+)$/.exec(faultSpec);
  if (faultSpec !== undefined && faultMatch === null) {
    problems.push('JUNHENG_FAULT_KILL_AT must look like <point>:<n>, for example after-insert:3');
  }

  const schoolSystem = (text('JUNHENG_SCHOOL_SYSTEM') ?? '6+3').replace(/\s+/g, '');
  if (!/^(6\+3|5\+4)?(,?[1-9]\d:(6\+3|5\+4))*$/.test(schoolSystem)) {
    problems.push(
      `JUNHENG_SCHOOL_SYSTEM must be 6+3 or 5+4, then province overrides like 31:5+4, got "${schoolSystem}"`,
    );
  }
  const repeatersCountIn = text('JUNHENG_REPEATERS_COUNT_IN') ?? 'class';
  if (repeatersCountIn !== 'class' && repeatersCountIn !== 'entry') {
    problems.push(`JUNHENG_REPEATERS_COUNT_IN must be class or entry, got "${repeatersCountIn}"`);
  }

  const config: JunhengConfig = {
    port: integer('PORT', 3000, 0, 65535),
    logLevel,
    logFile: text('LOG_FILE'),
    databaseUrl,
    pgliteDataDir: dataDir('PGLITE_DATA_DIR', '.junheng/pglite'),
    kafkaBrokers,
    kafkaClientId: text('KAFKA_CLIENT_ID') ?? 'junheng',
    kafkaTopic: text('KAFKA_TOPIC') ?? 'junheng.events',
    kafkaTopicPartitions: integer('KAFKA_TOPIC_PARTITIONS', 12, 1, 10000),
    kafkaConsumerGroup: text('KAFKA_CONSUMER_GROUP') ?? 'junheng-projector',
    kafkaSessionTimeoutMs: integer('KAFKA_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
    clickhouseUrl,
    clickhouseDatabase,
    clickhouseUser: text('CLICKHOUSE_USER'),
    clickhousePassword: text('CLICKHOUSE_PASSWORD'),
    chdbDataDir: dataDir('CHDB_DATA_DIR', '.junheng/chdb'),
    demoData: flag('JUNHENG_DEMO_DATA', databaseUrl === undefined),
    pollIntervalMs: integer('JUNHENG_POLL_INTERVAL_MS', 100, 5, 60000),
    auth,
    pseudonymKey,
    pseudonymKeyId,
    rateLimitPerMinute: integer('RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    authFailuresPerMinute: integer('AUTH_FAILURES_PER_MINUTE', 20, 1, 1_000_000),
    bodyTimeoutMs: integer('JUNHENG_BODY_TIMEOUT_MS', 120_000, 1_000, 3_600_000),
    requestTimeoutMs: integer('JUNHENG_REQUEST_TIMEOUT_MS', 4 * 3_600_000, 60_000, 24 * 3_600_000),
    importMaxBytes: integer('JUNHENG_IMPORT_MAX_BYTES', 2 * 1024 ** 3, 1_024, 64 * 1024 ** 3),
    importMaxLineBytes: integer('JUNHENG_IMPORT_MAX_LINE_BYTES', 64 * 1024, 256, 16 * 1024 ** 2),
    trustProxyHops: integer('TRUST_PROXY_HOPS', 0, 0, 10),
    // Generated secrets sit beside the embedded database, never in a server deployment.
    developmentSecretsDir: embedded
      ? resolve(dataDir('PGLITE_DATA_DIR', '.junheng/pglite'), '..')
      : undefined,
    projectorBatchSize: integer('JUNHENG_PROJECTOR_BATCH_SIZE', 5_000, 1, 100_000),
    indicatorThresholdsJson: text('JUNHENG_INDICATOR_THRESHOLDS'),
    formulas: {
      deathsLeaveDenominator: flag('JUNHENG_DEATHS_LEAVE_DENOMINATOR', true),
      nineYearJuniorWeight: decimal('JUNHENG_NINE_YEAR_JUNIOR_WEIGHT', 1.1, 0.5, 3),
      repeatersCountIn: repeatersCountIn === 'entry' ? 'entry' : 'class',
    },
    schoolSystem,
    readYourWritesTimeoutMs: integer('JUNHENG_READ_YOUR_WRITES_TIMEOUT_MS', 5_000, 0, 60_000),
    liveIntervalMs: integer('JUNHENG_LIVE_INTERVAL_MS', 1_000, 10, 60_000),
    liveStreamsPerCaller: integer('JUNHENG_LIVE_STREAMS_PER_CALLER', 5, 1, 1_000),
    liveQuestionsPerProcess: integer('JUNHENG_LIVE_QUESTIONS_PER_PROCESS', 200, 1, 100_000),
    // Below the ClickHouse client's 60 s HTTP timeout, so the engine's limit is the one met.
    indicatorQueryTimeoutMs: integer('JUNHENG_INDICATOR_QUERY_TIMEOUT_MS', 30_000, 1, 50_000),
    figureCacheRows: integer('JUNHENG_FIGURE_CACHE_ROWS', 200_000, 0, 100_000_000),
    chdbReadConnections: integer(
      'JUNHENG_CHDB_READ_CONNECTIONS',
      Math.min(4, availableParallelism()),
      1,
      64,
    ),
    pgliteSharedBuffersMb: integer('JUNHENG_PGLITE_SHARED_BUFFERS_MB', 32, 1, 65_536),
    chdbCacheMb: integer('JUNHENG_CHDB_CACHE_MB', 128, 1, 1_048_576),
    projectorExactlyOnce: flag('JUNHENG_PROJECTOR_EXACTLY_ONCE', true),
    analyticsFreezeMerges: flag('JUNHENG_ANALYTICS_FREEZE_MERGES', false),
    faultKillAt:
      faultMatch === null
        ? undefined
        : { point: faultMatch[1]!, occurrence: Number(faultMatch[2]) },
  };
  if (problems.length > 0) throw new ConfigurationError(problems);
  return config;
}

/** Where each part of the system runs, derived from the configuration. */
export function describeTopology(config: JunhengConfig): {
  eventStore: 'postgresql' | 'pglite';
  transport: 'kafka' | 'store-tail';
  analytics: 'clickhouse-server' | 'chdb';
} {
  return {
    eventStore: config.databaseUrl === undefined ? 'pglite' : 'postgresql',
    transport: config.kafkaBrokers.length > 0 ? 'kafka' : 'store-tail',
    analytics: config.clickhouseUrl === undefined ? 'chdb' : 'clickhouse-server',
  };
}
