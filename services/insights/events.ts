/**
 * The events the insights figures are counted from, written when they happen. A turn's events
 * go in one INSERT, in the same transaction as the turn's state when the channel holds that back
 * (Web Chat and SMS: see store/deferredStateWrites.ts), so a turn run again after a crash does
 * not count twice; anything else (an agent accepting, a text sent) is one INSERT of its own.
 * Nothing is written on a turn where nothing worth counting happened.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Db } from '../../store/database.js';
import type { TurnWrite } from '../../store/deferredStateWrites.js';

/** The jobs the assistant completes, as the dashboard names them. */
export const JOB_OUTCOMES = [
  'bin_day_answered',
  'missed_bin_reported',
  'permit_issued',
  'permit_changed',
  'permit_cancelled',
  'tip_info_answered',
  'council_tax_answered',
  'council_tax_request_made',
  'signpost_given',
] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

/** Why a resident was handed to a person, in the four groups the contact centre reports. */
export const HANDOFF_REASONS = ['asked', 'not_understood', 'urgent', 'job_needs_person'] as const;
export type HandoffReasonGroup = (typeof HANDOFF_REASONS)[number];

/** What the assistant did after a message it did not understand. */
export const NEXT_STEPS = ['asked_again', 'offered_person', 'handed_over'] as const;
export type NextStep = (typeof NEXT_STEPS)[number];

export type InsightEvent =
  /** A resident's first message; `firstIntent` is what it asked (the dashboard's top intents). */
  | { kind: 'conversation'; conversationId: string; firstIntent?: string }
  | { kind: 'job'; name: JobOutcome }
  | { kind: 'handoff'; name: HandoffReasonGroup }
  | { kind: 'not_understood'; name: NextStep }
  /** "Did this answer your question?": yes or no. */
  | { kind: 'answered'; name: 'yes' | 'no' }
  /** A handoff rated 1-5 by the resident afterwards. */
  | { kind: 'rating'; value: number }
  /** A handoff that left the queue: accepted by an agent, the resident left, or offered a callback; value = ms waited. */
  | { kind: 'handoff_wait'; name: 'accepted' | 'left' | 'callback'; value: number }
  /** A text sent; value = segments (what Twilio bills). */
  | { kind: 'sms'; value: number };

/** Where the events are and what conversation they belong to. */
export interface EventScope {
  channel: string;
  /** From conversationKey(); absent for events that belong to no one conversation. */
  conversationKey?: string;
  at: number;
}

/** A conversation's key: one-way, so the figures hold no conversation id past retention. */
export function conversationKey(conversationId: string, startedAt: number): string {
  return createHash('sha256').update(`${conversationId}\u0000${startedAt}`).digest('hex').slice(0, 32);
}

/** The London day of a moment: what the date range of the dashboard selects on. */
export function londonDay(at: number): string {
  return DateTime.fromMillis(at, { zone: 'Europe/London' }).toISODate() ?? '1970-01-01';
}

/** What lets a write join the running turn's transaction (DeferredStateWrites). */
export interface TurnTransaction {
  alsoInTransaction(write: TurnWrite): boolean;
}

export class InsightEvents {
  constructor(
    private readonly db: Db,
    private readonly turn?: TurnTransaction,
  ) {}

  async record(scope: EventScope, events: InsightEvent[]): Promise<void> {
    if (events.length === 0) return;
    const day = londonDay(scope.at);
    const rows = events.map((event) => ({
      at: scope.at,
      day,
      channel: scope.channel,
      conversation_key: scope.conversationKey ?? null,
      conversation_id: event.kind === 'conversation' ? event.conversationId : null,
      kind: event.kind,
      name: 'name' in event ? event.name : event.kind === 'conversation' ? (event.firstIntent ?? null) : null,
      value: 'value' in event ? event.value : null,
    }));
    const joined = this.turn?.alsoInTransaction(async (trx) => {
      await trx.insertInto('insight_events').values(rows).execute();
    });
    if (!joined) await this.db.insertInto('insight_events').values(rows).execute();
  }

  /** Past retention, the conversation ids go; the one-way keys keep the figures adding up. */
  async forgetConversationIds(cutoff: number): Promise<number> {
    const result = await this.db
      .updateTable('insight_events')
      .set({ conversation_id: null })
      .where('at', '<', cutoff)
      .where('conversation_id', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
