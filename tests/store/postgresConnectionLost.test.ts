/**
 * A PostgreSQL connection lost while a query runs (a server restart, a failover, an
 * administrator ending the session) fails that query, not the process, and the pool carries
 * on with a fresh connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type Database } from '../../store/database.js';
import { POSTGRES_ADMIN_URL, postgresTestDatabase, type TestDatabase } from '../helpers/databases.js';

describe('a PostgreSQL connection lost mid-query', () => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await postgresTestDatabase();
    database = await openDatabase(testDb.url);
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it('fails that query and leaves the process and the pool working', async () => {
    // Holding the connection (as a transaction does) when its socket closes: the case that
    // used to end the process with an unhandled 'error' event.
    const outcome = database.db.connection().execute(async (connection) => {
      const result = await sql`select pg_sleep(5)`.execute(connection).then(
        () => 'finished',
        () => 'failed',
      );
      await new Promise((r) => setTimeout(r, 200));
      return result;
    });
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    try {
      const name = new URL(testDb.url).pathname.slice(1);
      // Wait until the query is running, then end its session as a server restart would.
      for (let i = 0; i < 50; i++) {
        const { rowCount } = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()",
          [name],
        );
        if (rowCount) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await admin.end();
    }
    expect(await outcome).toBe('failed');
    // The server's notice can come before the socket closes, so the pool may hand out the
    // dying connection once more; it is dropped when the close arrives.
    let answered = false;
    for (let i = 0; i < 40 && !answered; i++) {
      answered = await database.ping();
      if (!answered) await new Promise((r) => setTimeout(r, 25));
    }
    expect(answered).toBe(true);
  });
});
