/**
 * Every inbound text, stored before its turn runs, with its state (store/migrations/008):
 * `processing` under one instance's lease, renewed while the turn runs, then `answered` in the
 * same transaction that queues its replies and saves the conversation's state. A Twilio retry
 * of an answered text is a duplicate; of one whose lease ran out (its instance died) it takes
 * the message over; of one still under a live lease it is left to its holder. A sweep on every
 * instance takes over what no retry came for.
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { DatabaseSchema } from '../../store/schema.js';

export type InboxClaim = 'claimed' | 'answered' | 'busy';

/** After this many tries a text that keeps failing is given up, not tried for ever: the resident is told, and it is counted. */
export const MAX_INBOUND_ATTEMPTS = 5;

export class LeaseLostError extends Error {
  constructor(what: string) {
    super(`${what}: the lease ran out and another instance took it over`);
    this.name = 'LeaseLostError';
  }
}

export interface UnfinishedText {
  messageSid: string;
  conversationId: string;
  params: Record<string, string>;
}

const paramsSchema = z.record(z.string(), z.string());

export class SmsInbox {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  /** Stores the text (first delivery) or takes it over (its lease ran out); says who has it. */
  async claim(
    messageSid: string,
    conversationId: string,
    params: Record<string, string>,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<InboxClaim> {
    const inserted = await this.db
      .insertInto('sms_inbox')
      .values({
        message_sid: messageSid,
        conversation_id: conversationId,
        params: JSON.stringify(params),
        state: 'processing',
        lease_owner: owner,
        lease_until: now + leaseMs,
        attempts: 1,
        received_at: now,
        answered_at: null,
      })
      .onConflict((oc) => oc.column('message_sid').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return 'claimed';
    if (await this.takeOver(messageSid, owner, now, leaseMs)) return 'claimed';
    const row = await this.db
      .selectFrom('sms_inbox')
      .select('state')
      .where('message_sid', '=', messageSid)
      .executeTakeFirst();
    return row?.state === 'answered' || row?.state === 'failed' ? 'answered' : 'busy';
  }

  /** Stores a text nobody is working on yet (this instance is stopping): the next sweep anywhere takes it. */
  async keep(messageSid: string, conversationId: string, params: Record<string, string>, now: number): Promise<void> {
    await this.db
      .insertInto('sms_inbox')
      .values({
        message_sid: messageSid,
        conversation_id: conversationId,
        params: JSON.stringify(params),
        state: 'processing',
        lease_owner: null,
        lease_until: 0,
        attempts: 0,
        received_at: now,
        answered_at: null,
      })
      .onConflict((oc) => oc.column('message_sid').doNothing())
      .execute();
  }

  /**
   * Takes an unfinished text whose lease ran out (or any unfinished one with `anyLease`, for
   * a single instance at start); false when someone holds it or it is done.
   */
  async takeOver(messageSid: string, owner: string, now: number, leaseMs: number, anyLease = false): Promise<boolean> {
    let update = this.db
      .updateTable('sms_inbox')
      .set((eb) => ({
        state: 'processing',
        lease_owner: owner,
        lease_until: now + leaseMs,
        attempts: eb('attempts', '+', 1),
      }))
      .where('message_sid', '=', messageSid)
      .where('state', '=', 'processing');
    if (!anyLease) update = update.where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));
    const updated = await update.executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /** Keeps the lease while the turn runs; false when it was lost. */
  async renew(messageSid: string, owner: string, until: number): Promise<boolean> {
    const updated = await this.db
      .updateTable('sms_inbox')
      .set({ lease_until: until })
      .where('message_sid', '=', messageSid)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'processing')
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /** Lets go after a failed turn, so Twilio's retry or the next sweep may try again at once. */
  async release(messageSid: string, owner: string): Promise<void> {
    await this.db
      .updateTable('sms_inbox')
      .set({ lease_until: 0 })
      .where('message_sid', '=', messageSid)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'processing')
      .execute();
  }

  /** Marks the text answered inside the transaction that stores its outcome; throws if the lease was lost. */
  async markAnswered(trx: Transaction<DatabaseSchema>, messageSid: string, owner: string, now: number): Promise<void> {
    const updated = await trx
      .updateTable('sms_inbox')
      .set({ state: 'answered', answered_at: now, lease_owner: null, lease_until: null })
      .where('message_sid', '=', messageSid)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'processing')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new LeaseLostError(`SMS ${messageSid}`);
  }

  /** A text tried MAX_INBOUND_ATTEMPTS times without an answer: stop trying. */
  async markFailed(messageSid: string, now: number, trx?: Transaction<DatabaseSchema>): Promise<void> {
    await (trx ?? this.db)
      .updateTable('sms_inbox')
      .set({ state: 'failed', answered_at: now, lease_owner: null, lease_until: null })
      .where('message_sid', '=', messageSid)
      .where('state', '=', 'processing')
      .execute();
  }

  /**
   * Unfinished texts free to take, oldest first: whose lease ran out, or (`everyLease`, for a
   * single instance at start, when every lease is its own from before the restart) all.
   */
  async unfinished(
    now: number,
    options: { conversationId?: string; everyLease?: boolean; limit?: number } = {},
  ): Promise<UnfinishedText[]> {
    let query = this.db
      .selectFrom('sms_inbox')
      .select(['message_sid', 'conversation_id', 'params', 'attempts'])
      .where('state', '=', 'processing')
      .orderBy('received_at', 'asc')
      .orderBy('message_sid', 'asc')
      .limit(options.limit ?? 100);
    if (!options.everyLease)
      query = query.where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));
    if (options.conversationId) query = query.where('conversation_id', '=', options.conversationId);
    const rows = await query.execute();
    return rows.flatMap((row) => {
      const parsed = row.params ? paramsSchema.safeParse(JSON.parse(row.params)) : undefined;
      return parsed?.success
        ? [{ messageSid: row.message_sid, conversationId: row.conversation_id, params: parsed.data }]
        : [];
    });
  }

  async attempts(messageSid: string): Promise<number> {
    const row = await this.db
      .selectFrom('sms_inbox')
      .select('attempts')
      .where('message_sid', '=', messageSid)
      .executeTakeFirst();
    return Number(row?.attempts ?? 0);
  }

  /** Retention: forgets texts (and what they said) older than `cutoff`. */
  async deleteOlderThan(cutoff: number): Promise<void> {
    await this.db.deleteFrom('sms_inbox').where('received_at', '<', cutoff).execute();
  }
}
