/**
 * Council tax: bands, paying, discounts, moving home, the resident's account and help for
 * those who are struggling, one path per intent:
 *
 *   band      the address (from the message or asked) -> its band and this year's charge;
 *             choices: the charges for every band, how to challenge a band.
 *   pay, discount, moving
 *             the council's answer on the topic the words name; choices: the action it offers
 *             (apply for single person discount, tell us of a move, pay in 12) and related topics.
 *   account   the account check first; then the balance and next instalment; anything else
 *             (a bill copy, a refund, a payment taken twice) goes to a person with the checked account.
 *   support   a kind answer, the other help there is, and a person, urgently for a summons or bailiffs.
 *
 *   Resident:  I live on my own now
 *   Assistant: If you're the only adult … you get 25% off …   [Apply for single person discount] [Discounts and exemptions] …
 *   Resident:  Apply for single person discount           (on SMS: 1)
 *   Assistant: What is your full name?  …  Your reference is HC-123456.
 *
 * A message that is not one of the choices is a new question and goes back to MainDialog.
 */
import { TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { parseYesNo } from '../../intents/entities/yesNo.js';
import type { AddressLookup } from '../../services/addresses/addressLookup.js';
import type { Cases } from '../../services/cases/cases.js';
import type { Answer, CouncilTaxAnswers } from '../../services/councilTax/councilTaxAnswers.js';
import type { CouncilTaxRecords } from '../../services/councilTax/councilTaxRecords.js';
import type { Accounts, AccountSummary } from '../../services/councilTax/accounts.js';
import type { CouncilTaxReplies } from '../../services/councilTax/replies.js';
import type { IntentName } from '../../intents/types.js';
import { ADDRESS_DIALOG, AddressDialog, type AddressResult } from '../address/addressDialog.js';
import { channelOf } from '../../services/channels/channels.js';
import type { Messages } from '../content.js';
import { InterruptibleDialog } from '../interruptions.js';
import { NEW_QUESTION, type JobOptions } from '../mainDialog.js';
import { say } from '../reply.js';
import type { AccountRequests } from './accountRequests.js';
import { type CaseMemory, ACTION_DIALOG, ActionDialog, type ActionOptions } from './actionDialog.js';
import { answerActivity, choicesThatFit } from './answerActivity.js';
import { fitsBudget } from '../../services/channels/smsText.js';
import type { PersonRequest } from './personRequest.js';
import { VERIFY_DIALOG, VerifyDialog, type VerifyResult } from './verifyDialog.js';
import { jobCompleted } from '../outcomes.js';

export const COUNCIL_TAX_DIALOG = 'counciltax';
export const COUNCIL_TAX_INTENTS: IntentName[] = [
  'counciltax.band',
  'counciltax.pay',
  'counciltax.discount',
  'counciltax.moving',
  'counciltax.account',
  'counciltax.support',
];
const STEPS = 'counciltax.steps';
const CHOICE_PROMPT = 'counciltax.choice';
/** The topic the CouncilTax service fills in for one property (bandAnswer). */
const BAND_TOPIC = 'band';

export interface CouncilTaxServicesForDialogs {
  /** The council's answers (content, from its data folder). */
  answers: CouncilTaxAnswers;
  /** Bands and charges (the back office). */
  records: CouncilTaxRecords;
  accounts: Accounts;
  replies: CouncilTaxReplies;
}

export interface CouncilTaxDialogDeps {
  services: CouncilTaxServicesForDialogs;
  addresses: AddressLookup;
  cases: Cases;
  person: PersonRequest;
  accountRequests: AccountRequests;
  messages: Messages;
  clock?: () => Date;
  /** Keeps what a case was about for the person who later picks the conversation up (handoff). */
  remember?: CaseMemory;
}

type Verified = { accountNumber: string; propertyId: string };

/** How the dialog starts: from MainDialog with what was understood, or again after a choice. */
export interface CouncilTaxOptions extends Partial<JobOptions> {
  topic?: string;
  action?: string;
  verified?: Verified;
  said?: string;
  /** A property named earlier in this conversation (a band question), for a case about it. */
  property?: { id: string; address: string };
}

interface Offered {
  label: string;
  topic?: string;
  action?: string;
}

interface Values {
  path: 'band' | 'account' | 'answer' | 'support' | 'done';
  said: string;
  topic?: string;
  verified?: Verified;
  property?: { id: string; address: string };
  /** The action to do once the account check passes. */
  pending?: { actionId: string; reason?: string };
  offered: Offered[];
}

export class CouncilTaxDialog extends InterruptibleDialog {
  private readonly councilTax: CouncilTaxAnswers;
  private readonly replies: CouncilTaxReplies;

  constructor(private readonly deps: CouncilTaxDialogDeps) {
    super(COUNCIL_TAX_DIALOG, deps.messages);
    const clock = deps.clock ?? (() => new Date());
    this.councilTax = deps.services.answers;
    this.replies = deps.services.replies;
    this.addDialog(new AddressDialog(deps.addresses, deps.messages));
    this.addDialog(new VerifyDialog(deps.services.accounts, deps.services.replies, deps.messages, clock));
    this.addDialog(
      new ActionDialog(
        deps.services.replies,
        deps.cases,
        deps.addresses,
        deps.person,
        deps.messages,
        clock,
        deps.remember,
      ),
    );
    this.addDialog(new TextPrompt(CHOICE_PROMPT));
    this.addDialog(
      new WaterfallDialog(STEPS, [this.start.bind(this), this.present.bind(this), this.chosen.bind(this)]),
    );
    this.initialDialogId = STEPS;
  }

  private async start(step: WaterfallStepContext) {
    const options = (step.options ?? {}) as CouncilTaxOptions;
    const values = step.values as Values;
    values.said = options.said ?? options.understanding?.text ?? '';
    values.offered = [];
    if (options.verified) values.verified = options.verified;
    else {
      // Proved earlier in this conversation (the grant lasts a short while): a case opened now
      // carries the account and its property, so nobody has to call back to ask.
      const granted = await this.deps.services.accounts.balance(
        step.context.activity.conversation.id,
        this.deps.clock?.() ?? new Date(),
      );
      if (granted) values.verified = { accountNumber: granted.accountNumber, propertyId: granted.propertyId };
    }
    if (options.property) values.property = options.property;

    if (options.action) {
      const action = this.replies.action(options.action);
      if (action.requiresVerification && !values.verified) {
        values.path = 'account';
        values.pending = { actionId: action.id };
        return step.beginDialog(VERIFY_DIALOG, {});
      }
      values.path = 'done';
      return step.beginDialog(ACTION_DIALOG, this.actionOptions(values, action.id));
    }

    // "when is my next payment due" sounds like the general payments question; it is about their account.
    const ownAccount = !options.topic && this.deps.accountRequests.aboutOwnAccount(values.said);
    const intent = ownAccount ? 'counciltax.account' : (options.understanding?.intent as IntentName | undefined);
    const topic = options.topic
      ? this.councilTax.answer(options.topic)
      : (this.councilTax.findTopic(values.said, intent) ?? this.councilTax.topics(intent)[0]);
    if (!topic) {
      await say(step.context, this.messages, 'notYetAvailable');
      return step.endDialog();
    }
    values.topic = topic.topic;
    if (topic.topic === BAND_TOPIC) {
      values.path = 'band';
      return step.beginDialog(ADDRESS_DIALOG, { understanding: options.topic ? undefined : options.understanding });
    }
    if (topic.intent === 'counciltax.account') {
      values.path = 'account';
      const request = this.deps.accountRequests.find(values.said);
      if (request.reason && topic.offers) values.pending = { actionId: topic.offers, reason: request.reason };
      return step.beginDialog(VERIFY_DIALOG, { text: values.said });
    }
    values.path = topic.intent === 'counciltax.support' ? 'support' : 'answer';
    return step.next();
  }

  private async present(step: WaterfallStepContext) {
    const values = step.values as Values;
    const channel = channelOf(step.context);
    switch (values.path) {
      case 'done':
        return step.endDialog();
      case 'band': {
        const found = step.result as AddressResult | undefined;
        if (!found) return step.endDialog();
        values.property = { id: found.property.id, address: found.property.label };
        const band = await this.deps.services.records.bandFor(found.property.id);
        if (!band) {
          await say(step.context, this.messages, 'counciltax.bandUnknown');
          return step.endDialog();
        }
        const answer = this.councilTax.bandAnswer(band);
        return this.offer(step, answer[channel.content], this.choicesAfter(answer));
      }
      case 'account': {
        const verified = step.result as VerifyResult | undefined;
        if (!verified) return step.endDialog();
        return this.afterCheck(step, verified.account);
      }
      case 'support': {
        const topic = this.councilTax.answer(values.topic ?? '');
        await step.context.sendActivity(topic[channel.content]);
        jobCompleted(step.context, 'council_tax_answered');
        const moreHelp = this.messages.render('counciltax.support.moreHelp', channel).text;
        if (fitsBudget(`${topic[channel.content]}\n${moreHelp}`, channel)) await step.context.sendActivity(moreHelp);
        const actionId = topic.offers ?? this.councilTax.topics('counciltax.support').find((t) => t.offers)?.offers;
        if (!actionId) return step.endDialog();
        values.path = 'done';
        return step.beginDialog(ACTION_DIALOG, { ...this.actionOptions(values, actionId), reason: topic.label });
      }
      case 'answer': {
        const topic = this.councilTax.answer(values.topic ?? '');
        return this.offer(step, topic[channel.content], this.choicesAfter(topic));
      }
    }
  }

  private async chosen(step: WaterfallStepContext) {
    const values = step.values as Values;
    // Only an offer waits for a choice; a finished action or check ends here.
    if (values.path === 'done' || values.offered.length === 0) return step.endDialog();
    const text = String(step.result ?? '').trim();
    const typed = text.toLowerCase();
    const actions = values.offered.filter((o) => o.action);
    const choice =
      values.offered.find((o) => o.label.toLowerCase() === typed) ??
      (actions.length === 1 && parseYesNo(text) === true ? actions[0] : undefined);
    if (!choice) return step.endDialog(NEW_QUESTION);
    const next: CouncilTaxOptions = {
      said: values.said,
      ...(values.verified ? { verified: values.verified } : {}),
      ...(values.property ? { property: values.property } : {}),
      ...(choice.action ? { action: choice.action } : { topic: choice.topic ?? '' }),
    };
    return step.replaceDialog(STEPS, next);
  }

  /** After a passed check: the balance and next instalment, then whatever else was asked or is needed. */
  private async afterCheck(step: WaterfallStepContext, account: AccountSummary) {
    const values = step.values as Values;
    const channel = channelOf(step.context);
    values.verified = { accountNumber: account.accountNumber, propertyId: account.propertyId };
    const reply = this.replies.account(account);
    const then =
      values.pending ??
      (reply.offers && this.replies.action(reply.offers).priority === 'urgent'
        ? { actionId: reply.offers }
        : undefined);
    if (then) {
      await step.context.sendActivity(reply[channel.content]);
      jobCompleted(step.context, 'council_tax_answered');
      values.path = 'done';
      return step.beginDialog(ACTION_DIALOG, {
        ...this.actionOptions(values, then.actionId),
        ...(then.reason ? { reason: then.reason } : {}),
      });
    }
    const offers = [reply.offers, this.councilTax.topics('counciltax.account')[0]?.offers].filter((id): id is string =>
      Boolean(id),
    );
    const choices: Offered[] = [...new Set(offers)].map((id) => ({ label: this.replies.action(id).label, action: id }));
    return this.offer(step, reply[channel.content], choices);
  }

  /** The action the answer offers first, then the other topics of the same intent. */
  private choicesAfter(answer: Answer): Offered[] {
    const action: Offered[] = answer.offers
      ? [{ label: this.replies.action(answer.offers).label, action: answer.offers }]
      : [];
    const related = this.councilTax
      .topics(answer.intent)
      .filter((t) => t.topic !== answer.topic)
      .map((t) => ({ label: t.label, topic: t.topic }));
    return [...action, ...related];
  }

  /** Sends the answer with the choices that fit, and waits for one when there are any. */
  private async offer(step: WaterfallStepContext, text: string, offered: Offered[]) {
    const values = step.values as Values;
    const channel = channelOf(step.context);
    const choices = offered.map((o) => ({ label: o.label, value: o.label }));
    const fitting = choicesThatFit(text, choices, channel);
    values.offered = offered.filter((o) => fitting.some((c) => c.label === o.label));
    const activity = answerActivity(text, fitting);
    jobCompleted(step.context, 'council_tax_answered');
    if (values.offered.length === 0) {
      await step.context.sendActivity(activity);
      return step.endDialog();
    }
    return step.prompt(CHOICE_PROMPT, { prompt: activity });
  }

  private actionOptions(values: Values, actionId: string): ActionOptions {
    return {
      actionId,
      said: values.said,
      ...(values.verified ? { verified: values.verified } : {}),
      ...(values.property ? { property: values.property } : {}),
    };
  }
}
