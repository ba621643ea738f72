/**
 * A resident at risk (self-harm, abuse, danger, homeless tonight, bailiffs at the door, no
 * food): the contacts that help now come first, at any hour and on any channel, then a person.
 * In the contact centre's hours that is the urgent queue; out of hours the handoff offers a
 * callback after the contacts. For domestic abuse the resident is first asked whether it is
 * safe for the council to call or text them: an abuser may see the phone.
 *
 * MainDialog begins this for every message with an urgent topic, whatever job was running, so
 * no job checks for it itself.
 */
import type { TurnContext } from 'botbuilder';
import {
  TextPrompt,
  WaterfallDialog,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { UrgentTopics } from '../../services/safeguarding/urgentTopics.js';
import { urgentMessageId } from '../../services/safeguarding/urgentTopics.js';
import type { HandoffRequestInput } from '../../services/handoff/types.js';
import { parseYesNo } from '../../intents/entities/index.js';
import { dataMessageId, type Messages } from '../content.js';
import { InterruptibleDialog } from '../interruptions.js';
import { messageActivity, say } from '../reply.js';

export const URGENT_DIALOG = 'urgent';
const STEPS = 'urgent.steps';
const SAFE_PROMPT = 'urgent.safePrompt';
/** After this many answers that are neither yes nor no, take it as "not safe". */
const SAFE_ATTEMPTS = 3;

export interface UrgentOptions {
  /** The topic id from safeguarding/topics.json. */
  topic: string;
}

/** The part of the handoff this dialog needs: a person, urgently (or a callback when closed). */
export interface UrgentPerson {
  requestHandoff(context: TurnContext, input: HandoffRequestInput): Promise<unknown>;
}

/** "yes", "it's safe", "no", "not safe": null when the answer is neither. */
export function safeToContactAnswer(text: string): boolean | null {
  const lower = text.toLowerCase().replace(/[’']/g, '');
  if (/\b(not|isnt|never|un) ?safe\b|\bunsafe\b|\bdont\b|\bdo not\b/.test(lower)) return false;
  const yesNo = parseYesNo(text);
  if (yesNo !== null) return yesNo;
  if (/\bsafe\b/.test(lower)) return true;
  return null;
}

export class UrgentDialog extends InterruptibleDialog {
  constructor(
    private readonly topics: UrgentTopics,
    messages: Messages,
    private readonly person: UrgentPerson,
  ) {
    super(URGENT_DIALOG, messages);
    // Every topic's words must exist for both channels before a resident at risk needs them.
    const ids = [
      ...topics.data.topics.map((topic) => urgentMessageId(topic.id)),
      'urgent.safeToContact',
      'urgent.safeToContactAgain',
      'urgent.noContact',
    ];
    messages.require(ids, 'safeguarding/messages.json');
    this.addDialog(new TextPrompt(SAFE_PROMPT, this.validateSafe.bind(this)));
    this.addDialog(new WaterfallDialog(STEPS, [this.giveContacts.bind(this), this.findPerson.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async giveContacts(step: WaterfallStepContext) {
    const topic = this.topics.topic((step.options as UrgentOptions).topic);
    if (!topic) return step.endDialog();
    const numbers = this.topics.contactNumbers();
    await say(step.context, this.messages, dataMessageId(urgentMessageId(topic.id)), numbers);
    if (!topic.askSafeContact) return step.next(null);
    return step.prompt(SAFE_PROMPT, {
      prompt: messageActivity(step.context, this.messages, 'urgent.safeToContact'),
      retryPrompt: messageActivity(step.context, this.messages, 'urgent.safeToContactAgain'),
    });
  }

  private async findPerson(step: WaterfallStepContext) {
    const topic = this.topics.topic((step.options as UrgentOptions).topic);
    if (!topic) return step.endDialog();
    if (topic.askSafeContact) {
      const safe = typeof step.result === 'string' ? safeToContactAnswer(step.result) : null;
      if (safe !== true) {
        // No answer we can read counts as "not safe": a wrong guess the other way could put them at risk.
        await say(step.context, this.messages, 'urgent.noContact', this.topics.contactNumbers());
        return step.endDialog();
      }
    }
    await this.person.requestHandoff(step.context, {
      reason: 'sensitive',
      priority: 'urgent',
      topic: topic.id,
      ...(topic.askSafeContact ? { collected: { safeToContact: true } } : {}),
    });
    return step.endDialog();
  }

  private async validateSafe(prompt: PromptValidatorContext<string>): Promise<boolean> {
    if (safeToContactAnswer(prompt.recognized.value ?? '') !== null) return true;
    return prompt.attemptCount >= SAFE_ATTEMPTS;
  }
}
