/**
 * Does what a council tax answer offered (data/<council>/counciltax/actions.json):
 *
 *   kind "case": asks each question in turn, then opens a case for the council tax team and
 *     gives the HC- reference:
 *       Assistant: What is your full name?            Resident: Sam Taylor
 *       Assistant: From what date have you been…?     Resident: 1 October
 *       Assistant: What phone number or email…?       Resident: sam@example.com
 *       Assistant: Thank you. Your reference is HC-123456. We'll be in touch within 10 working days.
 *   kind "handoff": passes the resident to a person through the PersonRequest port, with its
 *     priority, the reason and what is known (asking first how to reach them when the port
 *     needs that).
 *
 * An answer that cannot be used is explained and asked again; after three, the resident is
 * given the phone number rather than asked a fourth time.
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { Preference } from '../../intents/entities/dates.js';
import type { Cases } from '../../services/cases/cases.js';
import type { Action, ActionField, CouncilTaxReplies } from '../../services/councilTax/replies.js';
import { channelOf, smsPhoneOf } from '../channel.js';
import type { Messages } from '../content.js';
import { choicesActivity, say } from '../reply.js';
import { readChoice, readContact, readDate, readText } from './fieldAnswers.js';
import type { PersonRequest } from './personRequest.js';

export const ACTION_DIALOG = 'counciltax.action';

const FAILURES_BEFORE_PHONE = 3;
/** Dates that look back: "since 1 October" is this autumn, not next year's. Others look ahead. */
const DATE_PREFERENCE: Record<string, Preference> = { onlyAdultSince: 'past' };
const CONTACT_FIELD = 'contact';

export interface ActionOptions {
  actionId: string;
  /** The account the resident proved they hold in this conversation. */
  verified?: { accountNumber: string; propertyId: string };
  /** For a handoff: why, in the agent's words; the action's label when not given. */
  reason?: string;
  /** What the resident said that led here, for the person who picks it up. */
  said?: string;
}

interface ActionState {
  options: ActionOptions;
  index: number;
  answers: Record<string, string>;
  failures: number;
}

export class ActionDialog extends Dialog<ActionOptions> {
  constructor(
    private readonly replies: CouncilTaxReplies,
    private readonly cases: Cases,
    private readonly person: PersonRequest,
    private readonly messages: Messages,
    private readonly clock: () => Date,
  ) {
    super(ACTION_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: ActionOptions): Promise<DialogTurnResult> {
    if (!options) throw new Error('ActionDialog needs the action to do');
    const state: ActionState = { options, index: 0, answers: {}, failures: 0 };
    dc.activeDialog!.state = state;
    return this.next(dc, state);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as ActionState;
    const field = this.fields(dc.context, state)[state.index];
    if (!field) return this.finish(dc, state);
    const value = this.read(dc.context, field, dc.context.activity.text ?? '');
    if (value === null) {
      state.failures += 1;
      if (state.failures >= FAILURES_BEFORE_PHONE) {
        await say(dc.context, this.messages, 'counciltax.field.giveUp');
        return dc.endDialog();
      }
      await this.explain(dc.context, field);
      return Dialog.EndOfTurn;
    }
    state.answers[field.id] = value;
    state.index += 1;
    state.failures = 0;
    return this.next(dc, state);
  }

  override async repromptDialog(context: TurnContext, instance: { state: unknown }): Promise<void> {
    const state = instance.state as ActionState;
    const field = this.fields(context, state)[state.index];
    if (field) await this.ask(context, field);
  }

  private action(state: ActionState): Action {
    return this.replies.action(state.options.actionId);
  }

  /** The questions to ask: the action's, or for a handoff how to reach the resident when the port needs it. */
  private fields(context: TurnContext, state: ActionState): ActionField[] {
    const action = this.action(state);
    if (action.kind === 'case') return action.fields;
    if (!this.person.needsContact(channelOf(context))) return [];
    const ask = this.messages.render('counciltax.handoff.askContact', 'web').text;
    const askSms = this.messages.render('counciltax.handoff.askContact', 'sms').text;
    return [{ id: CONTACT_FIELD, type: 'contact', web: ask, sms: askSms }];
  }

  private async next(dc: DialogContext, state: ActionState): Promise<DialogTurnResult> {
    const field = this.fields(dc.context, state)[state.index];
    if (!field) return this.finish(dc, state);
    await this.ask(dc.context, field);
    return Dialog.EndOfTurn;
  }

  private async ask(context: TurnContext, field: ActionField): Promise<void> {
    const channel = channelOf(context);
    // By SMS the question itself lists the options (numbered lists of "1st, 8th…" would make "8" ambiguous).
    if (field.type === 'choice' && field.options && channel === 'web') {
      await context.sendActivity(choicesActivity(field.web, field.options.map((o) => ({ label: o, value: o }))));
      return;
    }
    await context.sendActivity({ type: ActivityTypes.Message, text: field[channel], inputHint: 'expectingInput' });
  }

  private read(context: TurnContext, field: ActionField, text: string): string | null {
    switch (field.type) {
      case 'date':
        return readDate(text, this.clock(), DATE_PREFERENCE[field.id] ?? 'future');
      case 'contact':
        return readContact(text, smsPhoneOf(context));
      case 'choice':
        return readChoice(text, field.options ?? []);
      case 'address':
        return readText(text, 6);
      case 'text':
        return readText(text, 2);
    }
  }

  private async explain(context: TurnContext, field: ActionField): Promise<void> {
    const channel = channelOf(context);
    switch (field.type) {
      case 'date':
        return say(context, this.messages, 'counciltax.field.badDate');
      case 'contact':
        return say(context, this.messages, 'counciltax.field.badContact');
      case 'choice': {
        const options = field.options ?? [];
        const text = this.messages.render('counciltax.field.badChoice', channel, { options: options.join(', ') }).text;
        await context.sendActivity(channel === 'web' ? choicesActivity(text, options.map((o) => ({ label: o, value: o }))) : text);
        return;
      }
      default:
        return say(context, this.messages, 'counciltax.field.badText', { question: field[channel] });
    }
  }

  private async finish(dc: DialogContext, state: ActionState): Promise<DialogTurnResult> {
    const action = this.action(state);
    const { verified, said } = state.options;
    const { [CONTACT_FIELD]: contact, ...answers } = state.answers;
    const details: Record<string, string> = { ...answers, ...(said ? { said: said.slice(0, 500) } : {}) };
    const context = dc.context;
    if (action.kind === 'handoff') {
      await this.person.request(context, {
        reason: state.options.reason ?? action.label,
        priority: action.priority,
        topic: action.id,
        ...(verified ? { verifiedAccount: verified.accountNumber, propertyId: verified.propertyId } : {}),
        ...(contact ? { contact } : {}),
        details,
      });
      return dc.endDialog();
    }
    const { reference } = await this.cases.open(
      {
        kind: 'council_tax_request',
        topic: action.id,
        priority: action.priority,
        channel: context.activity.channelId ?? channelOf(context),
        conversationId: context.activity.conversation.id,
        verified: verified !== undefined,
        ...(verified ? { accountNumber: verified.accountNumber, propertyId: verified.propertyId } : {}),
        ...(contact ? { contact } : {}),
        details,
      },
      this.clock(),
    );
    await context.sendActivity(this.replies.caseOpened(action.id, reference)[channelOf(context)]);
    return dc.endDialog();
  }
}
