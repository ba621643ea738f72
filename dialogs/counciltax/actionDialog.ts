/**
 * Does what a council tax answer offered (data/<council>/counciltax/actions.json):
 *
 *   kind "case": asks each question in turn, then opens a case for the council tax team and
 *     gives the HC- reference:
 *       Assistant: Which property is this about?      Resident: 1 High Street DF1 1AA
 *       Assistant: What is your full name?            Resident: Sam Taylor
 *       Assistant: From what date have you been…?     Resident: 1 October
 *       Assistant: What phone number or email…?       Resident: sam@example.com
 *       Assistant: Please check these details: …      Resident: the date is wrong
 *       Assistant: From what date have you been…?     Resident: 1 September
 *       Assistant: Please check these details: …      Resident: yes
 *       Assistant: Thank you. Your reference is HC-123456. We'll be in touch within 10 working days.
 *     The property is not asked when it is already known (the account check, or an address
 *     given earlier in the conversation): every case names the property a person must act on.
 *   kind "handoff": passes the resident to a person through the PersonRequest port, with its
 *     priority, the reason and what is known (asking first how to reach them when the port
 *     needs that).
 *
 * An answer that cannot be used is explained and asked again; a second wrong answer offers a
 * person instead (the shared retry policy, dialogs/questions/retryPolicy.ts).
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { DatePreference } from '../dates/dateUnderstanding.js';
import type { Cases } from '../../services/cases/cases.js';
import type { AddressLookup } from '../../services/addresses/addressLookup.js';
import { matchAddress } from '../../services/addresses/matchAddress.js';
import { parsePostcode } from '../../intents/entities/postcode.js';
import { parseYesNo } from '../../intents/entities/index.js';
import { formatDate, formatPhone } from '../format.js';
import type { Action, ActionField, CouncilTaxReplies } from '../../services/councilTax/replies.js';
import { channelOf, residentPhoneOf, type Channel, type ContentKind } from '../../services/channels/channels.js';
import type { Messages } from '../content.js';
import { rightAnswer, wrongAnswer, offerPerson, type QuestionTries } from '../questions/retryPolicy.js';
import { choicesActivity, say } from '../reply.js';
import { readChoice, readContact, readDate, readText } from './fieldAnswers.js';
import type { PersonRequest } from './personRequest.js';
import { jobCompleted } from '../outcomes.js';

export const ACTION_DIALOG = 'counciltax.action';

/** Dates that look back: "since 1 October" is this autumn, not next year's. Others look ahead. */
const DATE_PREFERENCE: Record<string, DatePreference> = { onlyAdultSince: 'past' };
const CONTACT_FIELD = 'contact';
/** How many times the details can be corrected before the resident is given the phone number. */
const MAX_CORRECTIONS = 5;
/** Words a resident may use for a detail of each type ("the date is wrong"). */
const TYPE_WORDS: Record<ActionField['type'], string[]> = {
  date: ['date', 'when', 'day'],
  contact: ['contact', 'phone', 'number', 'email', 'mobile'],
  property: ['address', 'property', 'house', 'postcode'],
  address: ['address', 'postcode'],
  choice: [],
  text: [],
};

/** Where a case is noted for the agent console (the handoff's collected context). */
export type CaseMemory = (
  context: TurnContext,
  partial: { references: string[]; propertyId?: string; address?: string },
) => Promise<void>;

export interface ActionOptions {
  actionId: string;
  /** The account the resident proved they hold in this conversation. */
  verified?: { accountNumber: string; propertyId: string };
  /** For a handoff: why, in the agent's words; the action's label when not given. */
  reason?: string;
  /** What the resident said that led here, for the person who picks it up. */
  said?: string;
  /** A property the resident already named in this conversation (a band question, say). */
  property?: { id: string; address: string };
}

interface ActionState extends QuestionTries {
  options: ActionOptions;
  index: number;
  answers: Record<string, string>;
  /** The property the case is about, once known. */
  propertyId?: string;
  /** 'confirm': the answers have been read back; 'which': asked which one to change. */
  stage?: 'confirm' | 'which';
  /** Set while one answer is being corrected: back to the read-back after it. */
  correcting?: boolean;
  corrections: number;
}

