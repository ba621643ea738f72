/**
 * The figures on the insights dashboard, counted from `insight_events` for a range of London
 * days. The definitions (README, "How well is it working?"):
 * - a conversation is counted on the day a resident first wrote in it;
 * - handed over: a person was asked for it (queued for an agent, or a callback offered when the
 *   contact centre was closed, or told to call when the queue was full), grouped by the first
 *   handoff's reason;
 * - contained: not handed over, and the assistant completed at least one job (an answer, a
 *   permit, a report, a signpost to the right place);
 * - abandoned: neither, and the resident has sent nothing for `abandonedAfterMinutes` after the
 *   assistant's last reply;
 * - in progress: neither yet, and the resident wrote within the last `abandonedAfterMinutes`.
 * So conversations = contained + handed over + abandoned + in progress, on every day.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Db } from '../../store/database.js';
import { conversationKey, HANDOFF_REASONS, JOB_OUTCOMES, type HandoffReasonGroup, type JobOutcome } from './events.js';

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((v) => DateTime.fromISO(v).isValid, 'is not a real date');

/** A date range from a query string; `to` before `from`, or over a year, is refused. */
export const dateRangeSchema = z
  .object({ from: isoDay, to: isoDay })
  .refine((r) => r.from <= r.to, { message: 'from must be on or before to', path: ['to'] })
  .refine((r) => DateTime.fromISO(r.to).diff(DateTime.fromISO(r.from), 'days').days <= 366, {
    message: 'the range can be at most 366 days',
    path: ['to'],
  });
export type DateRange = z.infer<typeof dateRangeSchema>;

/** Channels as the dashboard names them: Web Chat arrives as `directline`. */
export function channelName(channelId: string): string {
  return channelId === 'directline' || channelId === 'webchat' ? 'web' : channelId;
}

type ReasonCounts = Record<HandoffReasonGroup, number>;
type JobCounts = Record<JobOutcome, number>;

export interface DayFigures {
  day: string;
  conversations: number;
  byChannel: Record<string, number>;
  contained: number;
  handedOver: number;
  abandoned: number;
  inProgress: number;
  ratings: number;
  ratingTotal: number;
  smsSegments: number;
}

export interface InsightsReport {
  from: string;
  to: string;
  conversations: number;
  byChannel: Record<string, number>;
  contained: number;
  handedOver: { total: number; byReason: ReasonCounts };
  abandoned: number;
  inProgress: number;
  /** What residents first asked about, most asked first. */
  topIntents: { intent: string; conversations: number }[];
  jobsCompleted: JobCounts;
  notUnderstood: number;
  handoffs: {
    accepted: number;
    /** Mean seconds from joining the queue to an agent accepting, over accepted handoffs. */
    meanSecondsToAccept: number | null;
    /** Everyone who left the queue: accepted, left, or offered a callback after waiting too long. */
    waited: number;
    meanSecondsWaiting: number | null;
    left: number;
    callbackOffered: number;
  };
  ratings: { count: number; mean: number | null; byScore: Record<'1' | '2' | '3' | '4' | '5', number> };
  answeredQuestion: { yes: number; no: number };
  smsTexts: number;
  smsSegments: number;
  smsCost: { segmentPrice: number; total: number; currency: 'GBP' };
  days: DayFigures[];
}

export interface ReportOptions {
  now: number;
  abandonedAfterMinutes: number;
  smsSegmentPrice: number;
}

interface ConversationFacts {
  key: string;
  day: string;
  channel: string;
  /** As the channel names itself ("directline"), which the conversation's state is keyed by. */
  channelId: string;
  conversationId: string | null;
  startedAt: number;
  firstIntent: string | null;
  handoff?: { reason: HandoffReasonGroup; at: number };
  jobs: number;
}

const zero = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;

