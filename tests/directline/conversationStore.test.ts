/**
 * The conversation store on SQLite and PostgreSQL: dense watermarks under concurrency (also
 * from two pools on one PostgreSQL database, as two instances would be), idempotent
 * creation, paging and idle closing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../store/database.js';
import { ConversationMissingError, DatabaseConversationStore } from '../../adapters/directline/conversationStore.js';
import { ENGINES, type TestDatabase } from '../helpers/databases.js';

describe.each(ENGINES)('DatabaseConversationStore on $name', ({ name, create }) => {
  let temp: TestDatabase;
  let one: Database;
  let two: Database;

  beforeAll(async () => {
    temp = await create();
    one = await openDatabase(temp.url);
    // Two pools on one PostgreSQL database stand for two instances. better-sqlite3 is
    // synchronous, so a second connection in the same thread would wait on a lock its own
    // thread holds; SQLite's multi-process case is the file lock, not something to race here.
    two = name === 'postgres' ? await openDatabase(temp.url) : one;
  });

  afterAll(async () => {
    if (two !== one) await two?.close();
    await one?.close();
    // pg-pool's end() resolves before its clients' sockets have closed; DROP DATABASE ... WITH
    // (FORCE) would kill them mid-goodbye and the error surfaces as an unhandled 'error' event.
    if (name === 'postgres') await new Promise((resolve) => setTimeout(resolve, 250));
    await temp?.drop();
  });

  it('creates a conversation once', async () => {
    const store = new DatabaseConversationStore(one.db);
    expect(await store.createConversation('c-create', 'dl_u', 1000)).toBe(true);
    expect(await store.createConversation('c-create', 'dl_other', 2000)).toBe(false);
    expect(await store.getConversation('c-create')).toEqual({
      id: 'c-create',
      userId: 'dl_u',
      createdAt: 1000,
      lastActivityAt: 1000,
      closedAt: null,
      nextWatermark: 0,
    });
    expect(await store.getConversation('missing')).toBeUndefined();
  });

  it('hands out dense, distinct watermarks to concurrent appends', async () => {
    const a = new DatabaseConversationStore(one.db);
    const b = new DatabaseConversationStore(two.db);
    await a.createConversation('c-race', 'dl_u', 1000);
    const appended = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).appendActivity(
          'c-race',
          (watermark) => ({ type: 'message', text: `n${i}`, id: `c-race|${watermark}` }),
          5000 + i,
        ),
      ),
    );
    expect(appended.map((s) => s.watermark).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const stored = await a.activitiesAfter('c-race', undefined, 100);
    expect(stored.map((s) => s.watermark)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    for (const s of stored) expect(s.activity.id).toBe(`c-race|${s.watermark}`);
    expect((await a.getConversation('c-race'))?.nextWatermark).toBe(40);
    expect(await a.activitiesAfter('c-race', 37, 100)).toHaveLength(2);
    expect(await a.activitiesAfter('c-race', undefined, 5)).toHaveLength(5);
  });

  it('refuses to append to a conversation that does not exist', async () => {
    const store = new DatabaseConversationStore(one.db);
    await expect(store.appendActivity('nope', () => ({ type: 'message' }), 1)).rejects.toBeInstanceOf(
      ConversationMissingError,
    );
  });

  it('closes conversations idle since before the cutoff, once', async () => {
    const store = new DatabaseConversationStore(one.db);
    await store.createConversation('c-idle', 'dl_u', 1_000);
    await store.createConversation('c-busy', 'dl_u', 1_000);
    await store.appendActivity('c-busy', () => ({ type: 'message' }), 9_000);
    const closed = await store.closeIdle(5_000, 10_000);
    expect(closed).toContain('c-idle');
    expect(closed).not.toContain('c-busy');
    expect((await store.getConversation('c-idle'))?.closedAt).toBe(10_000);
    expect(await store.closeIdle(5_000, 11_000)).not.toContain('c-idle');
  });
});
