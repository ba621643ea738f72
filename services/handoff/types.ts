/**
 * Shapes shared by the handoff queue, the bot-side middleware, the dialogs and the agent hub.
 * `Collected` is what the assistant learned in the conversation: the dialogs add to it with
 * `rememberCollected(context, partial)`, and at handoff time it is completed with what the
 * dialogs remember anyway (address, vehicle, registration, the job in progress) through the
 * service's `snapshot`, so the agent never has to ask again.
 */
import type { ConversationReference } from 'botbuilder';

export type HandoffPriority = 'urgent' | 'normal';

/** queued: waiting for an agent; assigned: an agent has it; external: an outside agent hub took it. */
export type HandoffStatus = 'queued' | 'assigned' | 'external' | 'ended' | 'left' | 'callback';
export const ACTIVE_STATUSES: readonly HandoffStatus[] = ['queued', 'assigned', 'external'];

/** Why the resident is being handed over (shown to the agent). */
export type HandoffReason =
  'asked' | 'misunderstood' | 'sensitive' | 'verification_failed' | 'not_helped' | (string & {});

export interface Collected {
  address?: string;
  propertyId?: string;
  postcode?: string;
  registration?: string;
  /** Permit, missed-bin and case references mentioned or issued (TP-/MB-/HC-). */
  references?: string[];
  /** Set when the resident passed the council tax account check. */
  verified?: { accountNumber: string; at: string };
  /** A failed check is useful context too (the agent verifies by phone instead). */
  verificationFailed?: boolean;
  /** The last intent the assistant understood. */
  intent?: string;
  /** The vehicle for a tip permit, in words ("Van", "Car (trailer)"). */
  vehicle?: string;
  /** The job the assistant was doing when the resident was handed over, as its intent name. */
  doing?: string;
  /** How to contact them, if they gave it. */
  contact?: string;
  /**
   * Asked of a resident who spoke of abuse: false means never call or text them (someone
   * else may see the phone); true means they said it is safe.
   */
  safeToContact?: boolean;
}

export interface HandoffRequestInput {
  reason: HandoffReason;
  priority: HandoffPriority;
  /** What it is about, e.g. an intent name or an urgent topic ("homeless"). */
  topic: string;
  collected?: Collected;
}

export interface HandoffRequest {
  id: string;
  conversationId: string;
  channelId: string;
  reference: Partial<ConversationReference>;
  status: HandoffStatus;
  priority: HandoffPriority;
  reason: string;
  topic: string;
  collected: Collected;
  agentId: string | null;
  queuedAt: number;
  acceptDueAt: number | null;
  callbackOfferedAt: number | null;
  assignedAt: number | null;
  endedAt: number | null;
  outcome: string | null;
  caseReference: string | null;
  rating: number | null;
}

export type HandoffMessageKind = 'resident' | 'agent' | 'note' | 'system';

export interface HandoffMessage {
  id: number;
  requestId: string;
  kind: HandoffMessageKind;
  agentId: string | null;
  text: string;
  /** stored (resident/notes), sent or failed (agent replies). */
  delivery: 'stored' | 'sent' | 'failed';
  createdAt: number;
}

/** Outcomes an agent can end a chat with (the console offers these). */
export const OUTCOMES = ['resolved', 'case_opened', 'callback_arranged', 'referred', 'resident_left', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What the handoff keeps in conversation state between turns (beside the main dialogs). */
export interface HandoffMemory {
  /** A question the handoff asked and is waiting for an answer to. */
  stage?: 'callbackOffer' | 'callbackAbout' | 'callbackProperty' | 'callbackContact' | 'rating';
  /** The request the stage is about (rating, a callback after a timeout). */
  requestId?: string;
  /** For a callback offered out of hours (no request was queued). */
  pending?: HandoffRequestInput;
  contactAttempts?: number;
  /** What the resident wants the callback to be about, in their words (personal data). */
  about?: string;
  /** When they would like it ("after 6pm"), and whether the hours allow it. */
  preferredTime?: { text: string; honoured: boolean };
  /** The property the callback is about, once the resident said (or confirmed) it. */
  property?: CaseProperty;
  /** An address from earlier in the conversation, offered for the resident to confirm. */
  offeredProperty?: CaseProperty;
  propertyAttempts?: number;
}

/** A property in the borough a case is about. */
export interface CaseProperty {
  id: string;
  label: string;
}

/** Someone signed in to the agent console. */
export interface Agent {
  id: string;
  username: string;
  displayName: string;
  /** Supervisors also read the insights dashboard; agents do not. */
  role?: AgentRole;
}

export const AGENT_ROLES = ['agent', 'supervisor'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];