export async function insightsReport(db: Db, range: DateRange, options: ReportOptions): Promise<InsightsReport> {
  const started = await db
    .selectFrom('insight_events')
    .select(['conversation_key', 'day', 'channel', 'conversation_id', 'at', 'name'])
    .where('kind', '=', 'conversation')
    .where('day', '>=', range.from)
    .where('day', '<=', range.to)
    .execute();
  const conversations = new Map<string, ConversationFacts>();
  for (const row of started) {
    if (!row.conversation_key || conversations.has(row.conversation_key)) continue;
    conversations.set(row.conversation_key, {
      key: row.conversation_key,
      day: row.day,
      channel: channelName(row.channel),
      channelId: row.channel,
      conversationId: row.conversation_id,
      startedAt: row.at,
      firstIntent: row.name,
      jobs: 0,
    });
  }

  const jobsCompleted = zero(JOB_OUTCOMES);
  const keys = [...conversations.keys()];
  // What happened in those conversations, whichever day it happened on (a chat past midnight).
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('insight_events')
      .select(['conversation_key', 'kind', 'name', 'at'])
      .where('conversation_key', 'in', keys.slice(i, i + 500))
      .where('kind', 'in', ['job', 'handoff'])
      .orderBy('at')
      .orderBy('id')
      .execute();
    for (const row of rows) {
      const facts = row.conversation_key ? conversations.get(row.conversation_key) : undefined;
      if (!facts) continue;
      if (row.kind === 'job') {
        facts.jobs += 1;
        if (row.name && row.name in jobsCompleted) jobsCompleted[row.name as JobOutcome] += 1;
      } else if (!facts.handoff && (HANDOFF_REASONS as readonly string[]).includes(row.name ?? '')) {
        facts.handoff = { reason: row.name as HandoffReasonGroup, at: row.at };
      }
    }
  }

  const stillTalking = await recentlyActive(
    db,
    [...conversations.values()],
    options.now - options.abandonedAfterMinutes * 60_000,
  );

  const byReason = zero(HANDOFF_REASONS);
  const days = new Map<string, DayFigures>();
  const dayOf = (day: string) => {
    let figures = days.get(day);
    if (!figures) {
      figures = {
        day,
        conversations: 0,
        byChannel: {},
        contained: 0,
        handedOver: 0,
        abandoned: 0,
        inProgress: 0,
        ratings: 0,
        ratingTotal: 0,
        smsSegments: 0,
      };
      days.set(day, figures);
    }
    return figures;
  };
  for (let day = DateTime.fromISO(range.from); day.toISODate()! <= range.to; day = day.plus({ days: 1 }))
    dayOf(day.toISODate()!);

  const byChannel: Record<string, number> = {};
  const intents = new Map<string, number>();
  let contained = 0;
  let abandoned = 0;
  let inProgress = 0;
  for (const facts of conversations.values()) {
    const day = dayOf(facts.day);
    day.conversations += 1;
    day.byChannel[facts.channel] = (day.byChannel[facts.channel] ?? 0) + 1;
    byChannel[facts.channel] = (byChannel[facts.channel] ?? 0) + 1;
    if (facts.firstIntent) intents.set(facts.firstIntent, (intents.get(facts.firstIntent) ?? 0) + 1);
    if (facts.handoff) {
      byReason[facts.handoff.reason] += 1;
      day.handedOver += 1;
    } else if (facts.jobs > 0) {
      contained += 1;
      day.contained += 1;
    } else if (stillTalking.has(facts.key)) {
      inProgress += 1;
      day.inProgress += 1;
    } else {
      abandoned += 1;
      day.abandoned += 1;
    }
  }

  // Figures that belong to the day they happened on, not to a conversation.
  const other = await db
    .selectFrom('insight_events')
    .select(['day', 'kind', 'name', 'value'])
    .where('day', '>=', range.from)
    .where('day', '<=', range.to)
    .where('kind', 'in', ['not_understood', 'answered', 'rating', 'handoff_wait', 'sms'])
    .execute();
  let notUnderstood = 0;
  const answeredQuestion = { yes: 0, no: 0 };
  const ratings = { count: 0, total: 0, byScore: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } };
  const waits = { accepted: 0, acceptMs: 0, waited: 0, waitMs: 0, left: 0, callback: 0 };
  let smsTexts = 0;
  let smsSegments = 0;
  for (const row of other) {
    const value = Number(row.value ?? 0);
    switch (row.kind) {
      case 'not_understood':
        notUnderstood += 1;
        break;
      case 'answered':
        if (row.name === 'yes' || row.name === 'no') answeredQuestion[row.name] += 1;
        break;
      case 'rating': {
        const score = String(Math.round(value));
        if (score in ratings.byScore) {
          ratings.byScore[score as keyof typeof ratings.byScore] += 1;
          ratings.count += 1;
          ratings.total += value;
          dayOf(row.day).ratings += 1;
          dayOf(row.day).ratingTotal += value;
        }
        break;
      }
      case 'handoff_wait':
        waits.waited += 1;
        waits.waitMs += value;
        if (row.name === 'accepted') {
          waits.accepted += 1;
          waits.acceptMs += value;
        } else if (row.name === 'left') waits.left += 1;
        else if (row.name === 'callback') waits.callback += 1;
        break;
      case 'sms':
        smsTexts += 1;
        smsSegments += value;
        dayOf(row.day).smsSegments += value;
        break;
    }
  }

  const handedOver = Object.values(byReason).reduce((a, b) => a + b, 0);
  return {
    from: range.from,
    to: range.to,
    conversations: conversations.size,
    byChannel,
    contained,
    handedOver: { total: handedOver, byReason },
    abandoned,
    inProgress,
    topIntents: [...intents]
      .map(([intent, n]) => ({ intent, conversations: n }))
      .sort((a, b) => b.conversations - a.conversations || a.intent.localeCompare(b.intent))
      .slice(0, 10),
    jobsCompleted,
    notUnderstood,
    handoffs: {
      accepted: waits.accepted,
      meanSecondsToAccept: waits.accepted ? round(waits.acceptMs / waits.accepted / 1000, 1) : null,
      waited: waits.waited,
      meanSecondsWaiting: waits.waited ? round(waits.waitMs / waits.waited / 1000, 1) : null,
      left: waits.left,
      callbackOffered: waits.callback,
    },
    ratings: {
      count: ratings.count,
      mean: ratings.count ? round(ratings.total / ratings.count) : null,
      byScore: ratings.byScore,
    },
    answeredQuestion,
    smsTexts,
    smsSegments,
    smsCost: {
      segmentPrice: options.smsSegmentPrice,
      total: round(smsSegments * options.smsSegmentPrice),
      currency: 'GBP',
    },
    days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
  };
}

