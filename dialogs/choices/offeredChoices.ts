/**
 * One way to answer a question with choices, on every channel and in every job: the choices
 * the assistant last offered (buttons on the web, numbered lines by text) are remembered with
 * the conversation, and the resident's next message is read against them BEFORE anything
 * tries to understand it as a new question. So "Recycling (blue bin)" tapped, "2" texted,
 * "the blue one" or "recycling" typed are all that choice, and never restart a job because
 * the words also sound like a question ("Recycling (blue bin)" once started a bin-day lookup).
 *
 * A reply that is a number, where the list is of addresses and that number is also a house
 * number in it ("2" when the list starts "1 Mill Lane, 4 Mill Lane…"), is asked about rather
 * than guessed.
 */
import { ActivityTypes, type Activity, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { parseYesNo } from '../../intents/entities/yesNo.js';
import { channelOf } from '../../services/channels/channels.js';
import type { Messages } from '../content.js';
import { choicesActivity, say, type Choice } from '../reply.js';

export interface OfferedMemory {
  choices: Choice[];
}

/** What a reply was read as. */
export type ChoiceReading =
  | { kind: 'none' }
  | { kind: 'chosen'; choice: Choice }
  /** A number that is both a place in the list and a house number in it. */
  | { kind: 'ambiguous'; byPosition: Choice; byNumber: Choice };

/** Words that say nothing about which choice is meant ("it was the blue one please"). */
const FILLER = new Set([
  'a',
  'an',
  'the',
  'my',
  'it',
  'its',
  "it's",
  'was',
  'is',
  'one',
  'ones',
  'please',
  'pls',
  'that',
  'this',
  'i',
  'meant',
  'mean',
  'think',
  'just',
  'ok',
  'okay',
  'oh',
  'er',
  'um',
  'actually',
  'sorry',
  'number',
  'no',
  'option',
  'choice',
  'for',
  'of',
  'on',
  'at',
  'in',
  'and',
  'then',
  'yeah',
  'yes',
  'bin',
  'thanks',
  'thank',
  'you',
  'ta',
  'mate',
  'love',
]);

const NUMBER_REPLY = /^\s*(?:no\.?\s*|number\s+|option\s+)?\(?(\d{1,2})[.)]?\s*$/i;
const MORE = /^\s*(more|more please|show more|next|more addresses|any more)\s*[.!]?\s*$/i;
const TURN_KEY = Symbol('offeredChoices.taken');

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9' ]/g, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/'s$/, '').replace(/'/g, ''))
    .filter(Boolean);
}

function same(a: string, b: string): boolean {
  return words(a).join(' ') === words(b).join(' ');
}

/** Reads a reply against the choices offered; pure, so it is tested on its own. */
export function readChoice(text: string, choices: Choice[], typed?: string): ChoiceReading {
  if (choices.length === 0) return { kind: 'none' };
  const reply = text.trim();
  // The number as the resident typed it (the SMS adapter may already have read it as a choice).
  const numberMatch = NUMBER_REPLY.exec(typed ?? reply);
  if (numberMatch?.[1]) {
    const n = Number(numberMatch[1]);
    const byPosition = choices[n - 1];
    // A house number ("2 Mill Lane"); a flat's number ("Flat 1, 16 Mill Lane") is not what "1" means.
    const byNumber = choices.filter((c) => new RegExp(`^${n}[a-z]?\\b(?![./-]\\d)`, 'i').test(c.label));
    if (byPosition && byNumber.length === 1 && byNumber[0] && byNumber[0] !== byPosition) {
      return { kind: 'ambiguous', byPosition, byNumber: byNumber[0] };
    }
    if (byPosition) return { kind: 'chosen', choice: byPosition };
    if (byNumber.length === 1 && byNumber[0]) return { kind: 'chosen', choice: byNumber[0] };
  }
  const exact = choices.find((c) => same(c.label, reply) || same(c.value, reply));
  if (exact) return { kind: 'chosen', choice: exact };

  // An unambiguous part: every meaningful word of the reply is in exactly one choice.
  const meaningful = words(reply).filter((w) => !FILLER.has(w));

  const yesNo = parseYesNo(reply);
  if (yesNo !== null) {
    const wanted = choices.filter((c) => (yesNo ? /^(yes|yeah|ok)\b/i : /^no\b/i).test(c.label));
    // "no, I meant 22 Mill Lane" is a correction, not the "No" button: it goes to the question as typed.
    const said = wanted[0] && new Set(words(`${wanted[0].label} ${wanted[0].value}`));
    const correction = meaningful.length > 1 && said !== undefined && !meaningful.every((w) => said.has(w));
    if (wanted.length === 1 && wanted[0] && !correction) return { kind: 'chosen', choice: wanted[0] };
  }
  if (meaningful.length === 0 || meaningful.length > 4) return { kind: 'none' };
  const containing = choices.filter((c) => {
    const label = new Set(words(`${c.label} ${c.value}`));
    return meaningful.every((w) => label.has(w));
  });
  if (containing.length === 1 && containing[0]) return { kind: 'chosen', choice: containing[0] };
  return { kind: 'none' };
}

