/**
 * A council tax reply with choices for this turn's channel: buttons on the web; where replies
 * are paid by the text, the numbered choices only as far as they fit with the answer in the
 * channel's budget (the answer is the point, and another text costs the council money and can
 * arrive out of order), most useful first.
 */
import type { Activity } from 'botbuilder';
import { fitsBudget } from '../../services/channels/smsText.js';
import type { Channel } from '../../services/channels/channels.js';
import { choicesActivity, type Choice } from '../reply.js';

/** The choices, in order of importance, that fit with `text` (all of them where length is free). */
export function choicesThatFit(text: string, choices: Choice[], channel: Channel): Choice[] {
  if (channel.segmentBudget === null) return choices;
  const kept: Choice[] = [];
  for (const choice of choices) {
    const lines = [...kept, choice].map((c, i) => `${i + 1}. ${c.label}`);
    if (!fitsBudget([text, ...lines].join('\n'), channel)) break;
    kept.push(choice);
  }
  return kept;
}

/** The answer with choices already fitted to the channel (choicesThatFit); the answer alone when there are none. */
export function answerActivity(text: string, fitting: Choice[]): Partial<Activity> {
  if (fitting.length === 0) return { type: 'message', text, inputHint: 'acceptingInput' };
  return choicesActivity(text, fitting);
}
