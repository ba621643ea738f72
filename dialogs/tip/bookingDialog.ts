/**
 * The details of a van or trailer permit after the address is known: vehicle, registration,
 * tip and time, the no-trade-waste declaration, (on the web) a mobile number for the permit
 * by text, then a summary to confirm. Whatever the resident already said is kept, so each
 * message only asks for what is still missing:
 *
 *   Resident:  van permit for AB12 CDE, 1 High Street DF1 1AA, saturday
 *   Assistant: These times are free on Sat 28 Nov. Which would you like? 1. 8am-12pm Quarry…
 *   Resident:  1
 *   Assistant: Is it household waste only, not from a business or paid work? …
 *
 * Refusals (a closed day, a full slot, an invalid plate) are the council's own words from
 * policy.json, followed by the choices that get round them.
 */
import { ActivityTypes } from 'botbuilder';
import { Dialog, type DialogContext, type DialogReason, type DialogTurnResult } from 'botbuilder-dialogs';
import { parsePhone, parseYesNo } from '../../intents/entities/index.js';
import { dateIn } from '../dates/dateUnderstanding.js';
import { findHouseNumbers } from '../../intents/entities/houseNumber.js';
import { findPostcodes } from '../../intents/entities/postcode.js';
import { findRegistrations } from '../../intents/entities/registration.js';
import { rememberPermit, rememberRegistration, rememberVehicle } from '../memory/residentMemory.js';
import { rightAnswer, wrongAnswer, type QuestionTries } from '../questions/retryPolicy.js';
import type { DayPart } from '../../intents/types.js';
import { addDays, type IsoDate } from '../../services/bins/dates.js';
import type { Refusal, SlotAvailability } from '../../services/tip/permits.js';
import { normaliseRegistration } from '../../services/tip/registration.js';
import type { TipSite } from '../../services/tip/sites.js';
import { ADDRESS_DIALOG, type AddressOptions, type AddressResult } from '../address/addressDialog.js';
import { asChannel, channelOf, SMS, WEB_CHAT, writesShort } from '../../services/channels/channels.js';
import type { MessageId, Messages } from '../content.js';
import { formatDate } from '../format.js';
import { choicesActivity, say } from '../reply.js';
import { parseLength, permitWords } from './permitWords.js';
import { asChoices, bySoonest, offer, windowForDayPart, type OfferedSlot } from './slots.js';
import type { TipServices } from './tipServices.js';
import { jobCompleted } from '../outcomes.js';

export const BOOKING_DIALOG = 'tip.booking';

/** Slots offered at once: SMS lists stay short enough for two texts. */
const OFFER = { web: 6, sms: 4 } as const;
/** How far ahead "the next free times" looks. */
const SEARCH_DAYS = 14;

/**
 * ok: answered; unclear: ask again; explained: a refusal said what to fix; waiting: a question
 * is out; address: another address named at the summary, found by the shared address step.
 */
type Outcome = 'ok' | 'unclear' | 'explained' | 'waiting' | 'ended' | 'address';

type Stage =
  'sameVehicle' | 'vehicle' | 'trailerLength' | 'registration' | 'site' | 'slot' | 'declaration' | 'phone' | 'confirm';
/** The questions asked with one message of their own; the others are built (choices, the summary). */
type QuestionStage = 'registration' | 'declaration' | 'phone';

/** Every message id a question renders, listed so the content check can prove each exists. */
const ASK_ID = {
  registration: 'tip.ask.registration',
  declaration: 'tip.ask.declaration',
  phone: 'tip.ask.phone',
} as const satisfies Record<QuestionStage, string>;
const RETRY_ID = {
  registration: 'tip.ask.registration',
  declaration: 'tip.retry.declaration',
  phone: 'tip.retry.phone',
} as const satisfies Record<QuestionStage, string>;

