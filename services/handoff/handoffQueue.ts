/**
 * The handoff queue in the store (migration 006): requests, assignments, timers and messages.
 * Every change of state is one conditional UPDATE whose row count says whether it happened,
 * so two agents accepting at once, or two instances' sweeps firing the same timer, have
 * exactly one winner. Works on SQLite and PostgreSQL alike.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../../store/database.js';
import type { HandoffMessageTable, HandoffRequestTable } from '../../store/schema.js';
import {
  ACTIVE_STATUSES,
  type Collected,
  type HandoffMessage,
  type HandoffMessageKind,
  type HandoffPriority,
  type HandoffRequest,
  type HandoffStatus,
} from './types.js';
import type { ConversationReference } from 'botbuilder';

const RANK: Record<HandoffPriority, number> = { urgent: 0, normal: 1 };
const STATUSES: readonly HandoffStatus[] = ['queued', 'assigned', 'external', 'ended', 'left', 'callback'];

function parseObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
}

function toRequest(row: Selectable<HandoffRequestTable>): HandoffRequest {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    channelId: row.channel_id,
    reference: parseObject(row.reference) as Partial<ConversationReference>,
    status: STATUSES.find((s) => s === row.status) ?? 'ended',
    priority: row.priority === 'urgent' ? 'urgent' : 'normal',
    reason: row.reason,
    topic: row.topic,
    collected: parseObject(row.collected) as Collected,
    agentId: row.agent_id,
    queuedAt: row.queued_at,
    acceptDueAt: row.accept_due_at,
    callbackOfferedAt: row.callback_offered_at,
    assignedAt: row.assigned_at,
    endedAt: row.ended_at,
    outcome: row.outcome,
    caseReference: row.case_reference,
    rating: row.rating,
  };
}

function toMessage(row: Selectable<HandoffMessageTable>): HandoffMessage {
  return {
    id: Number(row.id),
    requestId: row.request_id,
    kind: (['resident', 'agent', 'note', 'system'] as const).find((k) => k === row.kind) ?? 'system',
    agentId: row.agent_id,
    text: row.text,
    delivery: row.delivery === 'sent' ? 'sent' : row.delivery === 'failed' ? 'failed' : 'stored',
    createdAt: row.created_at,
  };
}

export interface NewHandoff {
  conversationId: string;
  channelId: string;
  reference: Partial<ConversationReference>;
  priority: HandoffPriority;
  reason: string;
  topic: string;
  collected: Collected;
  /** When a still-queued request is offered a callback; null for none (out of hours). */
  acceptDueAt: number | null;
}

export class HandoffQueue {
  constructor(private readonly db: Db) {}

  /** Queues a request, or returns the conversation's request already active (`created: false`). */
  async enqueue(input: NewHandoff, now: number): Promise<{ request: HandoffRequest; created: boolean }> {
    const existing = await this.activeFor(input.conversationId);
    if (existing) return { request: existing, created: false };
    const id = randomUUID();
    await this.db
      .insertInto('handoff_requests')
      .values({
        id,
        conversation_id: input.conversationId,
        channel_id: input.channelId,
        reference: JSON.stringify(input.reference),
        status: 'queued',
        priority: input.priority,
        priority_rank: RANK[input.priority],
        reason: input.reason,
        topic: input.topic,
        collected: JSON.stringify(input.collected),
        agent_id: null,
        queued_at: now,
        accept_due_at: input.acceptDueAt,
        callback_offered_at: null,
        assigned_at: null,
        ended_at: null,
        outcome: null,
        case_reference: null,
        rating: null,
        updated_at: now,
      })
      .execute();
    const request = await this.get(id);
    if (!request) throw new Error('handoff request vanished after insert');
    return { request, created: true };
  }

