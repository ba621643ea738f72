/**
 * Server-wide settings that must be the same on every instance and survive restarts, such as
 * the key that signs Web Chat tokens (a resident's token stays valid after a restart).
 */
import { randomBytes } from 'node:crypto';
import type { Db } from './database.js';

/** Returns the stored value, creating it once with `create` (first writer wins). */
export async function getOrCreateSetting(db: Db, key: string, create: () => string): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key, value: create() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}

export async function tokenSigningKey(db: Db): Promise<Uint8Array> {
  const encoded = await getOrCreateSetting(db, 'directline.token_signing_key', () =>
    randomBytes(32).toString('base64'),
  );
  return new Uint8Array(Buffer.from(encoded, 'base64'));
}

/**
 * Names this deployment (one council's database) in Redis keys and channels, so instances that
 * share a database share locks and events, while councils that share one Redis server never see
 * each other's residents. Created once with the database, like the token key.
 */
export async function deploymentId(db: Db): Promise<string> {
  return getOrCreateSetting(db, 'redis.namespace', () => randomBytes(6).toString('hex'));
}