/** The choices of a sent activity: its suggested actions' titles and values. */
function choicesIn(activity: Partial<Activity>): Choice[] {
  return (activity.suggestedActions?.actions ?? []).flatMap((action) => {
    const value = typeof action.value === 'string' ? action.value : '';
    const label = action.title ?? value;
    return label && value ? [{ label, value }] : [];
  });
}

export class OfferedChoices {
  constructor(
    private readonly memory: StatePropertyAccessor<OfferedMemory>,
    private readonly messages: Messages,
  ) {}

  /**
   * Remembers what this turn offers: the choices of the last message that had any; a turn
   * whose messages offer none forgets the old ones, so a later "2" is never read against a
   * list the resident no longer sees.
   */
  watch(context: TurnContext): void {
    context.onSendActivities(async (ctx, activities, next) => {
      const messages = activities.filter((a) => a.type === ActivityTypes.Message);
      if (messages.length) {
        const offered =
          [...messages]
            .reverse()
            .map(choicesIn)
            .find((c) => c.length) ?? [];
        await this.memory.set(ctx, { choices: offered });
      }
      return next();
    });
  }

  /**
   * Reads the message against what was offered before the dialogs see it. A choice replaces
   * the message's text with the choice's value (what a tap sends) and marks the turn, so the
   * dialog waiting for it gets it and nothing starts another job. Returns true when the turn
   * was answered here (a number that needed asking about, "MORE" with no list to page).
   */
  async take(context: TurnContext, jobInProgress: boolean): Promise<boolean> {
    if (context.activity.type !== ActivityTypes.Message) return false;
    const { choices } = await this.memory.get(context, { choices: [] });
    const typedData = (context.activity.channelData as { typed?: unknown } | undefined)?.typed;
    const typed = typeof typedData === 'string' ? typedData : undefined;
    const reading = readChoice(context.activity.text ?? '', choices, typed);
    // "MORE" where no list is showing asks for more of nothing: say so, never read it as goodbye.
    if (!jobInProgress && !choices.some((c) => MORE.test(c.value)) && MORE.test(context.activity.text ?? '')) {
      await say(context, this.messages, 'choice.nothingMore');
      return true;
    }
    if (reading.kind === 'chosen') {
      context.activity.text = reading.choice.value;
      context.turnState.set(TURN_KEY, true);
      return false;
    }
    if (reading.kind === 'ambiguous') {
      const text = this.messages.render('choice.whichNumber', channelOf(context), {
        number: (typed ?? context.activity.text ?? '').trim(),
        byNumber: reading.byNumber.label,
        byPosition: reading.byPosition.label,
      }).text;
      await context.sendActivity(choicesActivity(text, [reading.byNumber, reading.byPosition]));
      return true;
    }
    return false;
  }
}

/** Whether this turn's message was one of the offered choices (MainDialog then keeps the job). */
export function choiceTaken(context: TurnContext): boolean {
  return context.turnState.get(TURN_KEY) === true;
}