export class ActionDialog extends Dialog<ActionOptions> {
  constructor(
    private readonly replies: CouncilTaxReplies,
    private readonly cases: Cases,
    private readonly addresses: AddressLookup,
    private readonly person: PersonRequest,
    private readonly messages: Messages,
    private readonly clock: () => Date,
    private readonly remember?: CaseMemory,
  ) {
    super(ACTION_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: ActionOptions): Promise<DialogTurnResult> {
    if (!options) throw new Error('ActionDialog needs the action to do');
    const state: ActionState = { options, index: 0, answers: {}, corrections: 0 };
    const known = options.verified ? await this.addresses.getProperty(options.verified.propertyId) : null;
    const property = known ? { id: known.id, address: known.label } : options.property;
    if (property) {
      state.propertyId = property.id;
      state.answers.property = property.address;
    }
    dc.activeDialog!.state = state;
    return this.next(dc, state);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as ActionState;
    if (state.stage) return this.checkDetails(dc, state);
    const field = this.fields(dc.context, state)[state.index];
    if (!field) return this.finish(dc, state);
    const value = await this.read(dc.context, state, field, dc.context.activity.text ?? '');
    if (value === null) {
      if ((await wrongAnswer(dc.context, this.messages, state)) === 'person') return dc.endDialog();
      await this.explain(dc.context, field);
      return Dialog.EndOfTurn;
    }
    state.answers[field.id] = value;
    state.index += 1;
    rightAnswer(state);
    if (state.correcting) {
      state.correcting = false;
      return this.readBack(dc, state);
    }
    return this.next(dc, state);
  }

  /** The answers read back, for the resident to confirm or correct before anything is opened. */
  private async readBack(dc: DialogContext, state: ActionState): Promise<DialogTurnResult> {
    const channel = channelOf(dc.context);
    const lines = this.fields(dc.context, state)
      .filter((field) => state.answers[field.id] !== undefined)
      .map((field) => `${field.label}: ${this.shown(field, state.answers[field.id] ?? '', channel)}`);
    state.stage = 'confirm';
    await say(dc.context, this.messages, 'counciltax.readBack', {
      details: channel.text === 'markdown' ? lines.map((l) => `- ${l}`).join('\n') : lines.join('; '),
    });
    return Dialog.EndOfTurn;
  }

  private shown(field: ActionField, value: string, channel: Channel): string {
    if (field.type === 'date') return formatDate(value, channel, this.clock());
    if (field.type === 'contact') return formatPhone(value);
    return value;
  }

  /** "yes" opens the case; a detail named ("the date", "my name") is asked again. */
  private async checkDetails(dc: DialogContext, state: ActionState): Promise<DialogTurnResult> {
    const text = dc.context.activity.text ?? '';
    const fields = this.fields(dc.context, state);
    if (state.stage === 'confirm' && parseYesNo(text) === true && !/change|wrong/i.test(text))
      return this.finish(dc, state);
    const named = this.fieldNamed(fields, text);
    if (!named) {
      // Asked which detail to change and still not told: a wrong answer like any other.
      if (state.stage === 'which' && (await wrongAnswer(dc.context, this.messages, state)) === 'person')
        return dc.endDialog();
      state.corrections += 1;
      if (state.corrections > MAX_CORRECTIONS) {
        await offerPerson(dc.context, this.messages);
        return dc.endDialog();
      }
      state.stage = 'which';
      const channel = channelOf(dc.context);
      const text = this.messages.render('counciltax.whichToChange', channel, {
        fields: fields.map((f) => f.label).join(', '),
      }).text;
      await dc.context.sendActivity(
        channel.choices === 'buttons'
          ? choicesActivity(
              text,
              fields.map((f) => ({ label: f.label, value: f.label })),
            )
          : text,
      );
      return Dialog.EndOfTurn;
    }
    state.corrections += 1;
    delete state.stage;
    state.correcting = true;
    state.index = fields.indexOf(named);
    if (named.type === 'property') delete state.propertyId;
    await this.ask(dc.context, named);
    return Dialog.EndOfTurn;
  }

  /** The detail a correction names, by its label's words or the words for its type. */
  private fieldNamed(fields: ActionField[], text: string): ActionField | undefined {
    const said = text
      .toLowerCase()
      .replace(/[^a-z0-9 ]/g, ' ')
      .split(/\s+/)
      .filter((w) => w.length > 2);
    const exact = fields.find((f) => f.label.toLowerCase() === text.trim().toLowerCase());
    if (exact) return exact;
    const byLabel = fields.filter((f) =>
      f.label
        .toLowerCase()
        .split(/\s+/)
        .some((w) => w.length > 2 && said.includes(w)),
    );
    if (byLabel.length === 1) return byLabel[0];
    const byType = fields.filter((f) => TYPE_WORDS[f.type].some((w) => said.includes(w)));
    if (byType.length === 1) return byType[0];
    if (said.includes('name')) return fields.find((f) => f.id === 'name');
    return undefined;
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
    // A field carries its question for every kind of channel, as the council's actions do.
    const ask = (content: ContentKind) =>
      this.messages.render('counciltax.handoff.askContact', { ...channelOf(context), content }).text;
    return [{ id: CONTACT_FIELD, type: 'contact', label: 'Contact', web: ask('web'), sms: ask('sms') }];
  }

  private async next(dc: DialogContext, state: ActionState): Promise<DialogTurnResult> {
    const fields = this.fields(dc.context, state);
    // A property already known (an earlier answer, or an address in the borough) is not asked again.
    while (
      fields[state.index]?.type === 'property' &&
      (state.answers[fields[state.index]?.id ?? ''] !== undefined || state.propertyId)
    )
      state.index += 1;
    const field = fields[state.index];
    if (!field) return this.action(state).kind === 'case' ? this.readBack(dc, state) : this.finish(dc, state);
    await this.ask(dc.context, field);
    return Dialog.EndOfTurn;
  }

  private async ask(context: TurnContext, field: ActionField): Promise<void> {
    const channel = channelOf(context);
    // By SMS the question itself lists the options (numbered lists of "1st, 8th…" would make "8" ambiguous).
    if (field.type === 'choice' && field.options && channel.choices === 'buttons') {
      await context.sendActivity(
        choicesActivity(
          field.web,
          field.options.map((o) => ({ label: o, value: o })),
        ),
      );
      return;
    }
    await context.sendActivity({
      type: ActivityTypes.Message,
      text: field[channel.content],
      inputHint: 'expectingInput',
    });
  }

  private async read(
    context: TurnContext,
    state: ActionState,
    field: ActionField,
    text: string,
  ): Promise<string | null> {
    switch (field.type) {
      case 'property': {
        const property = await this.findProperty(text);
        if (!property) return null;
        state.propertyId = property.id;
        return property.label;
      }
      case 'date':
        return readDate(text, this.clock(), DATE_PREFERENCE[field.id] ?? 'future');
      case 'contact':
        return readContact(text, residentPhoneOf(context));
      case 'choice':
        return readChoice(text, field.options ?? []);
      case 'address': {
        const typed = readText(text, 6);
        // Moving within or out of the borough: the address here is the property the case is about.
        if (typed && !state.propertyId) state.propertyId = (await this.findProperty(typed))?.id;
        return typed;
      }
      case 'text':
        return readText(text, 2);
    }
  }

  /** The borough's property at an address typed with its postcode, when exactly one matches. */
  private async findProperty(text: string) {
    const postcode = parsePostcode(text);
    if (!postcode) return null;
    const found = matchAddress(await this.addresses.findByPostcode(postcode), text);
    return found.kind === 'one' ? found.property : null;
  }

  private async explain(context: TurnContext, field: ActionField): Promise<void> {
    const channel = channelOf(context);
    switch (field.type) {
      case 'property':
        return say(context, this.messages, 'counciltax.field.badProperty');
      case 'date':
        return say(context, this.messages, 'counciltax.field.badDate');
      case 'contact':
        return say(context, this.messages, 'counciltax.field.badContact');
      case 'choice': {
        const options = field.options ?? [];
        const text = this.messages.render('counciltax.field.badChoice', channel, { options: options.join(', ') }).text;
        await context.sendActivity(
          channel.choices === 'buttons'
            ? choicesActivity(
                text,
                options.map((o) => ({ label: o, value: o })),
              )
            : text,
        );
        return;
      }
      default:
        return say(context, this.messages, 'counciltax.field.badText', { question: field[channel.content] });
    }
  }

  private async finish(dc: DialogContext, state: ActionState): Promise<DialogTurnResult> {
    const action = this.action(state);
    const { verified, said } = state.options;
    const { [CONTACT_FIELD]: contact, ...answers } = state.answers;
    const propertyId = verified?.propertyId ?? state.propertyId;
    const details: Record<string, string> = { ...answers, ...(said ? { said: said.slice(0, 500) } : {}) };
    const context = dc.context;
    if (action.kind === 'handoff') {
      await this.person.request(context, {
        reason: state.options.reason ?? action.label,
        priority: action.priority,
        topic: action.id,
        ...(verified ? { verifiedAccount: verified.accountNumber } : {}),
        ...(propertyId ? { propertyId } : {}),
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
        ...(verified ? { accountNumber: verified.accountNumber } : {}),
        ...(propertyId ? { propertyId } : {}),
        ...(contact ? { contact } : {}),
        details,
      },
      this.clock(),
    );
    await this.remember?.(context, {
      references: [reference],
      ...(propertyId ? { propertyId } : {}),
      ...(answers.property ? { address: answers.property } : {}),
    });
    await context.sendActivity(this.replies.caseOpened(action.id, reference)[channelOf(context).content]);
    jobCompleted(context, 'council_tax_request_made');
    return dc.endDialog();
  }
}
