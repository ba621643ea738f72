import { ActivityTypes, MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import { channelOf } from '../services/channels/channels.js';
import type { MessageId, Messages } from './content.js';

/** A council message as an activity for this turn's channel: quick replies on the web only. */
export function messageActivity(
  context: TurnContext,
  messages: Messages,
  id: MessageId,
  values?: Record<string, string | number>,
): Partial<Activity> {
  const rendered = messages.render(id, channelOf(context), values);
  if (rendered.choices.length === 0)
    return { type: ActivityTypes.Message, text: rendered.text, inputHint: 'acceptingInput' };
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

export interface Choice {
  /** What the resident sees on the button (web) or after the number (SMS). */
  label: string;
  /** What comes back when it is chosen. */
  value: string;
}

/**
 * A question with choices, on every channel: buttons on the web; on SMS the Twilio adapter
 * lists them as numbered lines and turns a reply of "2" back into the second choice's value.
 */
export function choicesActivity(text: string, choices: Choice[]): Partial<Activity> {
  const activity = MessageFactory.suggestedActions(
    choices.map((choice) => ({ type: 'imBack', title: choice.label, value: choice.value })),
    text,
  );
  activity.inputHint = 'expectingInput';
  return activity;
}
