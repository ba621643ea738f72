import type { TurnContext } from 'botbuilder';
import type { Channel } from './content.js';

/** The Twilio adapter (and Azure's own SMS channel) use channelId "sms"; everything else is a screen. */
export function channelOf(context: TurnContext): Channel {
  return context.activity.channelId === 'sms' ? 'sms' : 'web';
}
