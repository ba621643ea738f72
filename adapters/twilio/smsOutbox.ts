/**
 * The SMS outbox's table (store/migrations/008): texts to send, queued in the transaction that
 * answers the message they reply to, and sent in order per conversation by the worker
 * (outboxWorker.ts). A row is taken under a lease, so of several instances' workers only one
 * sends it, and one whose worker died is taken over when the lease runs out.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DatabaseSchema, SmsOutboxTable } from '../../store/schema.js';
import type { PlannedText } from './outbox.js';

export type OutboxRow = Selectable<SmsOutboxTable>;
export type OutboxState = 'queued' | 'sent' | 'failed';
export const OUTBOX_STATES: readonly OutboxState[] = ['queued', 'sent', 'failed'];

export class SmsOutboxStore {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  /**
   * Queues a turn's texts, in order, within the caller's transaction; `opt-out` goes even to a
   * number that opted out; `proactive` is a text nobody texted for (an agent's reply). Returns
   * the rows' ids.
   */
  async enqueue(
    trx: Transaction<DatabaseSchema>,
    conversationId: string,
    messageSid: string | null,
    kind: 'reply' | 'opt-out' | 'proactive',
    texts: PlannedText[],
    now: number,
  ): Promise<number[]> {
    const ids: number[] = [];
    for (const text of texts) {
      const row = await trx
        .insertInto('sms_outbox')
        .values({
          conversation_id: conversationId,
          message_sid: messageSid,
          kind,
          body: text.body,
          segments: text.segments,
          encoding: text.encoding,
          state: 'queued',
          attempts: 0,
          lease_owner: null,
          lease_until: null,
          sid: null,
          last_status: null,
          last_code: null,
          attempt_started_at: null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(Number(row.id));
    }
    return ids;
  }

  /** The rows as they are now (state and the last failure), by id. */
  async rows(ids: number[]): Promise<Pick<OutboxRow, 'id' | 'state' | 'last_status' | 'last_code' | 'attempts'>[]> {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom('sms_outbox')
      .select(['id', 'state', 'last_status', 'last_code', 'attempts'])
      .where('id', 'in', ids)
      .orderBy('id', 'asc')
      .execute();
  }

  /** Conversations with a queued text nobody holds, oldest first. */
  async conversationsDue(now: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sms_outbox')
      .select('conversation_id')
      .where('state', '=', 'queued')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .groupBy('conversation_id')
      .orderBy((eb) => eb.fn.min('id'), 'asc')
      .limit(limit)
      .execute();
    return rows.map((row) => row.conversation_id);
  }

  /**
   * Takes the conversation's oldest queued text if nobody holds it. Only ever the oldest: a
   * later text waits, so a resident never reads the answer before the question it answers.
   */
  async takeHead(conversationId: string, owner: string, now: number, leaseMs: number): Promise<OutboxRow | undefined> {
    const head = await this.db
      .selectFrom('sms_outbox')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('state', '=', 'queued')
      .orderBy('id', 'asc')
      .limit(1)
      .executeTakeFirst();
    if (!head) return undefined;
    const taken = await this.db
      .updateTable('sms_outbox')
      .set({ lease_owner: owner, lease_until: now + leaseMs, updated_at: now })
      .where('id', '=', head.id)
      .where('state', '=', 'queued')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now), eb('lease_owner', '=', owner)]))
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1 ? { ...head, lease_owner: owner, lease_until: now + leaseMs } : undefined;
  }

  async renew(id: number, owner: string, until: number): Promise<void> {
    await this.db
      .updateTable('sms_outbox')
      .set({ lease_until: until })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'queued')
      .execute();
  }

  /** Committed before each request to Twilio: until it answers, the text may or may not have gone. */
  async markAttemptStarted(id: number, owner: string, now: number): Promise<void> {
    await this.db
      .updateTable('sms_outbox')
      .set({ attempt_started_at: now })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  /**
   * A failed attempt. `answered`: Twilio answered (with an error), so the text was not taken;
   * otherwise (no answer) it may have been, and the attempt stays open to be checked.
   */
  async recordAttempt(
    id: number,
    owner: string,
    status: number | undefined,
    code: number | undefined,
    now: number,
    answered = status !== undefined,
  ): Promise<void> {
    await this.db
      .updateTable('sms_outbox')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_status: status ?? null,
        last_code: code ?? null,
        updated_at: now,
        ...(answered ? { attempt_started_at: null } : {}),
      }))
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  async markSent(id: number, sid: string, now: number): Promise<void> {
    await this.db
      .updateTable('sms_outbox')
      .set((eb) => ({
        state: 'sent',
        sid,
        attempts: eb('attempts', '+', 1),
        lease_owner: null,
        lease_until: null,
        attempt_started_at: null,
        updated_at: now,
      }))
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: number, now: number): Promise<void> {
    await this.db
      .updateTable('sms_outbox')
      .set({ state: 'failed', lease_owner: null, lease_until: null, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Gives a row back (this instance is stopping), so another may send it at once. */
  async release(id: number, owner: string): Promise<void> {
    await this.db
      .updateTable('sms_outbox')
      .set({ lease_until: 0 })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'queued')
      .execute();
  }

  /** Which of these Twilio sids the outbox already recorded as sent (so they are not someone else's copy). */
  async knownSids(sids: string[]): Promise<Set<string>> {
    if (sids.length === 0) return new Set();
    const rows = await this.db.selectFrom('sms_outbox').select('sid').where('sid', 'in', sids).execute();
    return new Set(rows.flatMap((row) => (row.sid ? [row.sid] : [])));
  }

  /** Texts by state, for /metrics. */
  async countByState(): Promise<Record<OutboxState, number>> {
    const rows = await this.db
      .selectFrom('sms_outbox')
      .select(['state', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('state')
      .execute();
    const counts: Record<OutboxState, number> = { queued: 0, sent: 0, failed: 0 };
    for (const row of rows) {
      const state = OUTBOX_STATES.find((s) => s === row.state);
      if (state) counts[state] = Number(row.count);
    }
    return counts;
  }

  /** Retention: forgets texts (what they said) older than `cutoff`, unless still queued. */
  async deleteOlderThan(cutoff: number): Promise<void> {
    await this.db.deleteFrom('sms_outbox').where('created_at', '<', cutoff).where('state', '<>', 'queued').execute();
  }
}
