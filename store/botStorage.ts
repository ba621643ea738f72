/**
 * botbuilder Storage over the assistant's database: conversation and user state survive
 * restarts and are shared by every instance. eTags give optimistic concurrency exactly as
 * botbuilder's own stores do (a write with a stale eTag fails; '*' or no eTag overwrites),
 * and a batch of changes is written in one transaction, all or nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Db } from './database.js';

export class EtagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'EtagConflictError';
  }
}

export class DatabaseStorage implements Storage {
  constructor(private readonly db: Db) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows = await this.db
      .selectFrom('bot_state')
      .select(['key', 'etag', 'document'])
      .where('key', 'in', keys)
      .execute();
    const items: StoreItems = {};
    for (const row of rows) {
      items[row.key] = { ...JSON.parse(row.document), eTag: row.etag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const entries = Object.entries(changes);
    if (entries.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
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
    });
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.deleteFrom('bot_state').where('key', 'in', keys).execute();
  }
}
