/**
 * botbuilder Storage over the assistant's database: conversation and user state survive
 * restarts and are shared by every instance. eTags give optimistic concurrency exactly as
 * botbuilder's own stores do (a write with a stale eTag fails; '*' or no eTag overwrites),
 * and a batch of changes is written in one transaction, all or nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Transaction } from 'kysely';
import type { Db } from './database.js';
import type { DeferredStateWrites, PendingWrites } from './deferredStateWrites.js';
import type { DatabaseSchema } from './schema.js';

export class EtagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'EtagConflictError';
  }
}

export class DatabaseStorage implements Storage {
  /** With `deferred`, a turn run inside `deferred.defer()` has its writes held back (see there). */
  constructor(
    private readonly db: Db,
    private readonly deferred?: DeferredStateWrites,
  ) {
    deferred?.attach((trx, pending) => this.applyPending(trx, pending));
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const pending = this.deferred?.current();
    const items: StoreItems = {};
    const unread = pending ? keys.filter((key) => !pending.has(key)) : keys;
    if (unread.length > 0) {
      const rows = await this.db
        .selectFrom('bot_state')
        .select(['key', 'etag', 'document'])
        .where('key', 'in', unread)
        .execute();
      for (const row of rows) {
        items[row.key] = { ...JSON.parse(row.document), eTag: row.etag };
      }
    }
    for (const key of keys) {
      const held = pending?.get(key);
      // A copy, as a read from the database would be: the turn may change what it gets.
      if (held) items[key] = structuredClone(held);
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const entries = Object.entries(changes);
    if (entries.length === 0) return;
    const pending = this.deferred?.current();
    if (pending) {
      // Kept with the eTag the turn read, so the check against the database happens at flush.
      for (const [key, item] of entries) pending.set(key, structuredClone(item ?? {}));
      return;
    }
    await this.db.transaction().execute((trx) => this.writeIn(trx, entries));
  }

  private async applyPending(trx: Transaction<DatabaseSchema>, pending: PendingWrites): Promise<void> {
    const deletes = [...pending].filter(([, item]) => item === null).map(([key]) => key);
    if (deletes.length > 0) await trx.deleteFrom('bot_state').where('key', 'in', deletes).execute();
    const writes = [...pending].flatMap(([key, item]) => (item === null ? [] : [[key, item] as [string, unknown]]));
    await this.writeIn(trx, writes);
  }

  private async writeIn(trx: Transaction<DatabaseSchema>, entries: [string, unknown][]): Promise<void> {
    for (const [key, item] of entries) {
      const { eTag, ...document } = (item ?? {}) as { eTag?: string } & Record<string, unknown>;
      const fields = { etag: randomUUID(), document: JSON.stringify(document), updated_at: Date.now() };
      const row = { key, ...fields };
      if (!eTag || eTag === '*') {
        await trx
          .insertInto('bot_state')
          .values(row)
          .onConflict((oc) => oc.column('key').doUpdateSet(fields))
          .execute();
        continue;
      }
      const updated = await trx
        .updateTable('bot_state')
        .set(fields)
        .where('key', '=', key)
        .where('etag', '=', eTag)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1) continue;
      // No row matched: either someone else changed it (conflict) or it never existed, in
      // which case botbuilder's semantics say the write succeeds.
      const inserted = await trx
        .insertInto('bot_state')
        .values(row)
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) throw new EtagConflictError(key);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const pending = this.deferred?.current();
    if (pending) {
      for (const key of keys) pending.set(key, null);
      return;
    }
    await this.db.deleteFrom('bot_state').where('key', 'in', keys).execute();
  }
}
