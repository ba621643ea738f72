/**
 * What an agent sees about one handoff: who (as far as known and verified), the channel, why
 * and about what, what the assistant collected (as plain-words facts), the whole transcript
 * (every message both ways, not an excerpt) and one timeline in time order that merges it with
 * the handoff's own notes and events. Times are epoch milliseconds with the server's clock
 * (`serverNow`), so the console's timers count from the server's time, not the PC's.
 */
import type { Activity } from 'botbuilder';
import type { HandoffService } from '../../services/handoff/handoffService.js';
import { describeChannel, WEB_CHAT } from '../../services/channels/channels.js';
import type { Collected, HandoffMessage, HandoffRequest } from '../../services/handoff/types.js';
import { jobInWords, outcomeInWords, reasonInWords } from './plainWords.js';

/**
 * The number a resident writes from, on a channel that knows it (the SMS adapter's records). A
 * port, so the console never reads another adapter's tables; the composition root connects it.
 */
export interface ResidentPhones {
  phoneOf(channelId: string, conversationId: string): Promise<string | undefined>;
}

export interface TranscriptLine {
  at: string | null;
  from: 'resident' | 'assistant' | 'agent';
  text: string;
}

/** One line of the conversation as the console shows it, oldest first; `key` never changes. */
export interface TimelineItem {
  key: string;
  at: number | null;
  from: 'resident' | 'assistant' | 'agent' | 'note' | 'system';
  /** Who said it, in words ("Resident", "Assistant", an agent's name). */
  who: string;
  text: string;
  failed?: boolean;
}

export interface Fact {
  term: string;
  value: string;
  /** Shown with emphasis (a warning the agent must not miss). */
  warn?: boolean;
}

export interface HandoffSummary {
  id: string;
  /** The channel's short name: "web" for Web Chat, otherwise its channelId ("sms"). */
  channel: string;
  /** The channel in an agent's words ("Text message (SMS)"). */
  channelName: string;
  status: string;
  priority: string;
  reason: string;
  reasonLabel: string;
  topic: string;
  /** The topic in plain words ("Homeless tonight"), as the console shows it. */
  topicLabel: string;
  queuedAt: number;
  /** When a waiting resident is offered a callback instead, if nobody accepts before. */
  acceptDueAt: number | null;
  assignedAt: number | null;
  waitingSeconds: number;
  position: number;
  callbackOffered: boolean;
  agentId: string | null;
}

export interface HandoffContextView extends HandoffSummary {
  who: { description: string; phone?: string; verifiedAccount?: string; verifiedAt?: string };
  collected: HandoffRequest['collected'];
  facts: Fact[];
  transcript: TranscriptLine[];
  timeline: TimelineItem[];
  messages: HandoffMessage[];
  outcome: string | null;
  caseReference: string | null;
  serverNow: number;
}

/** "web" for our Web Chat (what the console and its filters show), the channelId otherwise. */
export function channelName(channelId: string): string {
  return channelId === WEB_CHAT.id ? 'web' : channelId;
}

/** An urgent topic has its council's label; anything else is an intent name, put in words. */
export function topicInWords(service: HandoffService, topic: string): string {
  const label = service.topicLabel(topic);
  return label !== topic ? label : (jobInWords(topic) ?? topic);
}

export async function summarise(
  service: HandoffService,
  request: HandoffRequest,
  now: number,
): Promise<HandoffSummary> {
  return {
    id: request.id,
    channel: channelName(request.channelId),
    channelName: describeChannel(request.channelId).name,
    status: request.status,
    priority: request.priority,
    reason: request.reason,
    reasonLabel: reasonInWords(request.reason),
    topic: request.topic,
    topicLabel: topicInWords(service, request.topic),
    queuedAt: request.queuedAt,
    acceptDueAt: request.status === 'queued' && request.callbackOfferedAt === null ? request.acceptDueAt : null,
    assignedAt: request.assignedAt,
    waitingSeconds: Math.max(0, Math.round(((request.assignedAt ?? now) - request.queuedAt) / 1000)),
    position: await service.queue.position(request),
    callbackOffered: request.callbackOfferedAt !== null,
    agentId: request.agentId,
  };
}

