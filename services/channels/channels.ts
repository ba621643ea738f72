/**
 * Every channel a resident reaches the assistant on, described once. Dialogs, services and
 * adapters look a channel's habits up here (buttons or numbered choices, markdown or plain
 * text, how many texts a reply may cost, how a resident is known) instead of asking "is this
 * SMS?", so a new channel is one more entry and every job renders for it.
 */
import type { TurnContext } from 'botbuilder';
import { SMS_REPLY_SEGMENTS } from './smsText.js';

/**
 * The versions of each message a council writes: one for a screen, one for a text message.
 * A new channel reads one of them; content is keyed by kind (and language), never by channel.
 */
export const CONTENT_KINDS = ['web', 'sms'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/** The language every council writes; other languages are added as data and fall back to it. */
export const DEFAULT_LANGUAGE = 'en';

export interface ChannelDescription {
  /** The Bot Framework channelId its activities carry. */
  id: string;
  /** What an agent reads in the console ("Text message (SMS)"). */
  name: string;
  /** Who is writing, in an agent's words, before anything is verified. */
  residentDescription: string;
  /** Which version of each message it gets. */
  content: ContentKind;
  /** Choices as buttons to tap, or as numbered lines answered with a number. */
  choices: 'buttons' | 'numbered';
  /** Whether **bold**, lists and links render, or every character arrives as it was typed. */
  text: 'markdown' | 'plain';
  /** Texts one reply may be billed as (each costs the council money); null where length is free. */
  segmentBudget: number | null;
  /** How a resident is known without asking: not at all, or by the number they write from. */
  residentIdentifiedBy: 'nothing' | 'phone';
  /**
   * Whether residents write this channel's activities themselves (our own Web Chat and SMS
   * endpoints): an event arriving there is a resident's, never an agent hub's.
   */
  residentChannel: boolean;
  /** Whether Bot Framework events reach the other end (an agent hub listening for handoff.initiate). */
  carriesEvents: boolean;
  /** The welcome comes when the resident joins, or with the reply to their first message. */
  welcome: 'onJoin' | 'withFirstReply';
}

/** The channel one conversation is on, and the language its resident reads. */
export interface Channel extends ChannelDescription {
  /** A language code from the conversation's locale ("cy" for "cy-GB"); content falls back to English. */
  language: string;
}

const WEB_CHAT_HABITS = {
  residentDescription: 'Web Chat visitor, not signed in',
  content: 'web',
  choices: 'buttons',
  text: 'markdown',
  segmentBudget: null,
  residentIdentifiedBy: 'nothing',
  carriesEvents: true,
  welcome: 'onJoin',
} as const satisfies Partial<ChannelDescription>;

/** Our own Direct Line, for the council website's Web Chat. */
export const WEB_CHAT: ChannelDescription = {
  id: 'directline',
  name: 'Web Chat on the council website',
  ...WEB_CHAT_HABITS,
  residentChannel: true,
};

/** Text messages: our Twilio adapter, or Azure's own SMS channel (both use "sms"). */
export const SMS: ChannelDescription = {
  id: 'sms',
  name: 'Text message (SMS)',
  residentDescription: 'Texting from a mobile',
  content: 'sms',
  choices: 'numbered',
  text: 'plain',
  segmentBudget: SMS_REPLY_SEGMENTS,
  residentIdentifiedBy: 'phone',
  residentChannel: true,
  carriesEvents: false,
  welcome: 'withFirstReply',
};

const REGISTRY: readonly ChannelDescription[] = [
  WEB_CHAT,
  // Azure Bot Service's own Web Chat channel.
  { id: 'webchat', name: 'Web Chat on the council website', ...WEB_CHAT_HABITS, residentChannel: true },
  SMS,
];

const byId = new Map(REGISTRY.map((channel) => [channel.id, channel]));

/**
 * The description of a channelId. A channel not listed (the Emulator, Teams, an agent hub
 * through Azure) is treated as a screen whose activities an authenticated service writes.
 */
export function describeChannel(channelId: string | undefined): ChannelDescription {
  const known = channelId ? byId.get(channelId) : undefined;
  if (known) return known;
  const id = channelId ?? 'unknown';
  return {
    id,
    name: id,
    ...WEB_CHAT_HABITS,
    residentDescription: 'Someone on another channel',
    residentChannel: false,
  };
}

/** "cy-GB" -> "cy"; no locale (SMS) is the default language. */
export function languageOf(locale: string | undefined): string {
  const code = locale?.trim().toLowerCase().split(/[-_]/)[0];
  return code && /^[a-z]{2,3}$/.test(code) ? code : DEFAULT_LANGUAGE;
}

/** The channel this turn came on, with the language to answer in. */
export function channelOf(context: TurnContext): Channel {
  return { ...describeChannel(context.activity.channelId), language: languageOf(context.activity.locale) };
}

/** A channel's description to render for outside a conversation (a permit texted from the web). */
export function asChannel(description: ChannelDescription, language: string = DEFAULT_LANGUAGE): Channel {
  return { ...description, language };
}

/** Paid by the text: answers use the short forms ("Fri 4 Dec", the short address). */
export function writesShort(channel: Pick<ChannelDescription, 'segmentBudget'>): boolean {
  return channel.segmentBudget !== null;
}

/**
 * The resident's own number, where the channel knows it: the SMS adapter puts it in
 * channelData, where on the web a client could write any number. Never logged.
 */
export function residentPhoneOf(context: TurnContext): string | undefined {
  if (describeChannel(context.activity.channelId).residentIdentifiedBy !== 'phone') return undefined;
  const data: unknown = context.activity.channelData;
  if (data === null || typeof data !== 'object' || !('phone' in data)) return undefined;
  return typeof data.phone === 'string' ? data.phone : undefined;
}
