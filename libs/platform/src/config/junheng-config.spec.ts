import { ConfigurationError, describeTopology, loadConfig } from './junheng-config';

describe('configuration', () => {
  it('defaults to the embedded topology with demo data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      kafkaBrokers: [],
      clickhouseUrl: undefined,
      clickhouseDatabase: 'junheng',
      kafkaTopic: 'junheng.events',
      demoData: true,
    });
    expect(config.pgliteDataDir).toMatch(/\.junheng\/pglite$/);
    expect(describeTopology(config)).toEqual({
      eventStore: 'pglite',
      transport: 'store-tail',
      analytics: 'chdb',
    });
  });

  it('reads the server topology and turns demo data off with a real database', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://junheng@db:5432/junheng',
      KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      CLICKHOUSE_URL: 'https://clickhouse:8443',
      KAFKA_TOPIC_PARTITIONS: '48',
      JWT_JWKS_FILE: '/etc/junheng/jwks.json',
      PSEUDONYM_KEY: Buffer.alloc(32, 1).toString('base64'),
    });
    expect(config.kafkaBrokers).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(config.kafkaTopicPartitions).toBe(48);
    expect(config.demoData).toBe(false);
    expect(config.developmentSecretsDir).toBeUndefined();
    expect(config.auth.jwtJwksFile).toBe('/etc/junheng/jwks.json');
    expect(describeTopology(config)).toEqual({
      eventStore: 'postgresql',
      transport: 'kafka',
      analytics: 'clickhouse-server',
    });
  });

  it('refuses a server deployment without authentication or a pseudonymisation key', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://db/junheng' })).toThrow(
      /configure authentication[\s\S]*PSEUDONYM_KEY is required/,
    );
  });

  it('reads the indicator settings: formulas, thresholds as JSON, and how reads wait', () => {
    expect(loadConfig({})).toMatchObject({
      indicatorThresholdsJson: undefined,
      formulas: { deathsLeaveDenominator: true, nineYearJuniorWeight: 1.1 },
      readYourWritesTimeoutMs: 5_000,
      liveIntervalMs: 1_000,
    });
    const config = loadConfig({
      JUNHENG_INDICATOR_THRESHOLDS: '{"rotationCoverageMin": 15}',
      JUNHENG_DEATHS_LEAVE_DENOMINATOR: 'false',
      JUNHENG_NINE_YEAR_JUNIOR_WEIGHT: '1.25',
      JUNHENG_READ_YOUR_WRITES_TIMEOUT_MS: '200',
      JUNHENG_REPEATERS_COUNT_IN: 'entry',
    });
    expect(config.indicatorThresholdsJson).toBe('{"rotationCoverageMin": 15}');
    expect(config.formulas).toEqual({
      deathsLeaveDenominator: false,
      nineYearJuniorWeight: 1.25,
      repeatersCountIn: 'entry',
    });
    expect(config.readYourWritesTimeoutMs).toBe(200);
    expect(() => loadConfig({ JUNHENG_NINE_YEAR_JUNIOR_WEIGHT: 'heavy' })).toThrow(
      /JUNHENG_NINE_YEAR_JUNIOR_WEIGHT must be a number from 0.5 to 3/,
    );
    expect(() => loadConfig({ JUNHENG_REPEATERS_COUNT_IN: 'both' })).toThrow(
      /JUNHENG_REPEATERS_COUNT_IN must be class or entry/,
    );
  });

  it('reads the embedded engines’ memory knobs: PGlite shared buffers and chDB caches, in MiB', () => {
    expect(loadConfig({})).toMatchObject({ pgliteSharedBuffersMb: 32, chdbCacheMb: 128 });
    expect(
      loadConfig({ JUNHENG_PGLITE_SHARED_BUFFERS_MB: '128', JUNHENG_CHDB_CACHE_MB: '1024' }),
    ).toMatchObject({ pgliteSharedBuffersMb: 128, chdbCacheMb: 1024 });
    let error: unknown;
    try {
      loadConfig({ JUNHENG_PGLITE_SHARED_BUFFERS_MB: '0', JUNHENG_CHDB_CACHE_MB: '1.5' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect([...(error as ConfigurationError).problems].sort()).toEqual([
      'JUNHENG_CHDB_CACHE_MB must be an integer from 1 to 1048576, got "1.5"',
      'JUNHENG_PGLITE_SHARED_BUFFERS_MB must be an integer from 1 to 65536, got "0"',
    ]);
  });

  it('reads the school system of each province, refusing what is none', () => {
    expect(loadConfig({}).schoolSystem).toBe('6+3');
    expect(loadConfig({ JUNHENG_SCHOOL_SYSTEM: '6+3, 31:5+4' }).schoolSystem).toBe('6+3,31:5+4');
    expect(loadConfig({ JUNHENG_SCHOOL_SYSTEM: '5+4' }).schoolSystem).toBe('5+4');
    for (const wrong of ['6+2', '31=5+4', '6+3,shanghai:5+4']) {
      expect(() => loadConfig({ JUNHENG_SCHOOL_SYSTEM: wrong })).toThrow(/JUNHENG_SCHOOL_SYSTEM/);
    }
  });

  it('accepts pino’s levels for LOG_LEVEL and names the accepted ones for any other', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) {
      expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
    }
    expect(loadConfig({ LOG_LEVEL: ' WARN ' }).logLevel).toBe('warn');
    let error: unknown;
    try {
      loadConfig({ LOG_LEVEL: 'verbose' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems).toEqual([
      'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"',
    ]);
  });

  it('names every invalid setting at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://db',
        KAFKA_BROKERS: 'no-port',
        CLICKHOUSE_URL: 'not a url',
        CLICKHOUSE_DATABASE: 'drop table',
        JUNHENG_DEMO_DATA: 'maybe',
        JWT_SECRET: 'short',
        PSEUDONYM_KEY_ID: 'Key 1',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect([...(error as ConfigurationError).problems].sort()).toEqual(
      [
        'PORT must be an integer from 0 to 65535, got "eighty"',
        'DATABASE_URL must use postgres: or postgresql:, got "mysql:"',
        'CLICKHOUSE_URL is not a URL',
        'KAFKA_BROKERS entry "no-port" is not host:port',
        'CLICKHOUSE_DATABASE must be an identifier, got "drop table"',
        'JUNHENG_DEMO_DATA must be true or false, got "maybe"',
        'JWT_SECRET must be at least 32 characters',
        'PSEUDONYM_KEY_ID must be 1 to 8 lower-case letters or digits',
        'With DATABASE_URL set, PSEUDONYM_KEY is required',
      ].sort(),
    );
  });
});
