/**
 * Statements sent to the database, the figure behind assistant_db_statements_total: one per
 * query, and a transaction's BEGIN and COMMIT (or ROLLBACK) count too. On PostgreSQL each is
 * a network round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { databaseStatements, openDatabase, type Database } from '../../store/database.js';
import { AssistantMetrics } from '../../bot/metrics.js';
import { ENGINES, type TestDatabase } from '../helpers/databases.js';

describe.each(ENGINES)('statements counted on $name', ({ name, create }) => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await create();
    database = await openDatabase(testDb.url);
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it('counts the migrations that ran at open', () => {
    expect(database.statements()).toBeGreaterThan(0);
  });

  it('counts one for one query', async () => {
    const before = database.statements();
    await database.db.selectFrom('bot_state').select('key').where('key', '=', 'none').execute();
    expect(database.statements() - before).toBe(1);
  });

  it('counts BEGIN and COMMIT around the statements of a transaction', async () => {
    const before = database.statements();
    await database.db.transaction().execute(async (trx) => {
      await trx.insertInto('bot_state').values({ key: 'count/1', etag: 'e', document: '{}', updated_at: 1 }).execute();
      await trx.selectFrom('bot_state').select('key').where('key', '=', 'count/1').executeTakeFirst();
    });
    expect(database.statements() - before).toBe(4);
  });

  it('counts BEGIN, the failed statement and ROLLBACK when a transaction fails', async () => {
    const before = database.statements();
    await expect(
      database.db.transaction().execute(async (trx) => {
        // The same key again: the primary key refuses it.
        await trx
          .insertInto('bot_state')
          .values({ key: 'count/1', etag: 'e', document: '{}', updated_at: 1 })
          .execute();
      }),
    ).rejects.toThrow();
    expect(database.statements() - before).toBe(3);
  });

  it('adds to the process tally that /metrics reports by dialect', async () => {
    const metrics = new AssistantMetrics();
    const tallyBefore = databaseStatements()[name];
    const before = database.statements();
    await sql`select 1`.execute(database.db);
    await database.ping();
    expect(database.statements() - before).toBe(2);
    expect(databaseStatements()[name] - tallyBefore).toBe(2);

    const text = await metrics.registry.getSingleMetricAsString('assistant_db_statements_total');
    const reported = Number(new RegExp(`assistant_db_statements_total\\{dialect="${name}"\\} (\\d+)`).exec(text)?.[1]);
    expect(reported).toBe(databaseStatements()[name]);
  });
});
