import { Client } from 'pg';
import { createTestDatabase, describeWith, eventually, freePort } from '@junheng/testing';
import { EventStoreErrorCode, EventStoreException } from '../event-store.exception';
import { PostgresExecutor } from './postgres-executor';

const unavailable = expect.objectContaining({
  name: 'EventStoreException',
  code: EventStoreErrorCode.Unavailable,
}) as unknown;

/**
 * The executor's side of a database outage, on one connection at a time: every repository
 * (events, audit trail, API keys, checkpoints) gets `EventStoreException(Unavailable)` — the
 * api's 503 — and a connection lost while checked out is never an unhandled 'error' event,
 * which would end the process. The whole api under a real outage: test/postgres-outage.e2e-spec.ts.
 */
describeWith(['PostgreSQL'], 'PostgresExecutor when connections are lost', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let admin: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new Client({ connectionString: database.url });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await database?.drop();
  });

  async function terminate(pid: number): Promise<void> {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await eventually(async () => {
      const { rows } = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
      expect(rows).toHaveLength(0);
    });
  }

  it('a transaction whose backend is terminated between two statements: 503, no crash, the pool heals', async () => {
    const sql = new PostgresExecutor({ connectionString: database.url, maxConnections: 1 });
    try {
      const outcome = sql.transaction(async (tx) => {
        const [row] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // The 57P01 arrives while no statement runs: an 'error' event on the checked-out client.
        await terminate(row!.pid);
        await new Promise((done) => setTimeout(done, 100));
        return tx.query('SELECT 1');
      });
      await expect(outcome).rejects.toEqual(unavailable);
      // The broken client left the pool: the only slot serves a fresh connection.
      await expect(sql.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
      await expect(sql.transaction((tx) => tx.query('SELECT 2 AS two'))).resolves.toEqual([
        { two: 2 },
      ]);
    } finally {
      await sql.close();
    }
  });

  it('a statement whose backend is terminated while it runs: 503', async () => {
    const sql = new PostgresExecutor({ connectionString: database.url, maxConnections: 2 });
    try {
      const sleeping = sql.query('SELECT pg_sleep(30)');
      const pid = await eventually(async () => {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND datname = current_database()`,
        );
        expect(rows).toHaveLength(1);
        return rows[0]!.pid;
      });
      await terminate(pid);
      await expect(sleeping).rejects.toEqual(unavailable);
      const inTransaction = sql.transaction((tx) => tx.query('SELECT pg_sleep(30)'));
      const transactionPid = await eventually(async () => {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND datname = current_database()`,
        );
        expect(rows).toHaveLength(1);
        return rows[0]!.pid;
      });
      await terminate(transactionPid);
      await expect(inTransaction).rejects.toEqual(unavailable);
      await expect(sql.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    } finally {
      await sql.close();
    }
  });

  it('no server to connect to: 503 from query and from transaction, the cause kept', async () => {
    const url = new URL(database.url);
    url.port = String(await freePort());
    const sql = new PostgresExecutor({ connectionString: url.toString() });
    try {
      const refused = await sql.query('SELECT 1').catch((error: unknown) => error);
      expect(refused).toEqual(unavailable);
      expect((refused as EventStoreException).cause).toMatchObject({ code: 'ECONNREFUSED' });
      expect(sql.isUnavailable(refused)).toBe(true);
      await expect(sql.transaction((tx) => tx.query('SELECT 1'))).rejects.toEqual(unavailable);
    } finally {
      await sql.close();
    }
  });

  it('errors of the SQL itself pass through as they are, and the transaction rolls back', async () => {
    const sql = new PostgresExecutor({ connectionString: database.url, maxConnections: 1 });
    try {
      await sql.query('CREATE TABLE executor_probe (id int PRIMARY KEY)');
      await expect(sql.query('SELEC 1')).rejects.toMatchObject({ code: '42601' });
      const duplicate = sql.transaction(async (tx) => {
        await tx.query('INSERT INTO executor_probe VALUES (1)');
        await tx.query('INSERT INTO executor_probe VALUES (1)');
      });
      await expect(duplicate).rejects.toMatchObject({ code: '23505' });
      await expect(duplicate).rejects.not.toBeInstanceOf(EventStoreException);
      const failure = new Error('not the database');
      await expect(
        sql.transaction(async (tx) => {
          await tx.query('INSERT INTO executor_probe VALUES (2)');
          throw failure;
        }),
      ).rejects.toBe(failure);
      await expect(sql.query('SELECT count(*)::int AS rows FROM executor_probe')).resolves.toEqual([
        { rows: 0 },
      ]);
    } finally {
      await sql.close();
    }
  });

  it('the server refusing more connections (53300, too many connections): 503', async () => {
    const role = `limited_${Date.now().toString(36)}`;
    await admin.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 0`);
    const url = new URL(database.url);
    url.username = role;
    const sql = new PostgresExecutor({ connectionString: url.toString() });
    try {
      await expect(sql.query('SELECT 1')).rejects.toEqual(unavailable);
    } finally {
      await sql.close();
      await admin.query(`DROP ROLE ${role}`);
    }
  });
});
