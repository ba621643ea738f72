/**
 * A permit already booked: see it, list them, cancel it (its place and visit are given back),
 * move it to another time, change the registration, or send it again. Only the number that
 * booked it (by SMS) or its reference with the address's postcode can reach it; anyone else
 * gets the same "not found" as for no permit at all.
 */
import { TooManyAttempts } from '../../services/tooManyAttempts.js';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { parsePostcode, parseReference, parseYesNo } from '../../intents/entities/index.js';
import { dateIn } from '../dates/dateUnderstanding.js';
import type { Permit, PermitCredentials } from '../../services/tip/permits.js';
import { normaliseRegistration } from '../../services/tip/registration.js';
import { channelOf, residentPhoneOf, writesShort, type Channel } from '../../services/channels/channels.js';
import type { MessageId, Messages } from '../content.js';
import { InterruptibleDialog } from '../interruptions.js';
import { rememberedPermit, rememberPermit } from '../memory/residentMemory.js';
import { rightAnswer, wrongAnswer, type QuestionTries } from '../questions/retryPolicy.js';
import type { JobOptions } from '../mainDialog.js';
import { choicesActivity, say } from '../reply.js';
import { entityOf } from '../understanding.js';
import { permitWords } from './permitWords.js';
import { asChoices, bySoonest, offer, type OfferedSlot } from './slots.js';
import type { TipServices } from './tipServices.js';
import { jobCompleted } from '../outcomes.js';

export const MANAGE_PERMIT_DIALOG = 'tip.managePermit';
const STEPS = 'tip.managePermit.steps';

type Action = 'status' | 'list' | 'cancel' | 'date' | 'registration' | 'resend';
type Stage = 'reference' | 'postcode' | 'choosePermit' | 'action' | 'confirmCancel' | 'slot' | 'registration';

/** The message ids each question uses, listed so the compiler checks every one exists. */
const ASK_ID = {
  reference: 'tip.manage.ask.reference',
  postcode: 'tip.manage.ask.postcode',
} as const satisfies Partial<Record<Stage, MessageId>>;
const RETRY_ID = {
  reference: 'tip.manage.retry.reference',
  postcode: 'tip.manage.retry.postcode',
  choosePermit: 'tip.manage.retry.choosePermit',
  confirmCancel: 'tip.manage.retry.confirmCancel',
  slot: 'tip.manage.retry.slot',
} as const satisfies Partial<Record<Stage, MessageId>>;
const ACTION_ID = {
  cancel: 'tip.manage.action.cancel',
  date: 'tip.manage.action.date',
  registration: 'tip.manage.action.registration',
  resend: 'tip.manage.action.resend',
} as const satisfies Record<string, MessageId>;

interface ManageState extends QuestionTries {
  action: Action;
  stage?: Stage;
  reference?: string;
  credentials?: PermitCredentials;
  offered: OfferedSlot[];
  /** A day the first message named for the change. */
  day?: string;
}

