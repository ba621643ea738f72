import { ActivityTypes, MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import { channelOf } from './channel.js';
import type { MessageId, Messages } from './content.js';

/** A council message as an activity for this turn's channel: quick replies on the web only. */
export function messageActivity(
  context: TurnContext,
  messages: Messages,
  id: MessageId,
  values?: Record<string, string | number>,
): Partial<Activity> {
  const rendered = messages.render(id, channelOf(context), values);
  if (rendered.choices.length === 0) return { type: ActivityTypes.Message, text: rendered.text, inputHint: 'acceptingInput' };
  const activity = MessageFactory.suggestedActions(rendered.choices, rendered.text);
  activity.inputHint = 'acceptingInput';
  return activity;
}

export async function say(
  context: TurnContext,
  messages: Messages,
  id: MessageId,
  values?: Record<string, string | number>,
): Promise<void> {
  await context.sendActivity(messageActivity(context, messages, id, values));
}
