/**
 * The Web Chat inbox (store/migrations/009): each activity a resident posted, by watermark,
 * with its state: `processing` under one instance's lease, renewed while its turn runs, then
 * `answered` in the transaction that saves the turn's conversation state. The client's own
 * clientActivityID is kept, so Web Chat posting the same message twice (a retry after a lost
 * response) is answered with the first one's id instead of running the turn again. A message
 * whose instance died mid-turn is finished by a sweep on every instance once its lease runs out.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DatabaseSchema } from '../../store/schema.js';

export interface InboundRecord {
  conversationId: string;
  watermark: number;
  state: string;
  leaseUntil: number | null;
  attempts: number;
}

export interface NewMessageContext {
  userId: string | null;
  closedAt: number | null;
  /** Messages of the conversation not yet answered, oldest first. */
  unfinished: InboundRecord[];
  /** The same message posted before (same clientActivityID). */
  earlier?: InboundRecord;
}

/** After this many tries a message that keeps failing is given up: the resident is told, and it is counted. */
export const MAX_ATTEMPTS = 5;

export class DirectLineInbox {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  /** Records a stored activity as taken by `owner`, inside the transaction that stored it. */
  async add(
    trx: Transaction<DatabaseSchema>,
    conversationId: string,
    watermark: number,
    clientActivityId: string | null,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<void> {
    await trx
      .insertInto('directline_inbox')
      .values({
        conversation_id: conversationId,
        watermark,
        client_activity_id: clientActivityId,
        state: 'processing',
        lease_owner: owner,
        lease_until: now + leaseMs,
        attempts: 1,
        received_at: now,
        answered_at: null,
      })
      .execute();
  }

  /** The message the client already posted with this clientActivityID, if any. */
  async byClientId(conversationId: string, clientActivityId: string): Promise<InboundRecord | undefined> {
    const row = await this.db
      .selectFrom('directline_inbox')
      .select(['conversation_id', 'watermark', 'state', 'lease_until', 'attempts'])
      .where('conversation_id', '=', conversationId)
      .where('client_activity_id', '=', clientActivityId)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  /**
   * In one statement, what a new message must know before it is stored: whether its
   * conversation exists and is open, the conversation's messages still being answered (oldest
   * first) and, given its clientActivityID, the earlier post of the same message if any.
   * Undefined when the conversation does not exist.
   */
  async beforeNewMessage(
    conversationId: string,
    clientActivityId: string | undefined,
  ): Promise<NewMessageContext | undefined> {
    const rows = await this.db
      .selectFrom('directline_conversations as c')
      .leftJoin('directline_inbox as i', (join) =>
        join
          .onRef('i.conversation_id', '=', 'c.id')
          .on((eb) =>
            clientActivityId === undefined
              ? eb('i.state', '=', 'processing')
              : eb.or([eb('i.state', '=', 'processing'), eb('i.client_activity_id', '=', clientActivityId)]),
          ),
      )
      .select([
        'c.user_id',
        'c.closed_at',
        'i.watermark',
        'i.state',
        'i.lease_until',
        'i.attempts',
        'i.client_activity_id',
      ])
      .where('c.id', '=', conversationId)
      .orderBy('i.watermark', 'asc')
      .execute();
    const first = rows[0];
    if (!first) return undefined;
    const records = rows.flatMap((row) =>
      row.watermark === null || row.state === null || row.attempts === null
        ? []
        : [
            {
              record: toRecord({
                conversation_id: conversationId,
                watermark: row.watermark,
                state: row.state,
                lease_until: row.lease_until,
                attempts: row.attempts,
              }),
              clientId: row.client_activity_id,
            },
          ],
    );
    const earlier =
      clientActivityId === undefined ? undefined : records.find((row) => row.clientId === clientActivityId)?.record;
    return {
      userId: first.user_id,
      closedAt: first.closed_at === null ? null : Number(first.closed_at),
      unfinished: records.filter((row) => row.record.state === 'processing').map((row) => row.record),
      ...(earlier ? { earlier } : {}),
    };
  }

  async byWatermark(conversationId: string, watermark: number): Promise<InboundRecord | undefined> {
    const row = await this.db
      .selectFrom('directline_inbox')
      .select(['conversation_id', 'watermark', 'state', 'lease_until', 'attempts'])
      .where('conversation_id', '=', conversationId)
      .where('watermark', '=', watermark)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  /** Takes an unfinished message whose lease ran out (or any, with `anyLease`); false if someone holds it. */
  async takeOver(
    conversationId: string,
    watermark: number,
    owner: string,
    now: number,
    leaseMs: number,
    anyLease = false,
  ): Promise<boolean> {
    let update = this.db
      .updateTable('directline_inbox')
      .set((eb) => ({ lease_owner: owner, lease_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('conversation_id', '=', conversationId)
      .where('watermark', '=', watermark)
      .where('state', '=', 'processing');
    if (!anyLease) update = update.where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));
    return Number((await update.executeTakeFirst()).numUpdatedRows) === 1;
  }

  async renew(conversationId: string, watermark: number, owner: string, until: number): Promise<void> {
    await this.db
      .updateTable('directline_inbox')
      .set({ lease_until: until })
      .where('conversation_id', '=', conversationId)
      .where('watermark', '=', watermark)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'processing')
      .execute();
  }

  /** Lets go after a failure, so the next sweep tries again at once. */
  async release(conversationId: string, watermark: number, owner: string): Promise<void> {
    await this.db
      .updateTable('directline_inbox')
      .set({ lease_until: 0 })
      .where('conversation_id', '=', conversationId)
      .where('watermark', '=', watermark)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'processing')
      .execute();
  }

  /** Marks it answered inside the transaction that saves the turn's state; false if the lease was lost. */
  async markAnswered(
    trx: Transaction<DatabaseSchema>,
    conversationId: string,
    watermark: number,
    owner: string,
    now: number,
  ): Promise<boolean> {
    const updated = await trx
      .updateTable('directline_inbox')
      .set({ state: 'answered', answered_at: now, lease_owner: null, lease_until: null })
      .where('conversation_id', '=', conversationId)
      .where('watermark', '=', watermark)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'processing')
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /** Given up after MAX_ATTEMPTS; within `trx` when the apology to the resident is stored with it. */
  async markFailed(
    conversationId: string,
    watermark: number,
    now: number,
    trx?: Transaction<DatabaseSchema>,
  ): Promise<void> {
    await (trx ?? this.db)
      .updateTable('directline_inbox')
      .set({ state: 'failed', answered_at: now, lease_owner: null, lease_until: null })
      .where('conversation_id', '=', conversationId)
      .where('watermark', '=', watermark)
      .execute();
  }

  /** Unfinished messages free to take (lease run out, or all with `anyLease`), oldest first. */
  async unfinished(
    now: number,
    options: { anyLease?: boolean; conversationId?: string; limit?: number } = {},
  ): Promise<InboundRecord[]> {
    let query = this.db
      .selectFrom('directline_inbox')
      .select(['conversation_id', 'watermark', 'state', 'lease_until', 'attempts'])
      .where('state', '=', 'processing')
      .orderBy('received_at', 'asc')
      .orderBy('watermark', 'asc')
      .limit(options.limit ?? 100);
    if (!options.anyLease)
      query = query.where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));
    if (options.conversationId) query = query.where('conversation_id', '=', options.conversationId);
    return (await query.execute()).map(toRecord);
  }

  /** Retention: forgets records older than `cutoff` (the activities themselves go with their conversation). */
  async deleteOlderThan(cutoff: number): Promise<void> {
    await this.db.deleteFrom('directline_inbox').where('received_at', '<', cutoff).execute();
  }
}

function toRecord(row: {
  conversation_id: string;
  watermark: number;
  state: string;
  lease_until: number | null;
  attempts: number;
}): InboundRecord {
  return {
    conversationId: row.conversation_id,
    watermark: Number(row.watermark),
    state: row.state,
    leaseUntil: row.lease_until === null ? null : Number(row.lease_until),
    attempts: Number(row.attempts),
  };
}