const ACTION_WORDS: [RegExp, Action][] = [
  [/\bcancel|\bdelete|\bscrap|call (it|that) off|don'?t (need|want) (it|that|the|this)|get rid of/i, 'cancel'],
  [/\b(reg|registration|number ?plate|plate|vehicle|different (van|car))\b/i, 'registration'],
  [/\b(change|move|another|different|rebook|re-book)\b.*\b(day|date|time|slot)\b|\b(change|move|rebook)\b/i, 'date'],
  [/\b(resend|send .*again|lost|text .*again)\b/i, 'resend'],
  [/\b(list|all|what permits|my permits)\b/i, 'list'],
];

const NO_REFERENCE =
  /\b(don'?t|dont|do not|haven'?t|havent|have not|never) (have|know|got|remember|get)\b|\b(lost|forgot|forgotten|can'?t find|cant find|no idea|not sure)\b/i;

export function actionIn(text: string): Action | undefined {
  return ACTION_WORDS.find(([pattern]) => pattern.test(text))?.[1];
}

/** Words that point back at something just said: "cancel THAT", "move IT", "scrap the booking". */
const POINTS_BACK =
  /\b(that|it|this|booking|permit|one)\b|^\W*(no|actually|wait|oh|sorry|hang on|on second thoughts?)\b/i;

/**
 * Whether a message asks to do something to the permit the conversation has just booked or
 * shown ("actually can i cancel that", "scrap that booking", "no wait, cancel", "move it to
 * friday"): read by what the conversation just did, whatever the intent model makes of it.
 */
export function actsOnPermitJustHandled(text: string, context: TurnContext): boolean {
  if (!rememberedPermit(context)) return false;
  const action = actionIn(text);
  return action !== undefined && action !== 'list' && action !== 'status' && POINTS_BACK.test(text);
}

export class ManagePermitDialog extends InterruptibleDialog {
  constructor(tip: TipServices, messages: Messages) {
    super(MANAGE_PERMIT_DIALOG, messages);
    this.addDialog(new ManageSteps(tip, messages));
    this.initialDialogId = STEPS;
  }
}

class ManageSteps extends Dialog<JobOptions> {
  constructor(
    private readonly tip: TipServices,
    private readonly messages: Messages,
  ) {
    super(STEPS);
  }

  override async beginDialog(dc: DialogContext, options?: JobOptions): Promise<DialogTurnResult> {
    const text = options?.understanding.text ?? '';
    const state: ManageState = { action: actionIn(text) ?? 'status', offered: [] };
    // "change my booking to next friday": the day asked is kept for the times offered.
    const day = dateIn(text, this.tip.clock(), { bankHolidays: this.tip.bankHolidays })?.value;
    if (day) state.day = day;
    dc.activeDialog!.state = state;
    const reference = parseReference(text, 'permitRef') ?? undefined;
    if (reference) state.reference = reference;
    const postcode = entityOf(options?.understanding, 'postcode')?.value;

    // "actually can I cancel that" straight after booking or seeing one: that permit.
    const justHandled = rememberedPermit(dc.context);
    const phone = residentPhoneOf(dc.context);
    if (phone) {
      const mine = (await this.tip.permits.findForPhone(phone)).filter(
        (p) => p.status === 'booked' && p.date >= this.today(),
      );
      const wanted = reference ?? justHandled?.reference;
      const chosen =
        (wanted ? mine.find((p) => p.reference === wanted) : undefined) ??
        (!reference && mine.length === 1 ? mine[0] : undefined);
      if (chosen) {
        state.reference = chosen.reference;
        state.credentials = { phone };
        return this.act(dc, state, chosen);
      }
      if (!chosen && !reference && mine.length > 1) return this.choosePermit(dc, state, mine);
      if (!reference) {
        await say(dc.context, this.messages, 'tip.manage.noneForPhone');
        return this.ask(dc, state, 'reference');
      }
    }
    if (!state.reference && justHandled) {
      state.reference = justHandled.reference;
      return justHandled.postcode
        ? this.withPostcode(dc, state, justHandled.postcode)
        : this.ask(dc, state, 'postcode');
    }
    if (!state.reference) return this.ask(dc, state, 'reference');
    if (postcode) return this.withPostcode(dc, state, postcode);
    return this.ask(dc, state, 'postcode');
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as ManageState;
    const text = (dc.context.activity.text ?? '').trim();
    switch (state.stage) {
      case 'reference': {
        const reference = parseReference(text, 'permitRef');
        // "I don't have it": where to find it, and how to reach a person, instead of the format again.
        if (!reference && NO_REFERENCE.test(text)) {
          await say(dc.context, this.messages, 'tip.manage.noReference');
          return dc.endDialog();
        }
        if (!reference) return this.again(dc, state, 'reference');
        state.reference = reference;
        const postcode = parsePostcode(text);
        return postcode ? this.withPostcode(dc, state, postcode) : this.ask(dc, state, 'postcode');
      }
      case 'postcode': {
        const postcode = parsePostcode(text);
        return postcode ? this.withPostcode(dc, state, postcode) : this.again(dc, state, 'postcode');
      }
      case 'choosePermit': {
        const reference = parseReference(text, 'permitRef');
        const phone = residentPhoneOf(dc.context);
        const permit =
          reference && phone
            ? (await this.tip.permits.findForPhone(phone)).find((p) => p.reference === reference)
            : undefined;
        if (!permit || !phone) return this.again(dc, state, 'choosePermit');
        Object.assign(state, { reference: permit.reference, credentials: { phone } });
        return this.act(dc, state, permit);
      }
      case 'action': {
        const action = actionIn(text);
        if (!action || action === 'status' || action === 'list') {
          if ((await wrongAnswer(dc.context, this.messages, state)) === 'person') return dc.endDialog();
          return this.askAction(dc, state, 'tip.manage.retry.action');
        }
        state.action = action;
        return this.act(dc, state, await this.current(state));
      }
      case 'confirmCancel': {
        const answer = parseYesNo(text);
        if (answer === null) return this.again(dc, state, 'confirmCancel');
        if (!answer) {
          await say(dc.context, this.messages, 'tip.manage.kept');
          return dc.endDialog();
        }
        const result = await this.tip.permits.cancel(
          state.reference ?? '',
          state.credentials ?? { phone: '' },
          this.tip.clock(),
        );
        if (!result.ok) await dc.context.sendActivity(result.message);
        else {
          await say(dc.context, this.messages, 'tip.manage.cancelled', { reference: result.permit.reference });
          jobCompleted(dc.context, 'permit_cancelled');
        }
        return dc.endDialog();
      }
      case 'slot': {
        const chosen = state.offered.find((o) => o.label.toLowerCase() === text.toLowerCase());
        const permit = await this.current(state);
        if (!permit) return this.notFound(dc);
        if (!chosen) {
          const day = dateIn(text, this.tip.clock(), { bankHolidays: this.tip.bankHolidays });
          if (!day) return this.again(dc, state, 'slot');
          return this.offerSlots(dc, state, permit, day.value);
        }
        const result = await this.tip.permits.changeDate(
          permit.reference,
          state.credentials ?? { phone: '' },
          { date: chosen.date, window: chosen.window, siteId: chosen.siteId },
          this.tip.clock(),
        );
        if (!result.ok) {
          await dc.context.sendActivity(result.message);
          return this.offerSlots(dc, state, permit);
        }
        await this.show(dc, 'tip.manage.changed', result.permit);
        jobCompleted(dc.context, 'permit_changed');
        return dc.endDialog();
      }
      case 'registration': {
        if (!normaliseRegistration(text)) {
          if ((await wrongAnswer(dc.context, this.messages, state)) === 'person') return dc.endDialog();
          await dc.context.sendActivity(
            this.tip.policy.message('invalid_registration', { registration: text.slice(0, 20) }),
          );
          return Dialog.EndOfTurn;
        }
        const result = await this.tip.permits.changeRegistration(
          state.reference ?? '',
          state.credentials ?? { phone: '' },
          text,
          this.tip.clock(),
        );
        if (!result.ok) await dc.context.sendActivity(result.message);
        else {
          await this.show(dc, 'tip.manage.changed', result.permit);
          jobCompleted(dc.context, 'permit_changed');
        }
        return dc.endDialog();
      }
      default:
        return dc.endDialog();
    }
  }

  private async withPostcode(dc: DialogContext, state: ManageState, postcode: string): Promise<DialogTurnResult> {
    let permit: Permit | null;
    try {
      permit = await this.tip.permits.findByReference(state.reference ?? '', postcode);
    } catch (error) {
      if (!(error instanceof TooManyAttempts)) throw error;
      await say(dc.context, this.messages, 'tip.manage.tooManyLookups');
      return dc.endDialog();
    }
    if (!permit) return this.notFound(dc);
    state.credentials = { postcode };
    return this.act(dc, state, permit);
  }

  private async act(dc: DialogContext, state: ManageState, permit: Permit | null): Promise<DialogTurnResult> {
    if (!permit) return this.notFound(dc);
    rightAnswer(state);
    // The permit in front of the resident now, for a "cancel that" that follows.
    rememberPermit(dc.context, {
      reference: permit.reference,
      ...(state.credentials && 'postcode' in state.credentials ? { postcode: state.credentials.postcode } : {}),
    });
    const channel = channelOf(dc.context);
    if (permit.status === 'cancelled') {
      await dc.context.sendActivity(this.tip.policy.message('already_cancelled', { reference: permit.reference }));
      return dc.endDialog();
    }
    switch (state.action) {
      case 'cancel':
        state.stage = 'confirmCancel';
        await this.show(dc, 'tip.manage.confirmCancel', permit);
        return Dialog.EndOfTurn;
      case 'date':
        return this.offerSlots(dc, state, permit, state.day);
      case 'registration':
        state.stage = 'registration';
        await say(dc.context, this.messages, 'tip.manage.askRegistration');
        return Dialog.EndOfTurn;
      case 'resend':
        await this.show(dc, 'tip.permitText', permit, channel);
        return dc.endDialog();
      default:
        await this.show(dc, 'tip.manage.status', permit);
        return this.askAction(dc, state, 'tip.manage.what');
    }
  }

  /**
   * What to do with the permit, as choices: on SMS a number, never the word CANCEL, which
   * carriers and Twilio treat as an opt-out from all texts.
   */
  private async askAction(
    dc: DialogContext,
    state: ManageState,
    messageId: 'tip.manage.what' | 'tip.manage.retry.action',
  ): Promise<DialogTurnResult> {
    state.stage = 'action';
    await this.sendActions(dc.context, messageId);
    return Dialog.EndOfTurn;
  }

  private async sendActions(
    context: DialogContext['context'],
    messageId: 'tip.manage.what' | 'tip.manage.retry.action',
  ): Promise<void> {
    const channel = channelOf(context);
    const choices = (['cancel', 'date', 'registration', 'resend'] as const).map((a) => {
      const label = this.messages.render(ACTION_ID[a], channel).text;
      return { label, value: label };
    });
    await context.sendActivity(choicesActivity(this.messages.render(messageId, channel).text, choices));
  }

  /** "help" mid-question: the question in progress again, with its choices. */
  override async repromptDialog(context: DialogContext['context'], instance: { state: unknown }): Promise<void> {
    const state = instance.state as ManageState;
    const channel = channelOf(context);
    switch (state.stage) {
      case 'reference':
      case 'postcode':
        await say(context, this.messages, ASK_ID[state.stage]);
        return;
      case 'action':
        await this.sendActions(context, 'tip.manage.what');
        return;
      case 'slot':
        await context.sendActivity(
          choicesActivity(this.messages.render('tip.manage.askSlot', channel).text, asChoices(state.offered)),
        );
        return;
      case 'registration':
        await say(context, this.messages, 'tip.manage.askRegistration');
        return;
      case 'confirmCancel': {
        const permit = await this.current(state);
        if (permit) await this.show(context, 'tip.manage.confirmCancel', permit);
        return;
      }
      case 'choosePermit': {
        const phone = residentPhoneOf(context);
        const mine = phone
          ? (await this.tip.permits.findForPhone(phone)).filter((p) => p.status === 'booked' && p.date >= this.today())
          : [];
        await this.sendPermitChoices(context, mine);
        return;
      }
      default:
        return;
    }
  }

  private async offerSlots(
    dc: DialogContext,
    state: ManageState,
    permit: Permit,
    from?: string,
  ): Promise<DialogTurnResult> {
    const channel = channelOf(dc.context);
    const now = this.tip.clock();
    const slots = (
      await this.tip.permits.availableSlots({ siteId: permit.siteId, from: from ?? this.today(), days: 14, now })
    )
      .filter((s) => !(s.date === permit.date && s.window === permit.window))
      .sort(bySoonest)
      .slice(0, writesShort(channel) ? 4 : 6);
    state.stage = 'slot';
    state.offered = offer(slots, await this.tip.sites.list(), channel, now);
    if (state.offered.length === 0) {
      await say(dc.context, this.messages, 'tip.noSlots');
      return dc.endDialog();
    }
    await dc.context.sendActivity(
      choicesActivity(this.messages.render('tip.manage.askSlot', channel).text, asChoices(state.offered)),
    );
    return Dialog.EndOfTurn;
  }

  private async choosePermit(dc: DialogContext, state: ManageState, permits: Permit[]): Promise<DialogTurnResult> {
    state.stage = 'choosePermit';
    await this.sendPermitChoices(dc.context, permits);
    return Dialog.EndOfTurn;
  }

  private async sendPermitChoices(context: DialogContext['context'], permits: Permit[]): Promise<void> {
    const channel = channelOf(context);
    const sites = await this.tip.sites.list();
    const choices = permits.slice(0, 9).map((p) => {
      const site = sites.find((s) => s.id === p.siteId);
      const words = site ? permitWords(p, '', site, channel, this.tip.clock()) : undefined;
      return { label: words ? `${p.reference} ${words.date} ${words.site}` : p.reference, value: p.reference };
    });
    await context.sendActivity(choicesActivity(this.messages.render('tip.manage.choosePermit', channel).text, choices));
  }

  private async show(
    at: DialogContext | DialogContext['context'],
    id: 'tip.manage.changed' | 'tip.manage.confirmCancel' | 'tip.permitText' | 'tip.manage.status',
    permit: Permit,
    channel?: Channel,
  ): Promise<void> {
    const context = 'context' in at ? at.context : at;
    const site = await this.tip.sites.get(permit.siteId);
    if (!site) throw new Error(`permit for unknown site ${permit.siteId}`);
    const vehicle = this.tip.policy.vehicle(permit.vehicleType)?.name ?? permit.vehicleType;
    await say(
      context,
      this.messages,
      id,
      permitWords(permit, vehicle, site, channel ?? channelOf(context), this.tip.clock()),
    );
  }

  private async current(state: ManageState): Promise<Permit | null> {
    const credentials = state.credentials;
    if (!credentials || !state.reference) return null;
    if ('postcode' in credentials) return this.tip.permits.findByReference(state.reference, credentials.postcode);
    return (
      (await this.tip.permits.findForPhone(credentials.phone)).find((p) => p.reference === state.reference) ?? null
    );
  }

  private async ask(dc: DialogContext, state: ManageState, stage: keyof typeof ASK_ID): Promise<DialogTurnResult> {
    rightAnswer(state);
    state.stage = stage;
    await say(dc.context, this.messages, ASK_ID[stage]);
    return Dialog.EndOfTurn;
  }

  /** A wrong answer: explained and asked again, or (the shared retry policy) a person offered. */
  private async again(dc: DialogContext, state: ManageState, stage: keyof typeof RETRY_ID): Promise<DialogTurnResult> {
    if ((await wrongAnswer(dc.context, this.messages, state)) === 'person') return dc.endDialog();
    await say(dc.context, this.messages, RETRY_ID[stage]);
    return Dialog.EndOfTurn;
  }

  private async notFound(dc: DialogContext): Promise<DialogTurnResult> {
    await dc.context.sendActivity(this.tip.policy.message('not_found'));
    return dc.endDialog();
  }

  private today(): string {
    return this.tip.policy.clock(this.tip.clock()).today;
  }
}
