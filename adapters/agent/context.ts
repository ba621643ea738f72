/**
 * What an agent sees about one handoff: who (as far as known and verified), the channel, why
 * and about what, what the assistant collected, the whole transcript (every message both
 * ways, not an excerpt) and the handoff's own messages and notes.
 */
import type { Activity } from 'botbuilder';
import type { Db } from '../../store/database.js';
import type { HandoffService } from '../../services/handoff/handoffService.js';
import type { HandoffMessage, HandoffRequest } from '../../services/handoff/types.js';

export interface TranscriptLine {
  at: string | null;
  from: 'resident' | 'assistant' | 'agent';
  text: string;
}

export interface HandoffSummary {
  id: string;
  channel: 'web' | 'sms' | string;
  status: string;
  priority: string;
  reason: string;
  topic: string;
  /** The topic in plain words ("Homeless tonight"), as the console shows it. */
  topicLabel: string;
  queuedAt: number;
  waitingSeconds: number;
  position: number;
  callbackOffered: boolean;
  agentId: string | null;
}

export interface HandoffContextView extends HandoffSummary {
  who: { description: string; phone?: string; verifiedAccount?: string; verifiedAt?: string };
  collected: HandoffRequest['collected'];
  transcript: TranscriptLine[];
  messages: HandoffMessage[];
  outcome: string | null;
  caseReference: string | null;
}

export function channelName(channelId: string): string {
  return channelId === 'directline' ? 'web' : channelId;
}

export async function summarise(service: HandoffService, request: HandoffRequest, now: number): Promise<HandoffSummary> {
  return {
    id: request.id,
    channel: channelName(request.channelId),
    status: request.status,
    priority: request.priority,
    reason: request.reason,
    topic: request.topic,
    topicLabel: service.topicLabel(request.topic),
    queuedAt: request.queuedAt,
    waitingSeconds: Math.max(0, Math.round(((request.assignedAt ?? now) - request.queuedAt) / 1000)),
    position: await service.queue.position(request),
    callbackOffered: request.callbackOfferedAt !== null,
    agentId: request.agentId,
  };
}

export async function contextView(service: HandoffService, db: Db, request: HandoffRequest, now: number): Promise<HandoffContextView> {
  const [summary, activities, messages] = await Promise.all([
    summarise(service, request, now),
    service.transcript(request),
    service.queue.messages(request.id),
  ]);
  const who: HandoffContextView['who'] = { description: request.channelId === 'sms' ? 'Texting from a mobile' : 'Web Chat visitor, not signed in' };
  if (request.channelId === 'sms') {
    const row = await db.selectFrom('sms_conversations').select('phone').where('conversation_id', '=', request.conversationId).executeTakeFirst();
    if (row) who.phone = row.phone;
  }
  if (request.collected.verified) {
    who.verifiedAccount = request.collected.verified.accountNumber;
    who.verifiedAt = request.collected.verified.at;
  }
  return {
    ...summary,
    who,
    collected: request.collected,
    transcript: activities.flatMap(toLine),
    messages,
    outcome: request.outcome,
    caseReference: request.caseReference,
  };
}

function toLine(activity: Partial<Activity>): TranscriptLine[] {
  if (activity.type !== 'message' || !activity.text) return [];
  const at = activity.timestamp ? new Date(activity.timestamp).toISOString() : null;
  const role = activity.from?.role;
  const from = role === 'user' ? 'resident' : activity.channelData?.handoffAgent ? 'agent' : 'assistant';
  return [{ at, from, text: activity.text }];
}
