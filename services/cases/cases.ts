/**
 * The Cases port: work for a person in the council, each with an HC- reference the resident
 * can quote. Council tax requests (single person discount, a move, 12 instalments), handoffs
 * and callbacks all land here, so the contact centre has one queue. The demo council keeps
 * them in the store (DbCases); a council with a CRM writes another implementation.
 */

export const CASE_PRIORITIES = ['urgent', 'high', 'normal'] as const;
export type CasePriority = (typeof CASE_PRIORITIES)[number];

/** Open-ended: the handoff and callback work adds its own kinds. */
export type CaseKind = 'council_tax_request' | 'callback' | 'handoff' | (string & {});

export type CaseStatus = 'open' | 'closed';

export interface NewCase {
  kind: CaseKind;
  /** What it is about, e.g. the action id "single_person_discount". */
  topic: string;
  priority: CasePriority;
  /** "web", "sms", or another channel id. */
  channel: string;
  conversationId: string;
  propertyId?: string;
  accountNumber?: string;
  /** Whether the resident passed the account check (so the agent need not ask again). */
  verified: boolean;
  /** What the assistant collected, as answered. Personal data. */
  details: Record<string, unknown>;
  /** How to reach the resident (phone or email). Personal data. */
  contact?: string;
}

export interface Case extends NewCase {
  /** "HC-" + 6 digits. */
  reference: string;
  status: CaseStatus;
  createdAt: Date;
  updatedAt: Date;
  /** The agent working it, once one has claimed it. */
  claimedBy?: string;
  claimedAt?: Date;
  /** How it was closed (an agent's outcome). */
  outcome?: string;
}

/** Why a claim was refused: nobody can claim a case that is closed or already someone else's. */
export type ClaimResult = { ok: true } | { ok: false; reason: 'missing' | 'closed' | 'claimed' };

export interface Cases {
  open(input: NewCase, now: Date): Promise<{ reference: string }>;
  get(reference: string): Promise<Case | null>;
  /** Open cases, most urgent first, oldest first within a priority. */
  listOpen(limit?: number): Promise<Case[]>;
  /** Open cases of one kind ('callback'), most urgent first, oldest first within a priority. */
  listOpenOfKind(kind: CaseKind, limit?: number): Promise<Case[]>;
  /** One agent takes an open case; claiming one's own claim again is fine. */
  claim(reference: string, agentId: string, now: Date): Promise<ClaimResult>;
  /** Marks a case done, with how it ended when an agent says; false when there is no such case. */
  close(reference: string, now: Date, outcome?: string): Promise<boolean>;
}
