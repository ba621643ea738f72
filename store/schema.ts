/**
 * The shape of every table, for Kysely's type checking. One interface per table; each
 * feature's migration (store/migrations/) creates the tables it adds here.
 *
 * Portable column conventions (the same code runs on SQLite and PostgreSQL):
 * - times are epoch milliseconds in BIGINT columns (PostgreSQL int8 is parsed to number);
 * - structured values are JSON text, parsed by the code that owns them;
 * - booleans are 0/1 integers.
 */
import type { ColumnType, Generated } from 'kysely';

export interface BotStateTable {
  /** The botbuilder Storage key, e.g. "directline/conversations/abc/". */
  key: string;
  etag: string;
  document: string;
  updated_at: number;
}

export interface TranscriptActivityTable {
  id: Generated<number>;
  channel_id: string;
  conversation_id: string;
  activity_id: string | null;
  timestamp: number;
  activity: string;
}

export interface DirectLineConversationTable {
  id: string;
  user_id: string | null;
  created_at: number;
  last_activity_at: number;
  closed_at: number | null;
  /** The watermark the next activity will get; watermarks are dense from 0. */
  next_watermark: number;
}

export interface DirectLineActivityTable {
  conversation_id: string;
  watermark: number;
  activity: string;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface MissedBinReportTable {
  reference: string;
  property_id: string;
  stream: string;
  /** yyyy-mm-dd, Europe/London */
  collection_date: string;
  return_by: string;
  channel: string;
  conversation_id: string | null;
  /** How to reach the resident, if they gave it (personal data; deleted with retention). */
  contact: string | null;
  status: string;
  created_at: number;
}

/** One SMS conversation per resident's number (003_sms). */
export interface SmsConversationTable {
  /** "sms-" + a keyed hash of the number, so logs and bot state never carry the number. */
  conversation_id: string;
  /** E.164 (personal data; needed to send proactive messages). */
  phone: string;
  created_at: number;
  last_inbound_at: number | null;
  /** Set while the resident has opted out (STOP); nothing is sent to them then. */
  opted_out_at: number | null;
  /** JSON array of the numbered choices last offered, so a reply "2" means the second. */
  choices: string | null;
}

/**
 * How far an inbound message got, the same for both inboxes: `processing` under an instance's
 * lease (`lease_owner` until `lease_until`), then `answered`, or `failed` after its attempts.
 */
interface InboxProgress {
  state: string;
  lease_owner: string | null;
  lease_until: number | null;
  attempts: Generated<number>;
  received_at: number;
  answered_at: number | null;
}

/**
 * Every inbound text and how far it got (008): `processing` under an instance's lease, then
 * `answered` in the transaction that queues its replies. `params` is what Twilio posted (the
 * text and the number: personal data, deleted with retention), so an unfinished message can
 * be run again by another instance.
 */
export interface SmsInboxTable extends InboxProgress {
  message_sid: string;
  conversation_id: string;
  params: string | null;
}

/** Texts waiting to be sent, sent or given up on (008), in order per conversation (by id). */
export interface SmsOutboxTable {
  id: Generated<number>;
  conversation_id: string;
  /** The inbound text this answers; null for a proactive message. */
  message_sid: string | null;
  kind: string;
  body: string;
  segments: number;
  encoding: string;
  /** queued, sent or failed. */
  state: string;
  attempts: Generated<number>;
  lease_owner: string | null;
  lease_until: number | null;
  sid: string | null;
  last_status: number | null;
  last_code: number | null;
  /** When the attempt in progress began (011); set means Twilio may have taken it already. */
  attempt_started_at: number | null;
  created_at: number;
  updated_at: number;
}

/**
 * Every activity a resident posted on Web Chat and how far it got (009): the same states as
 * the SMS inbox. The client's own clientActivityID is unique per conversation, so a POST Web
 * Chat repeats is answered with the first one's id instead of running twice.
 */
export interface DirectLineInboxTable extends InboxProgress {
  conversation_id: string;
  watermark: number;
  client_activity_id: string | null;
}

/** Every message sent through Twilio's REST API and its latest delivery status. */
export interface SmsOutboundMessageTable {
  sid: string;
  conversation_id: string | null;
  segments: number | null;
  status: string;
  error_code: number | null;
  created_at: number;
  updated_at: number;
}

/** Failed-check counters for council tax accounts (005): key "subject:<id>" or "account:<number>". */
export interface CouncilTaxVerificationAttemptTable {
  key: string;
  /** Checks made in the current window, successful or not (a success resets the row). */
  attempts: number;
  window_started_at: number;
  locked_until: number | null;
}

/** Who has proved they hold a council tax account, until when (005). */
export interface CouncilTaxVerificationGrantTable {
  /** The conversation id (on SMS derived from the phone number), or whatever the caller binds to. */
  subject: string;
  account_number: string;
  granted_at: number;
  expires_at: number;
}

/** Requests and handoffs for a person, HC- references (005); callbacks reuse it. */
export interface CaseTable {
  reference: string;
  kind: string;
  topic: string;
  /** urgent | high | normal */
  priority: string;
  status: string;
  channel: string;
  conversation_id: string | null;
  property_id: string | null;
  account_number: string | null;
  /** 1 when the resident passed the account check before the case was opened. */
  verified: number;
  /** JSON object: what the assistant collected. Personal data; deleted with retention. */
  details: string;
  contact: string | null;
  created_at: number;
  updated_at: number;
  /** The agent working a callback (010); null while nobody has it. */
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  claimed_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** How the agent closed it (010). */
  outcome: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Van and trailer permits for the tips (004_permits). */
export interface TipPermitTable {
  /** "TP-" + 6 digits. */
  reference: string;
  property_id: string;
  /** The property's postcode when booked: with the reference, it proves the permit is yours. */
  postcode: string;
  /** Compact, upper case ("AB12CDE"; personal data). */
  registration: string;
  vehicle_type: string;
  trailer_length_cm: number | null;
  site_id: string;
  /** yyyy-mm-dd, Europe/London */
  visit_date: string;
  time_window: string;
  /** E.164, if the resident gave it (personal data; finds their permits later). */
  phone: string | null;
  channel: string;
  /** Unique: a retried request returns the permit it already issued. */
  idempotency_key: string;
  /** 'booked' | 'cancelled' */
  status: string;
  created_at: number;
  updated_at: number;
  cancelled_at: number | null;
}

/** Places taken per site, date and van window; capacity comes from the sites data. */
export interface TipSlotTable {
  site_id: string;
  visit_date: string;
  time_window: string;
  booked: Generated<number>;
}

/** One row per household that has booked: locked by each booking to serialise its allowance check. */
export interface TipHouseholdTable {
  property_id: string;
  version: Generated<number>;
}

/** Handoff to a person (006): the queue, assignments and timers. */
export interface HandoffRequestTable {
  id: string;
  conversation_id: string;
  channel_id: string;
  /** JSON ConversationReference: proactive messages to the resident go through it. */
  reference: string;
  /** queued | assigned | external | ended | left | callback */
  status: string;
  /** urgent | normal */
  priority: string;
  /** 0 urgent, 1 normal: the queue orders by it, then by queued_at. */
  priority_rank: number;
  reason: string;
  topic: string;
  /** JSON: what the assistant collected (personal data; deleted with retention). */
  collected: string;
  agent_id: string | null;
  queued_at: number;
  /** When a still-queued request is offered a callback (the accept timeout). */
  accept_due_at: number | null;
  callback_offered_at: number | null;
  assigned_at: number | null;
  ended_at: number | null;
  outcome: string | null;
  case_reference: string | null;
  rating: number | null;
  updated_at: number;
}

/** Resident messages, agent replies and agent notes of a handoff (006). */
export interface HandoffMessageTable {
  id: Generated<number>;
  request_id: string;
  /** resident | agent | note | system */
  kind: string;
  agent_id: string | null;
  text: string;
  /** stored | sent | failed */
  delivery: string;
  created_at: number;
}

export interface AgentAccountTable {
  id: string;
  username: string;
  display_name: string;
  /** scrypt$N$r$p$salt$hash (base64url). */
  password_hash: string;
  created_at: number;
  disabled_at: number | null;
  /** available | busy | away (010). */
  availability: ColumnType<string, string | undefined, string>;
  /** agent | supervisor (013): supervisors also read the insights dashboard. */
  role: ColumnType<string, string | undefined, string>;
}

export interface AgentSessionTable {
  /** SHA-256 of the cookie value: a leaked table does not give anyone a session. */
  id_hash: string;
  agent_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface AgentAuditTable {
  id: Generated<number>;
  agent_id: string;
  action: string;
  request_id: string | null;
  conversation_id: string | null;
  at: number;
}

export interface AgentSignInFailureTable {
  username: string;
  failures: number;
  /** When the current window of failures began (ms). */
  since: number;
}

/** Something worth counting, recorded when it happened (013; services/insights/events.ts). */
export interface InsightEventTable {
  id: Generated<number>;
  at: number;
  /** yyyy-mm-dd, Europe/London: the day the figures count it on. */
  day: string;
  channel: string;
  /** A one-way key for one conversation (its id and when it started); null for handoff timings. */
  conversation_key: string | null;
  /** The channel's conversation id, on `conversation` events only, cleared with retention. */
  conversation_id: string | null;
  kind: string;
  name: string | null;
  value: number | null;
}

/** A message the assistant did not understand, personal data masked (013; services/insights/inbox.ts). */
export interface InsightInboxTable {
  id: Generated<number>;
  at: number;
  day: string;
  channel: string;
  text: string;
  /** The intent model's best guess (None, or the intent it was unsure of). */
  guess: string;
  /** What the assistant did next: asked_again, offered_person, handed_over. */
  next_step: string;
  label: string | null;
  labelled_by: string | null;
  labelled_at: number | null;
}

export interface DatabaseSchema {
  insight_events: InsightEventTable;
  insight_inbox: InsightInboxTable;
  bot_state: BotStateTable;
  transcript_activities: TranscriptActivityTable;
  directline_conversations: DirectLineConversationTable;
  directline_activities: DirectLineActivityTable;
  settings: SettingTable;
  missed_bin_reports: MissedBinReportTable;
  sms_conversations: SmsConversationTable;
  sms_outbound_messages: SmsOutboundMessageTable;
  sms_inbox: SmsInboxTable;
  sms_outbox: SmsOutboxTable;
  directline_inbox: DirectLineInboxTable;
  tip_permits: TipPermitTable;
  tip_slots: TipSlotTable;
  tip_households: TipHouseholdTable;
  counciltax_verification_attempts: CouncilTaxVerificationAttemptTable;
  counciltax_verification_grants: CouncilTaxVerificationGrantTable;
  cases: CaseTable;
  handoff_requests: HandoffRequestTable;
  handoff_messages: HandoffMessageTable;
  agent_accounts: AgentAccountTable;
  agent_sessions: AgentSessionTable;
  agent_audit: AgentAuditTable;
  agent_sign_in_failures: AgentSignInFailureTable;
}