  async get(id: string): Promise<HandoffRequest | null> {
    const row = await this.db.selectFrom('handoff_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRequest(row) : null;
  }

  /** The conversation's queued, assigned or externally handled request, if any. */
  async activeFor(conversationId: string): Promise<HandoffRequest | null> {
    const row = await this.db
      .selectFrom('handoff_requests')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('status', 'in', [...ACTIVE_STATUSES])
      .orderBy('queued_at', 'desc')
      .executeTakeFirst();
    return row ? toRequest(row) : null;
  }

  /** Waiting requests, urgent first, then in the order they joined. */
  async waiting(): Promise<HandoffRequest[]> {
    const rows = await this.db
      .selectFrom('handoff_requests')
      .selectAll()
      .where('status', '=', 'queued')
      .orderBy('priority_rank')
      .orderBy('queued_at')
      .orderBy('id')
      .execute();
    return rows.map(toRequest);
  }

  async assignedTo(agentId: string): Promise<HandoffRequest[]> {
    const rows = await this.db
      .selectFrom('handoff_requests')
      .selectAll()
      .where('status', '=', 'assigned')
      .where('agent_id', '=', agentId)
      .orderBy('assigned_at')
      .execute();
    return rows.map(toRequest);
  }

  /** 1 for the next to be taken; 0 when the request is not waiting. */
  async position(request: HandoffRequest): Promise<number> {
    if (request.status !== 'queued') return 0;
    const rank = RANK[request.priority];
    const ahead = await this.db
      .selectFrom('handoff_requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'queued')
      .where((eb) =>
        eb.or([
          eb('priority_rank', '<', rank),
          eb.and([eb('priority_rank', '=', rank), eb('queued_at', '<', request.queuedAt)]),
          eb.and([eb('priority_rank', '=', rank), eb('queued_at', '=', request.queuedAt), eb('id', '<', request.id)]),
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(ahead.n) + 1;
  }

  /** Gives a waiting request to one agent: true for exactly one of any agents trying at once. */
  async accept(id: string, agentId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('handoff_requests')
      .set({ status: 'assigned', agent_id: agentId, assigned_at: now, accept_due_at: null, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Moves an assigned request from one agent to another; false unless `fromAgent` holds it. */
  async transfer(id: string, fromAgent: string, toAgent: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('handoff_requests')
      .set({ agent_id: toAgent, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'assigned')
      .where('agent_id', '=', fromAgent)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** An assigned request goes back to waiting, at its original place; false unless `fromAgent` holds it. */
  async returnToQueue(id: string, fromAgent: string, acceptDueAt: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('handoff_requests')
      .set({
        status: 'queued',
        agent_id: null,
        assigned_at: null,
        accept_due_at: acceptDueAt,
        callback_offered_at: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'assigned')
      .where('agent_id', '=', fromAgent)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The agent ends the chat; false unless they hold it. */
  async end(id: string, agentId: string, outcome: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('handoff_requests')
      .set({ status: 'ended', outcome, ended_at: now, accept_due_at: null, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'assigned')
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Moves an active request to a final status (the resident leaves, a callback is booked, an
   * external hub completes it); returns the request as it was, or null if it was not active.
   */
  async finish(
    id: string,
    status: 'left' | 'callback' | 'ended',
    outcome: string,
    now: number,
    caseReference?: string,
  ): Promise<HandoffRequest | null> {
    const before = await this.get(id);
    if (!before || !ACTIVE_STATUSES.includes(before.status)) return null;
    const result = await this.db
      .updateTable('handoff_requests')
      .set({
        status,
        outcome,
        ended_at: now,
        accept_due_at: null,
        updated_at: now,
        case_reference: caseReference ?? before.caseReference,
      })
      .where('id', '=', id)
      .where('status', '=', before.status)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? before : null;
  }

  /** An external agent hub accepted (handoff.status accepted): out of our agents' queue. */
  async markExternal(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('handoff_requests')
      .set({ status: 'external', accept_due_at: null, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Back to the queue (an external hub failed); keeps its place by its original queued_at. */
  async requeue(id: string, acceptDueAt: number | null, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('handoff_requests')
      .set({ status: 'queued', accept_due_at: acceptDueAt, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'external')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Queued requests whose accept timer is due and not yet acted on. */
  async dueForCallbackOffer(now: number): Promise<HandoffRequest[]> {
    const rows = await this.db
      .selectFrom('handoff_requests')
      .selectAll()
      .where('status', '=', 'queued')
      .where('accept_due_at', '<=', now)
      .where('callback_offered_at', 'is', null)
      .orderBy('accept_due_at')
      .limit(100)
      .execute();
    return rows.map(toRequest);
  }

  /** Claims a due timer: true for exactly one sweeper. */
  async claimCallbackOffer(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('handoff_requests')
      .set({ callback_offered_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .where('callback_offered_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async setRating(id: string, rating: number, now: number): Promise<void> {
    await this.db.updateTable('handoff_requests').set({ rating, updated_at: now }).where('id', '=', id).execute();
  }

  async addMessage(
    requestId: string,
    kind: HandoffMessageKind,
    text: string,
    now: number,
    agentId: string | null = null,
    delivery: HandoffMessage['delivery'] = 'stored',
  ): Promise<HandoffMessage> {
    const row = await this.db
      .insertInto('handoff_messages')
      .values({ request_id: requestId, kind, agent_id: agentId, text, delivery, created_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toMessage(row);
  }

  async setDelivery(messageId: number, delivery: 'sent' | 'failed'): Promise<void> {
    await this.db.updateTable('handoff_messages').set({ delivery }).where('id', '=', messageId).execute();
  }

  async messages(requestId: string): Promise<HandoffMessage[]> {
    const rows = await this.db
      .selectFrom('handoff_messages')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute();
    return rows.map(toMessage);
  }

  /** Earlier handoffs of the same conversation (the agent sees the history). */
  async history(conversationId: string): Promise<HandoffRequest[]> {
    const rows = await this.db
      .selectFrom('handoff_requests')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('queued_at')
      .execute();
    return rows.map(toRequest);
  }

  /** Retention: removes finished requests and their messages older than the cut-off. */
  async deleteOlderThan(cutoff: number): Promise<void> {
    const old = this.db
      .selectFrom('handoff_requests')
      .select('id')
      .where('status', 'not in', [...ACTIVE_STATUSES])
      .where('updated_at', '<', cutoff);
    await this.db.deleteFrom('handoff_messages').where('request_id', 'in', old).execute();
    await this.db
      .deleteFrom('handoff_requests')
      .where('status', 'not in', [...ACTIVE_STATUSES])
      .where('updated_at', '<', cutoff)
      .execute();
  }
}
