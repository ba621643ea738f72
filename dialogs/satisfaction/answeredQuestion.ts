/**
 * "Did this answer your question?", asked once per conversation after the assistant completes a
 * job: two buttons on the web, "reply YES or NO" by text. The next message is read against it
 * first; a message that is not a short yes or no is not an answer, so the question is
 * forgotten and that message is taken as a new one. Never trapped, never asked twice.
 */
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { parseYesNo } from '../../intents/entities/yesNo.js';
import type { Messages } from '../content.js';
import { say } from '../reply.js';

export interface AnsweredQuestionMemory {
  /** Asked in this conversation already. */
  asked?: boolean;
  /** Asked in the last turn, and not answered yet. */
  awaiting?: boolean;
}

/** Longer than this is a new message that happens to start with "yes" or "no". */
const MAX_ANSWER_WORDS = 4;

export class AnsweredQuestion {
  constructor(
    private readonly memory: StatePropertyAccessor<AnsweredQuestionMemory>,
    private readonly messages: Messages,
  ) {}

  /** A new conversation may be asked again. */
  async reset(context: TurnContext): Promise<void> {
    await this.memory.delete(context);
  }

  /** Asks, unless this conversation was asked already; true when it asked. */
  async ask(context: TurnContext): Promise<boolean> {
    const memory = await this.memory.get(context, {});
    if (memory.asked) return false;
    await say(context, this.messages, 'answered.ask');
    await this.memory.set(context, { asked: true, awaiting: true });
    return true;
  }

  /**
   * The resident's answer, thanked for, when this message is one; undefined otherwise (and
   * the question is then forgotten, so the message goes on as a new one).
   */
  async take(context: TurnContext): Promise<'yes' | 'no' | undefined> {
    const memory = await this.memory.get(context, {});
    if (!memory.awaiting) return undefined;
    await this.memory.set(context, { asked: true });
    const text = (context.activity.text ?? '').trim();
    if (text.split(/\s+/).length > MAX_ANSWER_WORDS) return undefined;
    const answer = parseYesNo(text);
    if (answer === null) return undefined;
    await say(context, this.messages, answer ? 'answered.yes' : 'answered.no');
    return answer ? 'yes' : 'no';
  }
}
