/**
 * A council tax reply with choices for this turn's channel: buttons on the web; on SMS the
 * numbered choices only as far as they fit with the answer in two texts (the answer is the
 * point, and a third text costs the council money and arrives out of order), most useful first.
 */
import type { Activity } from 'botbuilder';
import { countSegments, toGsm7 } from '../../adapters/twilio/gsm.js';
import { SMS_MAX_SEGMENTS } from '../../services/councilTax/templates.js';
import type { Channel } from '../content.js';
import { choicesActivity, type Choice } from '../reply.js';

export function fitsSms(text: string): boolean {
  return countSegments(toGsm7(text)).segments <= SMS_MAX_SEGMENTS;
}

/** The choices, in order of importance, that fit with `text` (all of them on the web). */
export function choicesThatFit(text: string, choices: Choice[], channel: Channel): Choice[] {
  if (channel === 'web') return choices;
  const kept: Choice[] = [];
  for (const choice of choices) {
    const lines = [...kept, choice].map((c, i) => `${i + 1}. ${c.label}`);
    if (!fitsSms([text, ...lines].join('\n'))) break;
    kept.push(choice);
  }
  return kept;
}

/** The answer with choices already fitted to the channel (choicesThatFit); the answer alone when there are none. */
export function answerActivity(text: string, fitting: Choice[]): Partial<Activity> {
  if (fitting.length === 0) return { type: 'message', text, inputHint: 'acceptingInput' };
  return choicesActivity(text, fitting);
}
