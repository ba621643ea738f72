/**
 * The SMS channel's tables (store/migrations/003_sms.ts): conversations by number with their
 * opt-out, and outbound messages with their delivery status.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DatabaseSchema } from '../../store/schema.js';
import { getOrCreateSetting } from '../../store/settings.js';
import type { Choice } from './render.js';

export interface SmsConversation {
  conversationId: string;
  phone: string;
  lastInboundAt: number | null;
  optedOut: boolean;
  choices: Choice[];
}

const choicesSchema = z.array(z.object({ label: z.string(), value: z.string() }));

/** Later statuses win; a late "sent" callback never overwrites "delivered". */
const STATUS_RANK: Record<string, number> = {
  accepted: 0,
  scheduled: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  read: 5,
  canceled: 4,
};

function rankOf(status: string): number {
  return STATUS_RANK[status] ?? 3;
}

function parseChoices(json: string | null): Choice[] {
  if (!json) return [];
  try {
    const parsed = choicesSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export class SmsStore {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  /** The HMAC key behind conversation ids: stored, so ids (and bot state) survive restarts. */
  async conversationIdKey(): Promise<Uint8Array> {
    const encoded = await getOrCreateSetting(this.db, 'sms.conversation_id_key', () =>
      randomBytes(32).toString('base64'),
    );
    return new Uint8Array(Buffer.from(encoded, 'base64'));
  }

  /** The conversation for a number, created on first contact. */
  async conversationFor(conversationId: string, phone: string, now: number): Promise<SmsConversation> {
    const existing = await this.find(conversationId);
    if (existing) return existing;
    await this.db
      .insertInto('sms_conversations')
      .values({
        conversation_id: conversationId,
        phone,
        created_at: now,
        last_inbound_at: null,
        opted_out_at: null,
        choices: null,
      })
      .onConflict((oc) => oc.column('conversation_id').doNothing())
      .execute();
    const found = await this.find(conversationId);
    if (!found) throw new Error(`SMS conversation ${conversationId} vanished after insert`);
    return found;
  }

  async find(conversationId: string): Promise<SmsConversation | undefined> {
    const row = await this.db
      .selectFrom('sms_conversations')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      conversationId: row.conversation_id,
      phone: row.phone,
      lastInboundAt: row.last_inbound_at,
      optedOut: row.opted_out_at !== null,
      choices: parseChoices(row.choices),
    };
  }

  /** `db` may be a transaction (the one that answers an inbound text). */
  async touchInbound(conversationId: string, now: number, db: Kysely<DatabaseSchema> = this.db): Promise<void> {
    await db
      .updateTable('sms_conversations')
      .set({ last_inbound_at: now })
      .where('conversation_id', '=', conversationId)
      .execute();
  }

  async setOptedOut(conversationId: string, optedOut: boolean, now: number): Promise<void> {
    await this.db
      .updateTable('sms_conversations')
      .set({ opted_out_at: optedOut ? now : null })
      .where('conversation_id', '=', conversationId)
      .execute();
  }

  async setChoices(conversationId: string, choices: Choice[], db: Kysely<DatabaseSchema> = this.db): Promise<void> {
    await db
      .updateTable('sms_conversations')
      .set({ choices: choices.length ? JSON.stringify(choices) : null })
      .where('conversation_id', '=', conversationId)
      .execute();
  }

  async recordSent(sid: string, conversationId: string, segments: number, status: string, now: number): Promise<void> {
    // A status callback can beat us here; then its (later) status is kept.
    await this.db
      .insertInto('sms_outbound_messages')
      .values({
        sid,
        conversation_id: conversationId,
        segments,
        status,
        error_code: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('sid').doUpdateSet({ conversation_id: conversationId, segments }))
      .execute();
  }

  /** Records a delivery status callback; statuses only move forward. */
  async recordStatus(sid: string, status: string, errorCode: number | null, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('sms_outbound_messages')
        .select(['status'])
        .where('sid', '=', sid)
        .executeTakeFirst();
      if (!row) {
        await trx
          .insertInto('sms_outbound_messages')
          .values({
            sid,
            conversation_id: null,
            segments: null,
            status,
            error_code: errorCode,
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) => oc.column('sid').doNothing())
          .execute();
        return;
      }
      if (rankOf(status) < rankOf(row.status)) return;
      await trx
        .updateTable('sms_outbound_messages')
        .set({ status, error_code: errorCode, updated_at: now })
        .where('sid', '=', sid)
        .execute();
    });
  }

  async outboundStatus(
    sid: string,
  ): Promise<{ status: string; errorCode: number | null; segments: number | null } | undefined> {
    const row = await this.db
      .selectFrom('sms_outbound_messages')
      .select(['status', 'error_code', 'segments'])
      .where('sid', '=', sid)
      .executeTakeFirst();
    return row ? { status: row.status, errorCode: row.error_code, segments: row.segments } : undefined;
  }

  /** Retention: forgets delivery records older than `cutoff` (epoch ms). */
  async deleteOlderThan(cutoff: number): Promise<void> {
    await this.db.deleteFrom('sms_outbound_messages').where('created_at', '<', cutoff).execute();
  }
}
