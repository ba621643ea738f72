import type { TurnContext } from 'botbuilder';
import type { Channel } from './content.js';

/** The Twilio adapter (and Azure's own SMS channel) use channelId "sms"; everything else is a screen. */
export function channelOf(context: TurnContext): Channel {
  return context.activity.channelId === 'sms' ? 'sms' : 'web';
}

/**
 * The resident's own number, on SMS only: the Twilio adapter puts it in channelData, where on
 * the web a client could write any number. Never logged.
 */
export function smsPhoneOf(context: TurnContext): string | undefined {
  if (context.activity.channelId !== 'sms') return undefined;
  const data: unknown = context.activity.channelData;
  if (data === null || typeof data !== 'object' || !('phone' in data)) return undefined;
  return typeof data.phone === 'string' ? data.phone : undefined;
}