export interface BookingOptions {
  propertyId: string;
  address: string;
  shortAddress: string;
  vehicle?: { id: string; name: string; trailer: boolean };
  registration?: { value: string; display: string };
  date?: IsoDate;
  dayPart?: DayPart;
  siteId?: string;
  /** The resident's own number on SMS. */
  phone?: string;
  /** The vehicle and registration of a permit booked earlier in this conversation, offered again. */
  remembered?: {
    vehicle: { id: string; name: string; trailer: boolean };
    registration: { value: string; display: string };
  };
  idempotencyKey: string;
}

interface BookingState extends BookingOptions, QuestionTries {
  trailerLengthMetres?: number;
  window?: string;
  declared?: boolean;
  /** null once the resident said they don't want it by text. */
  textTo?: string | null;
  stage?: Stage;
  offered: OfferedSlot[];
}

export class BookingDialog extends Dialog<BookingOptions> {
  constructor(
    private readonly tip: TipServices,
    private readonly messages: Messages,
  ) {
    super(BOOKING_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: BookingOptions): Promise<DialogTurnResult> {
    if (!options) throw new Error('BookingDialog needs the address and what the first message said');
    const state: BookingState = { ...options, offered: [] };
    dc.activeDialog!.state = state;
    if (channelOf(dc.context).residentIdentifiedBy === 'phone') state.textTo = options.phone ?? null;
    return this.next(dc, state);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as BookingState;
    const text = (dc.context.activity.text ?? '').trim();
    const explanations: string[] = [];
    const outcome = await this.understand(dc, state, text, explanations);
    if (outcome === 'ended') return dc.endDialog();
    if (outcome === 'waiting') return Dialog.EndOfTurn;
    if (outcome === 'address') {
      rightAnswer(state);
      return dc.beginDialog(ADDRESS_DIALOG, { instead: text } satisfies AddressOptions);
    }
    if (outcome === 'ok') rightAnswer(state);
    else if ((await wrongAnswer(dc.context, this.messages, state)) === 'person') return dc.endDialog();
    // What was wrong with the answer (an invalid plate) says what to type, so the question is not repeated.
    if (outcome === 'explained') {
      await dc.context.sendActivity(explanations.join('\n'));
      return Dialog.EndOfTurn;
    }
    return this.next(dc, state, outcome === 'unclear');
  }

  /**
   * The address step ended after a change of address at the summary: the permit is for the
   * address found, with every other detail kept, and the summary is shown again. No address
   * (outside the borough, or a person offered after two wrong answers) ends the booking, as the
   * address step has already said why.
   */
  override async resumeDialog(
    dc: DialogContext,
    _reason: DialogReason,
    result?: AddressResult,
  ): Promise<DialogTurnResult> {
    if (!result) return dc.endDialog();
    const state = dc.activeDialog!.state as BookingState;
    Object.assign(state, {
      propertyId: result.property.id,
      address: result.property.label,
      shortAddress: result.property.shortLabel,
    });
    return this.next(dc, state);
  }

  /** "help" mid-booking: the question in progress again, the same as when it was first asked. */
  override async repromptDialog(context: DialogContext['context'], instance: { state: unknown }): Promise<void> {
    const state = instance.state as BookingState;
    const channel = channelOf(context);
    switch (state.stage) {
      case 'sameVehicle':
        await this.askSameVehicle(context, state, 'tip.ask.sameVehicle');
        return;
      case 'slot':
        if (state.offered.length) {
          await context.sendActivity(
            choicesActivity(this.messages.render('tip.askSlot', channel).text, asChoices(state.offered)),
          );
          return;
        }
        break;
      case 'confirm':
        await this.sendSummary(context, state);
        return;
      case 'trailerLength': {
        const eligibility = await this.tip.permits.eligibility({ vehicleType: state.vehicle?.id ?? 'trailer' });
        if (!eligibility.eligible) {
          await context.sendActivity(eligibility.message);
          return;
        }
        break;
      }
      case 'site':
        await this.sendSiteQuestion(context);
        return;
      case 'registration':
      case 'declaration':
      case 'phone':
        await say(context, this.messages, ASK_ID[state.stage]);
        return;
      default:
        break;
    }
    await this.sendVehicleQuestion(context, 'tip.ask.vehicle');
  }

  /**
   * Reads the answer to the question asked. What was wrong with an answer that cannot be used
   * goes into `explanations`, said only if the question is to be asked again.
   */
  private async understand(
    dc: DialogContext,
    state: BookingState,
    text: string,
    explanations: string[],
  ): Promise<Outcome> {
    const { permits, sites } = this.tip;
    switch (state.stage) {
      case 'sameVehicle': {
        const remembered = state.remembered;
        const answer = parseYesNo(text);
        if (remembered && answer === true) {
          Object.assign(state, { vehicle: remembered.vehicle, registration: remembered.registration });
          delete state.remembered;
          return 'ok';
        }
        // "no, the trailer this time", "it's KX19 ABC": whatever the answer says instead.
        const vehicle = await permits.vehicleFromText(text);
        const registration = findRegistrations(text)[0];
        if (answer === null && !vehicle && !registration) return 'unclear';
        delete state.remembered;
        if (vehicle) {
          if (await this.refuseVehicle(dc, vehicle.id)) return 'ended';
          this.setVehicle(state, vehicle.id);
        }
        if (registration) state.registration = { value: registration.value, display: registration.display };
        return 'ok';
      }
      case 'vehicle': {
        const vehicle = await permits.vehicleFromText(text);
        if (!vehicle) return 'unclear';
        if (await this.refuseVehicle(dc, vehicle.id)) return 'ended';
        return this.setVehicle(state, vehicle.id) ? 'ok' : 'unclear';
      }
      case 'trailerLength': {
        const length = parseLength(text);
        if (length === null) return 'unclear';
        state.trailerLengthMetres = length;
        const eligibility = await permits.eligibility({
          vehicleType: state.vehicle?.id ?? 'trailer',
          trailerLengthMetres: length,
        });
        if (!eligibility.eligible) {
          await dc.context.sendActivity(eligibility.message);
          return 'ended';
        }
        return 'ok';
      }
      case 'registration': {
        // "its AB12 CDE", "reg is ab12cde": the plate in the sentence, or the whole reply as one.
        const inSentence = findRegistrations(text)[0];
        const registration = inSentence
          ? { value: inSentence.value, display: inSentence.display }
          : normaliseRegistration(text);
        if (!registration) {
          explanations.push(this.tip.policy.message('invalid_registration', { registration: text.slice(0, 20) }));
          return 'explained';
        }
        state.registration = registration;
        return 'ok';
      }
      case 'site': {
        const site =
          (await sites.list()).find((s) => s.shortName.toLowerCase() === text.toLowerCase()) ??
          (await sites.findSite(text));
        if (!site) return 'unclear';
        state.siteId = site.id;
        this.readWhen(state, text);
        return 'ok';
      }
      case 'slot': {
        const chosen = state.offered.find((o) => o.label.toLowerCase() === text.toLowerCase());
        if (chosen) {
          Object.assign(state, { siteId: chosen.siteId, date: chosen.date, window: chosen.window });
          return 'ok';
        }
        // "morning" alone, when the times offered are all on one day: that day's morning.
        const part = dayPartOnly(text);
        const sameDay = state.offered.every((o) => o.date === state.offered[0]?.date);
        if (part && sameDay && state.offered.length) {
          const allSites = await sites.list();
          const matching = state.offered.filter((o) => {
            const site = allSites.find((s) => s.id === o.siteId);
            return site !== undefined && windowForDayPart(site, part)?.id === o.window;
          });
          if (matching.length === 1 && matching[0]) {
            Object.assign(state, { siteId: matching[0].siteId, date: matching[0].date, window: matching[0].window });
            return 'ok';
          }
        }
        const site = await sites.findSite(text);
        const when = this.readWhen(state, text);
        if (site) state.siteId = site.id;
        return site || when ? 'ok' : 'unclear';
      }
      case 'declaration': {
        const answer = parseYesNo(text);
        if (answer === null) return 'unclear';
        if (!answer) {
          await dc.context.sendActivity(this.tip.policy.message('trade_waste'));
          return 'ended';
        }
        state.declared = true;
        return 'ok';
      }
      case 'phone': {
        if (parseYesNo(text) === false || /^(skip|none|no thanks)$/i.test(text)) {
          state.textTo = null;
          return 'ok';
        }
        const phone = parsePhone(text);
        if (!phone) {
          explanations.push(this.tip.policy.message('invalid_phone', { phone: text.slice(0, 20) }));
          return 'explained';
        }
        state.textTo = phone;
        return 'ok';
      }
      case 'confirm': {
        const answer = /^(book( it)?|confirm)\b/i.test(text) ? true : parseYesNo(text);
        // "make it the morning instead", "the reg is actually AB12 CDF": change it, show the summary again.
        if (answer === null || (answer === false && text.trim().split(/\s+/).length > 2)) {
          if (namesAnotherAddress(text)) return 'address';
          if (await this.correct(state, text)) return 'ok';
          if (answer === null) return 'unclear';
        }
        if (!answer) {
          await say(dc.context, this.messages, 'tip.notBooked');
          return 'ended';
        }
        return this.issue(dc, state);
      }
      default:
        return 'unclear';
    }
  }

  /** Asks for the first thing still missing, or issues when everything is there. */
  private async next(dc: DialogContext, state: BookingState, unclear = false): Promise<DialogTurnResult> {
    if (unclear && (await this.askAgain(dc.context, state))) return Dialog.EndOfTurn;
    const retry = (stage: QuestionStage): MessageId =>
      unclear && state.stage === stage ? RETRY_ID[stage] : ASK_ID[stage];
    const ask = async (stage: QuestionStage, values: Record<string, string> = {}) => {
      const id = retry(stage);
      state.stage = stage;
      await say(dc.context, this.messages, id, values);
      return Dialog.EndOfTurn;
    };

    const sameVehicleNamed = state.vehicle && !state.registration && state.vehicle.id === state.remembered?.vehicle.id;
    if (state.remembered && (!state.vehicle || sameVehicleNamed)) {
      await this.askSameVehicle(
        dc.context,
        state,
        unclear && state.stage === 'sameVehicle' ? 'tip.retry.sameVehicle' : 'tip.ask.sameVehicle',
      );
      return Dialog.EndOfTurn;
    }
    if (!state.vehicle) {
      state.stage = 'vehicle';
      await this.sendVehicleQuestion(dc.context, unclear ? 'tip.retry.vehicle' : 'tip.ask.vehicle');
      return Dialog.EndOfTurn;
    }
    if (state.vehicle.trailer && state.trailerLengthMetres === undefined) {
      state.stage = 'trailerLength';
      // The council's own question ("How long is your trailer? We accept trailers up to 2.5 metres.").
      const eligibility = await this.tip.permits.eligibility({ vehicleType: state.vehicle.id });
      if (!eligibility.eligible) {
        await dc.context.sendActivity(eligibility.message);
        return Dialog.EndOfTurn;
      }
    }
    if (!state.registration) return ask('registration');
    if (!state.siteId || !state.date || !state.window) {
      const slotTurn = await this.askSlot(dc, state);
      if (slotTurn) return slotTurn;
    }
    if (!state.declared) return ask('declaration');
    if (state.textTo === undefined) return ask('phone');
    return this.summarise(dc, state);
  }

  /**
   * Settles the tip, day and window from what is known, checking the day is open and the
   * window has places; otherwise offers the soonest free times. Undefined when all is settled.
   */
  private async askSlot(dc: DialogContext, state: BookingState): Promise<DialogTurnResult | undefined> {
    const channel = channelOf(dc.context);
    const now = this.tip.clock();
    const { today } = this.tip.policy.clock(now);
    const allSites = await this.tip.sites.list();
    const candidates = state.siteId ? allSites.filter((s) => s.id === state.siteId) : allSites;

    if (!state.date) {
      if (!state.siteId && allSites.length > 1) {
        state.stage = 'site';
        await this.sendSiteQuestion(dc.context);
        return Dialog.EndOfTurn;
      }
      return this.offerSlots(
        dc,
        state,
        await this.freeSlots(candidates, today, SEARCH_DAYS, state.dayPart),
        'tip.askSlot',
      );
    }

    // A day is known: what is free that day at the tips in question (and the day part, if said).
    const explanations: string[] = [];
    const free: SlotAvailability[] = [];
    for (const site of candidates) {
      const window = state.window
        ? site.vanWindows.find((w) => w.id === state.window)
        : windowForDayPart(site, state.dayPart);
      const check = await this.tip.policy.checkSlot(
        site.id,
        state.date,
        window?.id ?? site.vanWindows[0]?.id ?? '',
        now,
      );
      if ('ok' in check) {
        explanations.push(check.message);
        continue;
      }
      const available = await this.tip.permits.availableSlots({ siteId: site.id, from: state.date, days: 1, now });
      const wanted = window ? available.filter((s) => s.window === window.id) : available;
      if (window && wanted.length === 0) {
        explanations.push(
          this.tip.policy.message('slot_full', {
            window: window.label,
            site: site.shortName,
            date: formatDate(state.date, WEB_CHAT, now),
          }),
        );
      }
      // A full window still offers the day's other windows.
      free.push(...(wanted.length ? wanted : available));
    }
    const only = free.length === 1 ? free[0] : undefined;
    if (only && explanations.length === 0 && (state.window || state.dayPart) && state.siteId) {
      state.window = only.window;
      return undefined;
    }
    if (free.length > 0) {
      if (explanations.length) await dc.context.sendActivity(explanations.join('\n'));
      return this.offerSlots(dc, state, free, 'tip.askSlotOnDate', { date: formatDate(state.date, channel, now) });
    }
    // Nothing that day: say why, and offer the soonest free times from the next day.
    await dc.context.sendActivity(
      explanations.join('\n') ||
        this.messages.render('tip.noSlotsOnDate', channel, { date: formatDate(state.date, channel, now) }).text,
    );
    const from = addDays(state.date, 1) > today ? addDays(state.date, 1) : today;
    delete state.date;
    delete state.window;
    return this.offerSlots(
      dc,
      state,
      await this.freeSlots(candidates, from, SEARCH_DAYS, undefined),
      'tip.askSlotInstead',
    );
  }

  private async freeSlots(
    sites: TipSite[],
    from: IsoDate,
    days: number,
    dayPart: DayPart | undefined,
  ): Promise<SlotAvailability[]> {
    const now = this.tip.clock();
    const all = (
      await Promise.all(sites.map((s) => this.tip.permits.availableSlots({ siteId: s.id, from, days, now })))
    )
      .flat()
      .sort(bySoonest);
    if (!dayPart) return all;
    const matching = all.filter((slot) => {
      const site = sites.find((s) => s.id === slot.siteId);
      return site !== undefined && windowForDayPart(site, dayPart)?.id === slot.window;
    });
    return matching.length ? matching : all;
  }

  private async offerSlots(
    dc: DialogContext,
    state: BookingState,
    slots: SlotAvailability[],
    messageId: 'tip.askSlot' | 'tip.askSlotOnDate' | 'tip.askSlotInstead',
    values: Record<string, string> = {},
  ) {
    const channel = channelOf(dc.context);
    const now = this.tip.clock();
    state.stage = 'slot';
    state.offered = offer(
      slots.slice(0, OFFER[channel.content]),
      await this.tip.sites.list(),
      channel,
      now,
      messageId === 'tip.askSlotOnDate',
    );
    if (state.offered.length === 0) {
      await say(dc.context, this.messages, 'tip.noSlots');
      return dc.endDialog();
    }
    await dc.context.sendActivity(
      choicesActivity(this.messages.render(messageId, channel, values).text, asChoices(state.offered)),
    );
    return Dialog.EndOfTurn;
  }

  private async summarise(dc: DialogContext, state: BookingState): Promise<DialogTurnResult> {
    state.stage = 'confirm';
    await this.sendSummary(dc.context, state);
    return Dialog.EndOfTurn;
  }

  private async sendSummary(context: DialogContext['context'], state: BookingState): Promise<void> {
    const channel = channelOf(context);
    const site = await this.tip.sites.get(state.siteId ?? '');
    if (!site || !state.registration || !state.vehicle || !state.date || !state.window)
      throw new Error('booking summary before the details are complete');
    const words = permitWords(
      { reference: '', registrationDisplay: state.registration.display, date: state.date, window: state.window },
      state.vehicle.name,
      site,
      channel,
      this.tip.clock(),
    );
    const textLine =
      state.textTo && channel.residentIdentifiedBy === 'nothing'
        ? this.messages.render('tip.summaryText', channel, { phone: state.textTo }).text
        : '';
    await say(context, this.messages, 'tip.summary', {
      ...words,
      address: writesShort(channel) ? state.shortAddress : state.address,
      textLine,
    });
  }

  /** "Is this for the van AB12 CDE again?": what the resident gave for their last permit. */
  private async askSameVehicle(
    context: DialogContext['context'],
    state: BookingState,
    id: 'tip.ask.sameVehicle' | 'tip.retry.sameVehicle',
  ): Promise<void> {
    if (!state.remembered) return;
    state.stage = 'sameVehicle';
    await say(context, this.messages, id, {
      vehicle: state.remembered.vehicle.name,
      registration: state.remembered.registration.display,
    });
  }

  private async sendVehicleQuestion(
    context: DialogContext['context'],
    id: 'tip.ask.vehicle' | 'tip.retry.vehicle',
  ): Promise<void> {
    const channel = channelOf(context);
    const text = this.messages.render(id, channel).text;
    const names = this.tip.policy.permitVehicles().map((v) => v.name);
    await context.sendActivity(
      channel.choices === 'buttons'
        ? choicesActivity(
            text,
            names.map((n) => ({ label: capitalise(n), value: n })),
          )
        : { type: ActivityTypes.Message, text },
    );
  }

  /**
   * The question not understood, asked again in its retry words with the same choices; false
   * for the questions whose retry is the question itself.
   */
  private async askAgain(context: DialogContext['context'], state: BookingState): Promise<boolean> {
    const channel = channelOf(context);
    switch (state.stage) {
      case 'trailerLength':
        await say(context, this.messages, 'tip.retry.trailerLength');
        return true;
      case 'site':
        await this.sendSiteQuestion(context, 'tip.retry.site');
        return true;
      case 'slot':
        if (!state.offered.length) return false;
        await context.sendActivity(
          choicesActivity(this.messages.render('tip.retry.slot', channel).text, asChoices(state.offered)),
        );
        return true;
      case 'confirm':
        await say(context, this.messages, 'tip.retry.confirm');
        return true;
      default:
        return false;
    }
  }

  private async sendSiteQuestion(
    context: DialogContext['context'],
    id: 'tip.ask.site' | 'tip.retry.site' = 'tip.ask.site',
  ): Promise<void> {
    const text = this.messages.render(id, channelOf(context)).text;
    const allSites = await this.tip.sites.list();
    await context.sendActivity(
      choicesActivity(
        text,
        allSites.map((s) => ({ label: s.shortName, value: s.shortName })),
      ),
    );
  }

  /** Issues the permit; a refusal at this point (the slot went meanwhile) offers times again. */
  private async issue(dc: DialogContext, state: BookingState): Promise<Outcome> {
    const channel = channelOf(dc.context);
    const now = this.tip.clock();
    const result = await this.tip.permits.issue({
      propertyId: state.propertyId,
      registration: state.registration?.value ?? '',
      vehicleType: state.vehicle?.id ?? '',
      ...(state.trailerLengthMetres !== undefined && { trailerLengthMetres: state.trailerLengthMetres }),
      siteId: state.siteId ?? '',
      date: state.date ?? '',
      window: state.window ?? '',
      ...(state.textTo ? { phone: state.textTo } : {}),
      channel: dc.context.activity.channelId,
      idempotencyKey: state.idempotencyKey,
      declaredNoTradeWaste: state.declared === true,
      now,
    });
    if (!result.ok) return this.refused(dc, state, result);
    const postcode = findPostcodes(state.address)[0]?.value;
    if (postcode) rememberPermit(dc.context, { reference: result.permit.reference, postcode });
    rememberRegistration(dc.context, { value: result.permit.registration, display: result.permit.registrationDisplay });
    if (state.vehicle) rememberVehicle(dc.context, state.vehicle);

    const site = await this.tip.sites.get(result.permit.siteId);
    if (!site) throw new Error(`permit for unknown site ${result.permit.siteId}`);
    const vehicle = state.vehicle?.name ?? result.permit.vehicleType;
    // Counted even when the permit already existed: a turn run again after a crash never committed its first count.
    jobCompleted(dc.context, 'permit_issued');
    if (channel.residentIdentifiedBy === 'phone') {
      // By text, the confirmation is the permit itself.
      await say(dc.context, this.messages, 'tip.permitText', permitWords(result.permit, vehicle, site, channel, now));
      return 'ended';
    }
    const words = permitWords(result.permit, vehicle, site, channel, now);
    await say(dc.context, this.messages, 'tip.issued', words);
    if (state.textTo) {
      const byText = asChannel(SMS, channel.language);
      const permitText = this.messages.render(
        'tip.permitText',
        byText,
        permitWords(result.permit, vehicle, site, byText, now),
      ).text;
      const outcome = this.tip.texts ? await this.tip.texts.send(state.textTo, permitText) : 'failed';
      await say(
        dc.context,
        this.messages,
        outcome === 'sent' ? 'tip.textSent' : outcome === 'opted_out' ? 'tip.textOptedOut' : 'tip.textNotSent',
        {
          phone: state.textTo,
        },
      );
    }
    return 'ended';
  }

  private async refused(dc: DialogContext, state: BookingState, refusal: Refusal): Promise<Outcome> {
    await dc.context.sendActivity(refusal.message);
    const alternatives = refusal.details.alternatives ?? [];
    if (alternatives.length === 0) return 'ended';
    const channel = channelOf(dc.context);
    delete state.window;
    delete state.date;
    state.stage = 'slot';
    state.offered = offer(alternatives, await this.tip.sites.list(), channel, this.tip.clock());
    // The next message answers the offered times; nothing else needs asking again.
    await dc.context.sendActivity(
      choicesActivity(this.messages.render('tip.askSlotInstead', channel).text, asChoices(state.offered)),
    );
    return 'waiting';
  }

  /**
   * A correction at the summary: a new registration, day or time of day replaces the one
   * given, and the times are checked again for it. True when something was changed.
   */
  private async correct(state: BookingState, text: string): Promise<boolean> {
    let changed = false;
    const registration = findRegistrations(text)[0];
    if (registration && registration.value !== state.registration?.value) {
      state.registration = { value: registration.value, display: registration.display };
      changed = true;
    }
    const date = dateIn(text, this.tip.clock(), { bankHolidays: this.tip.bankHolidays });
    const part = date?.dayPart ?? dayPartIn(text);
    if (date && date.value !== state.date) {
      state.date = date.value;
      delete state.window;
      changed = true;
    }
    if (part && part !== state.dayPart) {
      state.dayPart = part;
      delete state.window;
      changed = true;
    }
    // "can we do northfield instead": a tip named by its name.
    const said = text.toLowerCase();
    const site = (await this.tip.sites.list()).find((s) =>
      said.includes(s.shortName.toLowerCase().replace(/\s+tip$/, '')),
    );
    if (site && site.id !== state.siteId) {
      state.siteId = site.id;
      delete state.window;
      changed = true;
    }
    if (changed) return true;
    // "change the time", "the reg is wrong", "a different tip": that question again, then the summary.
    const field = FIELD_NAMED.find(([pattern]) => pattern.test(text))?.[1];
    if (!field || !CHANGE_WORDS.test(text)) return false;
    if (field === 'when') {
      delete state.date;
      delete state.window;
      delete state.dayPart;
    }
    if (field === 'registration') delete state.registration;
    if (field === 'site') {
      delete state.siteId;
      delete state.window;
    }
    return true;
  }

  /** Reads a day and day part from the text into the state; true when one was found. */
  private readWhen(state: BookingState, text: string): boolean {
    const found = dateIn(text, this.tip.clock(), { bankHolidays: this.tip.bankHolidays });
    if (!found) return false;
    state.date = found.value;
    delete state.window;
    if (found.dayPart) state.dayPart = found.dayPart;
    else delete state.dayPart;
    return true;
  }

  private async refuseVehicle(dc: DialogContext, vehicleType: string): Promise<boolean> {
    const eligibility = await this.tip.permits.eligibility({ vehicleType });
    if (eligibility.eligible || eligibility.reason === 'trailer_length_needed') return false;
    await dc.context.sendActivity(eligibility.message);
    return true;
  }

  private setVehicle(state: BookingState, vehicleType: string): boolean {
    const vehicle = this.tip.policy.vehicle(vehicleType);
    if (!vehicle) return false;
    state.vehicle = { id: vehicle.id, name: vehicle.name, trailer: vehicle.trailer };
    return true;
  }
}

/** A detail of the summary named without its new value ("change the time"), and the words that say it is wrong. */
const FIELD_NAMED: [RegExp, 'when' | 'registration' | 'site'][] = [
  [/\b(reg|registration|number ?plate|plate)\b/i, 'registration'],
  [/\b(tip|site)\b/i, 'site'],
  [/\b(time|slot|day|date|when)\b/i, 'when'],
];
/** "change the address", "wrong house": the address named without the new one. */
const ADDRESS_NAMED = /\b(address|house|property|home)\b/i;

/**
 * A correction at the summary that names another address: a postcode, a numbered street
 * ("no, I meant 22 Mill Lane"), or the address said to be wrong.
 */
function namesAnotherAddress(text: string): boolean {
  if (findPostcodes(text).length > 0 || findHouseNumbers(text).some((h) => /^\d/.test(h.value))) return true;
  return ADDRESS_NAMED.test(text) && CHANGE_WORDS.test(text);
}

const CHANGE_WORDS = /\b(change|wrong|different|another|other|not right|mistake|meant|actually)\b/i;

/** A time of day anywhere in a sentence ("make it the morning instead"). */
function dayPartIn(text: string): DayPart | undefined {
  if (/\b(morning|mornin|am)\b/i.test(text)) return 'morning';
  if (/\b(afternoon|arvo|pm|lunchtime)\b/i.test(text)) return 'afternoon';
  return undefined;
}

function dayPartOnly(text: string): DayPart | undefined {
  const words = text
    .toLowerCase()
    .replace(/[^a-z ]/g, ' ')
    .replace(/\b(the|in|please|a|an|one|slot|then)\b/g, ' ')
    .trim();
  if (/^(morning|am|mornin|morn)$/.test(words)) return 'morning';
  if (/^(afternoon|pm|arvo|lunchtime)$/.test(words)) return 'afternoon';
  return undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
