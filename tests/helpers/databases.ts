/**
 * Fresh databases for tests: a SQLite file in a temp folder, and (for the PostgreSQL paths)
 * a brand-new database on the local server, so test files running in parallel never share
 * tables. POSTGRES_TEST_URL points at the server's admin database (default the local `test`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_ADMIN_URL = process.env.POSTGRES_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export function sqliteTestDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'council-assistant-'));
  return {
    url: `sqlite:${join(dir, 'assistant.db')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function postgresTestDatabase(): Promise<TestDatabase> {
  // Named after the test run and the hour, so a run's clean-up drops only its own databases
  // (and leftovers of crashed runs), never those of another run going on at the same time.
  const run = process.env.CA_TEST_RUN ?? 'none';
  const name = `ca_test_${Math.floor(Date.now() / 3_600_000)}_${run}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * The database a test runs the assistant on: SQLite by default, or a fresh PostgreSQL
 * database when TEST_STORAGE=postgres, so the whole suite can be run on either engine:
 *   TEST_STORAGE=postgres npm test
 */
export async function testDatabase(): Promise<TestDatabase> {
  return process.env.TEST_STORAGE === 'postgres' ? postgresTestDatabase() : sqliteTestDatabase();
}

/** Both engines, for suites that must behave the same on each. */
export const ENGINES = [
  { name: 'sqlite', create: async () => sqliteTestDatabase() },
  { name: 'postgres', create: postgresTestDatabase },
] as const;
