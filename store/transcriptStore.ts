/**
 * botbuilder TranscriptStore over the database: every activity of every conversation, in
 * order, on every channel. Agents taking a handoff read the whole conversation from here, and
 * the retention job deletes what is older than the council's retention period.
 */
import type { Activity, PagedResult, TranscriptInfo, TranscriptStore } from 'botbuilder';
import type { Insertable } from 'kysely';
import type { Db } from './database.js';
import type { DeferredStateWrites, TurnBatch } from './deferredStateWrites.js';
import type { TranscriptActivityTable } from './schema.js';

const PAGE_SIZE = 100;

type TranscriptRow = Insertable<TranscriptActivityTable>;

/** A turn's transcript rows, written in one statement with the turn's outcome. */
const TRANSCRIPT_BATCH: TurnBatch<TranscriptRow> = {
  name: 'transcript',
  write: async (trx, rows) => {
    await trx.insertInto('transcript_activities').values(rows).execute();
  },
};

export class DatabaseTranscriptStore implements TranscriptStore {
  /** With `deferred`, a turn whose writes are held back writes its transcript with them. */
  constructor(
    private readonly db: Db,
    private readonly deferred?: DeferredStateWrites,
  ) {}

  /**
   * botbuilder's TranscriptLoggerMiddleware calls this for each activity at the end of the
   * turn without waiting; the row joins the turn's transaction (synchronously, before the
   * turn's writes are flushed) when there is one, and is written at once otherwise.
   */
  async logActivity(activity: Activity): Promise<void> {
    const channelId = activity.channelId;
    const conversationId = activity.conversation?.id;
    if (!channelId || !conversationId) return;
    const timestamp = activity.timestamp ? new Date(activity.timestamp).getTime() : Date.now();
    const row: TranscriptRow = {
      channel_id: channelId,
      conversation_id: conversationId,
      activity_id: activity.id ?? null,
      timestamp: Number.isFinite(timestamp) ? timestamp : Date.now(),
      activity: JSON.stringify(activity),
    };
    if (this.deferred?.join(TRANSCRIPT_BATCH, row)) return;
    await this.db.insertInto('transcript_activities').values(row).execute();
  }

  async getTranscriptActivities(
    channelId: string,
    conversationId: string,
    continuationToken?: string,
    startDate?: Date,
  ): Promise<PagedResult<Activity>> {
    let query = this.db
      .selectFrom('transcript_activities')
      .select(['id', 'activity'])
      .where('channel_id', '=', channelId)
      .where('conversation_id', '=', conversationId)
      .orderBy('id')
      .limit(PAGE_SIZE + 1);
    const after = Number(continuationToken);
    if (continuationToken && Number.isInteger(after)) query = query.where('id', '>', after);
    if (startDate) query = query.where('timestamp', '>=', startDate.getTime());
    const rows = await query.execute();
    const page = rows.slice(0, PAGE_SIZE);
    return {
      items: page.map((row) => reviveDates(JSON.parse(row.activity) as Activity)),
      continuationToken: rows.length > PAGE_SIZE ? String(page[page.length - 1]?.id) : '',
    };
  }

  /** Every activity of a conversation, following continuation tokens. */
  async getWholeTranscript(channelId: string, conversationId: string): Promise<Activity[]> {
    const all: Activity[] = [];
    let token: string | undefined;
    do {
      const page = await this.getTranscriptActivities(channelId, conversationId, token);
      all.push(...page.items);
      token = page.continuationToken || undefined;
    } while (token);
    return all;
  }

  async listTranscripts(channelId: string, continuationToken?: string): Promise<PagedResult<TranscriptInfo>> {
    let query = this.db
      .selectFrom('transcript_activities')
      .select((eb) => ['conversation_id', eb.fn.min('timestamp').as('created')])
      .where('channel_id', '=', channelId)
      .groupBy('conversation_id')
      .orderBy('conversation_id')
      .limit(PAGE_SIZE + 1);
    if (continuationToken) query = query.where('conversation_id', '>', continuationToken);
    const rows = await query.execute();
    const page = rows.slice(0, PAGE_SIZE);
    return {
      items: page.map((row) => ({ channelId, id: row.conversation_id, created: new Date(Number(row.created)) })),
      continuationToken: rows.length > PAGE_SIZE ? (page[page.length - 1]?.conversation_id ?? '') : '',
    };
  }

  async deleteTranscript(channelId: string, conversationId: string): Promise<void> {
    await this.db
      .deleteFrom('transcript_activities')
      .where('channel_id', '=', channelId)
      .where('conversation_id', '=', conversationId)
      .execute();
  }

  /** Retention: removes activities older than the cut-off; returns how many went. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('transcript_activities')
      .where('timestamp', '<', cutoff.getTime())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function reviveDates(activity: Activity): Activity {
  if (typeof activity.timestamp === 'string') activity.timestamp = new Date(activity.timestamp);
  return activity;
}