/** Where botbuilder's ConversationState keeps a conversation's state (its storage key). */
function stateKey(channelId: string, conversationId: string): string {
  return `${channelId}/conversations/${conversationId}/`;
}

/**
 * Conversations a resident wrote in since `since`: still going, not abandoned. When the resident
 * last wrote is kept with the conversation's own state (bot/turnInsights.ts), which every turn
 * saves anyway; a conversation whose state is gone (retention) or belongs to a later
 * conversation of the same number is over.
 */
async function recentlyActive(db: Db, candidates: ConversationFacts[], since: number): Promise<Set<string>> {
  const open = candidates.filter((c) => !c.handoff && c.jobs === 0 && c.conversationId);
  const byStateKey = new Map(open.map((c) => [stateKey(c.channelId, c.conversationId as string), c] as const));
  const keys = [...byStateKey.keys()];
  const active = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('bot_state')
      .select(['key', 'document'])
      .where('key', 'in', keys.slice(i, i + 500))
      .execute();
    for (const row of rows) {
      const facts = byStateKey.get(row.key);
      const memory = insightsMemoryIn(row.document);
      // The state is this conversation's (not a later one of the same SMS number) when its start gives the same key.
      const same =
        facts?.conversationId &&
        memory?.startedAt !== undefined &&
        conversationKey(facts.conversationId, memory.startedAt) === facts.key;
      if (facts && same && (memory?.lastMessageAt ?? 0) >= since) active.add(facts.key);
    }
  }
  return active;
}

function insightsMemoryIn(document: string): { startedAt?: number; lastMessageAt?: number } | undefined {
  try {
    const parsed: unknown = JSON.parse(document);
    const insights = parsed && typeof parsed === 'object' && 'insights' in parsed ? parsed.insights : undefined;
    return insights && typeof insights === 'object'
      ? (insights as { startedAt?: number; lastMessageAt?: number })
      : undefined;
  } catch {
    return undefined;
  }
}
