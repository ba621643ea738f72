/**
 * Where Direct Line conversations and their activities live, so nothing a resident sent or
 * was told is lost across restarts and every instance sees the same history. Watermarks are
 * dense from 0 per conversation and handed out by the database itself (one UPDATE ...
 * RETURNING inside the insert's transaction), so concurrent turns, or several instances on one
 * PostgreSQL database, can never give two activities the same watermark.
 */
import type { Activity } from 'botbuilder';
import type { Kysely, Transaction } from 'kysely';
import type { DatabaseSchema } from '../../store/schema.js';

export interface ConversationRecord {
  id: string;
  userId: string | null;
  createdAt: number;
  lastActivityAt: number;
  closedAt: number | null;
  nextWatermark: number;
}

export interface StoredActivity {
  watermark: number;
  activity: Partial<Activity>;
}

export interface DirectLineConversationStore {
  /** Creates the conversation; false when it already existed (left unchanged). */
  createConversation(id: string, userId: string, now: number): Promise<boolean>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /**
   * Takes the conversation's next watermark and stores `build(watermark)` under it, in one
   * transaction; also marks the conversation active at `now`. Throws when the conversation
   * does not exist. `alsoInTransaction` records more about it atomically (the inbox row).
   */
  appendActivity(
    conversationId: string,
    build: (watermark: number) => Partial<Activity>,
    now: number,
    alsoInTransaction?: (trx: Transaction<DatabaseSchema>, watermark: number) => Promise<void>,
  ): Promise<StoredActivity>;
  /**
   * Stores a turn's replies, built with watermarks `from`, `from + 1`… handed out while the turn
   * held the conversation, within the turn's own transaction. Throws WatermarksMovedError when
   * the conversation's next watermark is no longer `from` (something else stored an activity
   * meanwhile): the transaction then rolls back and the turn is run again.
   */
  appendReplies(
    trx: Transaction<DatabaseSchema>,
    conversationId: string,
    from: number,
    replies: StoredActivity[],
    now: number,
  ): Promise<void>;
  /** Activities with a watermark above `after` (all when undefined), oldest first. */
  activitiesAfter(conversationId: string, after: number | undefined, limit: number): Promise<StoredActivity[]>;
  /**
   * What a client's read needs in one statement: undefined when the conversation does not
   * exist, otherwise its activities above `after`, oldest first.
   */
  readConversation(
    conversationId: string,
    after: number | undefined,
    limit: number,
  ): Promise<StoredActivity[] | undefined>;
  /** Closes open conversations last active before `cutoff`; returns their ids. */
  closeIdle(cutoff: number, now: number): Promise<string[]>;
}

export class ConversationMissingError extends Error {
  constructor() {
    super('Direct Line conversation does not exist');
    this.name = 'ConversationMissingError';
  }
}

export class WatermarksMovedError extends Error {
  constructor() {
    super('Direct Line conversation gained activities while a turn held it');
    this.name = 'WatermarksMovedError';
  }
}

export class DatabaseConversationStore implements DirectLineConversationStore {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async createConversation(id: string, userId: string, now: number): Promise<boolean> {
    const result = await this.db
      .insertInto('directline_conversations')
      .values({ id, user_id: userId, created_at: now, last_activity_at: now, closed_at: null, next_watermark: 0 })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    const row = await this.db
      .selectFrom('directline_conversations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      userId: row.user_id,
      createdAt: Number(row.created_at),
      lastActivityAt: Number(row.last_activity_at),
      closedAt: row.closed_at === null ? null : Number(row.closed_at),
      nextWatermark: Number(row.next_watermark),
    };
  }

  async appendActivity(
    conversationId: string,
    build: (watermark: number) => Partial<Activity>,
    now: number,
    alsoInTransaction?: (trx: Transaction<DatabaseSchema>, watermark: number) => Promise<void>,
  ): Promise<StoredActivity> {
    return this.db.transaction().execute(async (trx) => {
      const taken = await trx
        .updateTable('directline_conversations')
        .set((eb) => ({ next_watermark: eb('next_watermark', '+', 1), last_activity_at: now }))
        .where('id', '=', conversationId)
        .returning('next_watermark')
        .executeTakeFirst();
      if (!taken) throw new ConversationMissingError();
      const watermark = Number(taken.next_watermark) - 1;
      const activity = build(watermark);
      await trx
        .insertInto('directline_activities')
        .values({ conversation_id: conversationId, watermark, activity: JSON.stringify(activity) })
        .execute();
      await alsoInTransaction?.(trx, watermark);
      return { watermark, activity };
    });
  }

  async appendReplies(
    trx: Transaction<DatabaseSchema>,
    conversationId: string,
    from: number,
    replies: StoredActivity[],
    now: number,
  ): Promise<void> {
    if (replies.length === 0) return;
    // Compare-and-set: the watermarks were promised to the turn's replies when they were sent.
    const taken = await trx
      .updateTable('directline_conversations')
      .set({ next_watermark: from + replies.length, last_activity_at: now })
      .where('id', '=', conversationId)
      .where('next_watermark', '=', from)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) throw new WatermarksMovedError();
    await trx
      .insertInto('directline_activities')
      .values(
        replies.map((reply) => ({
          conversation_id: conversationId,
          watermark: reply.watermark,
          activity: JSON.stringify(reply.activity),
        })),
      )
      .execute();
  }

  async readConversation(
    conversationId: string,
    after: number | undefined,
    limit: number,
  ): Promise<StoredActivity[] | undefined> {
    const rows = await this.db
      .selectFrom('directline_conversations as c')
      .leftJoin('directline_activities as a', (join) =>
        join.onRef('a.conversation_id', '=', 'c.id').on('a.watermark', '>', after ?? -1),
      )
      .select(['a.watermark', 'a.activity'])
      .where('c.id', '=', conversationId)
      .orderBy('a.watermark', 'asc')
      .limit(limit)
      .execute();
    if (rows.length === 0) return undefined;
    return rows.flatMap((row) =>
      row.watermark === null || row.activity === null
        ? []
        : [{ watermark: Number(row.watermark), activity: JSON.parse(row.activity) as Partial<Activity> }],
    );
  }

  async activitiesAfter(conversationId: string, after: number | undefined, limit: number): Promise<StoredActivity[]> {
    const rows = await this.db
      .selectFrom('directline_activities')
      .select(['watermark', 'activity'])
      .where('conversation_id', '=', conversationId)
      .where('watermark', '>', after ?? -1)
      .orderBy('watermark', 'asc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      watermark: Number(row.watermark),
      activity: JSON.parse(row.activity) as Partial<Activity>,
    }));
  }

  async closeIdle(cutoff: number, now: number): Promise<string[]> {
    const rows = await this.db
      .updateTable('directline_conversations')
      .set({ closed_at: now })
      .where('closed_at', 'is', null)
      .where('last_activity_at', '<', cutoff)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }
}