export async function contextView(
  service: HandoffService,
  phones: ResidentPhones,
  request: HandoffRequest,
  now: number,
  agentNames: ReadonlyMap<string, string> = new Map(),
): Promise<HandoffContextView> {
  const [summary, activities, messages] = await Promise.all([
    summarise(service, request, now),
    service.transcript(request),
    service.queue.messages(request.id),
  ]);
  const channel = describeChannel(request.channelId);
  const who: HandoffContextView['who'] = { description: channel.residentDescription };
  if (channel.residentIdentifiedBy === 'phone') {
    const phone = await phones.phoneOf(request.channelId, request.conversationId);
    if (phone) who.phone = phone;
  }
  if (request.collected.verified) {
    who.verifiedAccount = request.collected.verified.accountNumber;
    who.verifiedAt = request.collected.verified.at;
  }
  return {
    ...summary,
    who,
    collected: request.collected,
    facts: factsOf(summary, who, request.collected),
    transcript: activities.flatMap(toLine),
    timeline: timelineOf(activities, messages, agentNames),
    messages,
    outcome: request.outcome ? outcomeInWords(request.outcome) : null,
    caseReference: request.caseReference,
    serverNow: now,
  };
}

/** The context panel, in the order an agent reads it, in plain words; nothing raw. */
function factsOf(summary: HandoffSummary, who: HandoffContextView['who'], collected: Collected): Fact[] {
  const facts: Fact[] = [];
  facts.push({ term: 'Channel', value: summary.channelName });
  if (who.phone) facts.push({ term: 'Phone', value: who.phone });
  facts.push({
    term: 'Identity',
    value: who.verifiedAccount
      ? `Verified: passed the council tax account check (account ${who.verifiedAccount})`
      : collected.verificationFailed
        ? 'Not verified: failed the account check, verify by phone'
        : 'Not verified',
    ...(collected.verificationFailed ? { warn: true } : {}),
  });
  if (collected.safeToContact === false)
    facts.push({ term: 'Safe to contact', value: 'No: never call or text this resident', warn: true });
  if (collected.safeToContact === true) facts.push({ term: 'Safe to contact', value: 'Yes, the resident said so' });
  facts.push({ term: 'Reason', value: summary.reasonLabel });
  const doing = jobInWords(collected.doing ?? collected.intent);
  facts.push({ term: 'Assistant was', value: doing ?? 'Not doing a particular job' });
  if (collected.address) facts.push({ term: 'Address', value: collected.address });
  else if (collected.postcode) facts.push({ term: 'Postcode', value: collected.postcode });
  if (collected.vehicle)
    facts.push({ term: 'Vehicle', value: collected.vehicle[0]!.toUpperCase() + collected.vehicle.slice(1) });
  if (collected.registration) facts.push({ term: 'Registration', value: collected.registration });
  if (collected.references?.length) facts.push({ term: 'Permits and cases', value: collected.references.join(', ') });
  if (collected.contact) facts.push({ term: 'Contact', value: collected.contact });
  return facts;
}

function timelineOf(
  activities: Partial<Activity>[],
  messages: HandoffMessage[],
  agentNames: ReadonlyMap<string, string>,
): TimelineItem[] {
  const items: TimelineItem[] = [];
  activities.forEach((activity, index) => {
    for (const line of toLine(activity)) {
      const agentName =
        typeof activity.channelData?.handoffAgentName === 'string' ? activity.channelData.handoffAgentName : undefined;
      const text =
        line.from === 'agent' && typeof activity.channelData?.handoffText === 'string'
          ? activity.channelData.handoffText
          : line.text;
      items.push({
        key: `a:${activity.id ?? index}`,
        at: line.at ? Date.parse(line.at) : null,
        from: line.from,
        who: line.from === 'resident' ? 'Resident' : line.from === 'agent' ? (agentName ?? 'Agent') : 'Assistant',
        text,
      });
    }
  });
  for (const message of messages) {
    // Residents' and agents' words are in the transcript already; a failed reply is not.
    if (message.kind === 'resident' || (message.kind === 'agent' && message.delivery !== 'failed')) continue;
    const name = message.agentId ? (agentNames.get(message.agentId) ?? 'Agent') : 'Contact centre';
    items.push({
      key: `m:${message.id}`,
      at: message.createdAt,
      from: message.kind === 'note' ? 'note' : message.kind === 'agent' ? 'agent' : 'system',
      who: message.kind === 'note' ? `Note by ${name}` : message.kind === 'agent' ? name : 'Contact centre',
      text: message.text,
      ...(message.kind === 'agent' ? { failed: true } : {}),
    });
  }
  // Stable: lines with the same time keep the order they were recorded in.
  return items
    .map((item, order) => ({ item, order }))
    .sort((a, b) => (a.item.at ?? 0) - (b.item.at ?? 0) || a.order - b.order)
    .map(({ item }) => item);
}

function toLine(activity: Partial<Activity>): TranscriptLine[] {
  if (activity.type !== 'message' || !activity.text) return [];
  const at = activity.timestamp ? new Date(activity.timestamp).toISOString() : null;
  const role = activity.from?.role;
  const from = role === 'user' ? 'resident' : activity.channelData?.handoffAgent ? 'agent' : 'assistant';
  return [{ at, from, text: activity.text }];
}
