/**
 * A callback request (an HC- case of kind "callback") as the console's callbacks list shows
 * it: who to call and how, about what, when they would like it, and who has claimed it.
 */
import type { Case } from '../../services/cases/cases.js';
import { reasonInWords } from './plainWords.js';
import { channelName } from './context.js';

export interface CallbackView {
  reference: string;
  priority: string;
  topicLabel: string;
  reason: string;
  about: string | null;
  preferredTime: string | null;
  /** False when the time asked for is outside the contact centre's hours. */
  preferredTimeHonoured: boolean | null;
  contact: string | null;
  channel: string;
  address: string | null;
  verified: boolean;
  createdAt: number;
  claimedBy: string | null;
  claimedByMe: boolean;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value : null;
}

export function callbackView(
  item: Case,
  agentId: string,
  names: ReadonlyMap<string, string>,
  topicLabel: (topic: string) => string,
): CallbackView {
  const details = item.details;
  return {
    reference: item.reference,
    priority: item.priority,
    topicLabel: topicLabel(item.topic),
    reason: reasonInWords(text(details.reason) ?? 'asked'),
    about: text(details.about),
    preferredTime: text(details.preferredTime),
    preferredTimeHonoured: typeof details.preferredTimeHonoured === 'boolean' ? details.preferredTimeHonoured : null,
    contact: item.contact ?? null,
    channel: channelName(item.channel),
    address: text(details.address),
    verified: item.verified,
    createdAt: item.createdAt.getTime(),
    claimedBy: item.claimedBy ? (names.get(item.claimedBy) ?? 'Another agent') : null,
    claimedByMe: item.claimedBy === agentId,
  };
}
