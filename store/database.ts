/**
 * Opens the one database every part of the assistant persists to: a SQLite file by default,
 * PostgreSQL when STORAGE_URL says postgres://. Kysely gives both one typed query layer;
 * versioned migrations run at start so a fresh clone and an upgraded council both end up
 * with the same schema.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type MigrationProvider,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';
import type { DatabaseSchema } from './schema.js';
import { allMigrations } from './migrations/index.js';
import type { Dialect } from './migrations/columns.js';

export type Db = Kysely<DatabaseSchema>;

export interface Database {
  db: Db;
  dialect: Dialect;
  /**
   * Statements sent to this database since it was opened, migrations included. On PostgreSQL
   * each is one network round trip (BEGIN, COMMIT and ROLLBACK count too); on SQLite they
   * are statements run in-process, for comparison only.
   */
  statements(): number;
  /** True when the database answers a trivial query (used by /readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// PostgreSQL returns BIGINT (int8) as a string to be safe with huge numbers; ours are epoch
// milliseconds, well inside Number's exact range.
pg.types.setTypeParser(20, (value) => Number(value));

/**
 * Statements sent by every database this process opened, by dialect: what /metrics reports
 * as assistant_db_statements_total (a process opens one database, so it is that database's).
 */
const processStatements: Record<Dialect, number> = { sqlite: 0, postgres: 0 };

export function databaseStatements(): Readonly<Record<Dialect, number>> {
  return processStatements;
}

export async function openDatabase(storageUrl: string): Promise<Database> {
  let statements = 0;
  const counted = (dialect: Dialect) => {
    statements++;
    processStatements[dialect]++;
  };
  const { db, dialect } = connect(storageUrl, counted);
  await migrate(db, dialect);
  return {
    db,
    dialect,
    statements: () => statements,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}

function connect(storageUrl: string, counted: (dialect: Dialect) => void): { db: Db; dialect: Dialect } {
  if (storageUrl.startsWith('postgres://') || storageUrl.startsWith('postgresql://')) {
    const pool = new pg.Pool({ connectionString: storageUrl, max: 10 });
    // An idle connection dropped by the server (a PostgreSQL restart, a failover) must not end
    // the process: the pool replaces it on next use, and /readyz reports the outage meanwhile.
    pool.on('error', () => undefined);
    // 'connect' fires once per new client, before the pool hands it out.
    pool.on('connect', (client) => {
      // The pool only listens for errors on idle clients: a connection lost mid-query would
      // otherwise emit an unhandled 'error' and end the process. The query itself still fails,
      // and the pool drops the broken client once its socket has closed.
      client.on('error', () => undefined);
      // Every query on a pooled client is one round trip, Kysely's own BEGIN/COMMIT/ROLLBACK
      // included: they reach the server through the same client.query.
      const query = client.query;
      client.query = function countedQuery(this: pg.PoolClient, ...args: unknown[]) {
        counted('postgres');
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof client.query;
    });
    return { db: new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
  }
  const file = sqliteFile(storageUrl);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  // WAL lets readers carry on while a turn writes, and survives kill -9 without losing
  // committed transactions; NORMAL sync is durable in WAL mode except on power loss.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  // Kysely's log hears every statement it runs on the connection, begin/commit/rollback too
  // (the pragmas above are not counted).
  const log = () => counted('sqlite');
  return {
    db: new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: withStatementCache(database) }), log }),
    dialect: 'sqlite',
  };
}

/** Distinct statements kept prepared; the assistant's own are a few hundred at most. */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely's SQLite driver prepares every statement afresh, which costs more than running the
 * statement itself. The same SQL text (parameters are bound, never inlined) gets the same
 * prepared statement back. A statement still being iterated (a streamed query) is busy, so
 * another use of its text gets a fresh one.
 */
export function withStatementCache(database: SqliteDatabase.Database): SqliteDialectConfig['database'] {
  const prepared = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare(sqlText: string) {
      const cached = prepared.get(sqlText);
      if (cached && !cached.busy) return cached;
      const statement = database.prepare(sqlText);
      if (cached) return statement;
      // Oldest first out: Map keeps insertion order.
      if (prepared.size >= STATEMENT_CACHE_SIZE) prepared.delete(prepared.keys().next().value as string);
      prepared.set(sqlText, statement);
      return statement;
    },
  } as SqliteDialectConfig['database'];
}

/** `sqlite:./var/assistant.db`, `sqlite:///abs/path.db` or `sqlite::memory:` to a file path. */
export function sqliteFile(storageUrl: string): string {
  const rest = storageUrl.replace(/^sqlite:(\/\/)?/, '');
  if (rest === ':memory:') return rest;
  return resolve(rest);
}

async function migrate(db: Db, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => allMigrations(dialect) };
  // Each feature's migration only adds its own tables, so one merged after a later-numbered
  // one (features built in parallel) can still run on a database that already has the later one.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`Database migration failed${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
