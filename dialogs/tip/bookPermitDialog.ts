/**
 * "I need a van permit for the tip": refuses a vehicle that cannot have one before asking
 * anything else, finds the address (the same step as bin days), checks the household still
 * has visits left, then gathers the details (BookingDialog) and issues a TP- permit.
 */
import type { TurnContext } from 'botbuilder';
import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { escapeRegExp } from '../../intents/entities/words.js';
import type { AddressLookup } from '../../services/addresses/addressLookup.js';
import { ADDRESS_DIALOG, AddressDialog, type AddressResult } from '../address/addressDialog.js';
import { residentPhoneOf } from '../../services/channels/channels.js';
import type { Messages } from '../content.js';
import { dateIn } from '../dates/dateUnderstanding.js';
import { InterruptibleDialog } from '../interruptions.js';
import { rememberedPermit, rememberedRegistration, rememberedVehicle } from '../memory/residentMemory.js';
import { actionIn } from './managePermitDialog.js';
import type { JobOptions } from '../mainDialog.js';
import { entityOf, type Understanding } from '../understanding.js';
import { BOOKING_DIALOG, BookingDialog, type BookingOptions } from './bookingDialog.js';
import { sendPermitAnswers } from './permitQuestions.js';
import { SiteInfoDialog } from './siteInfoDialog.js';
import type { TipServices } from './tipServices.js';

export const BOOK_PERMIT_DIALOG = 'tip.bookPermit';

/** "and another one next saturday", "can i book the tip again": one more, of the same. */
const ANOTHER = /\b(another|one more|again|same again)\b/i;

/**
 * Whether a message asks for one more permit right after one was booked or shown in this
 * conversation, whatever the intent model makes of "and another one for saturday".
 */
export function asksForAnotherPermit(text: string, context: TurnContext): boolean {
  return rememberedPermit(context) !== undefined && ANOTHER.test(text) && actionIn(text) === undefined;
}
const STEPS = 'tip.bookPermit.steps';

interface BookValues {
  understanding?: Understanding;
  vehicle?: { id: string; name: string; trailer: boolean };
}

export class BookPermitDialog extends InterruptibleDialog {
  private readonly siteInfo: SiteInfoDialog;
  constructor(
    addresses: AddressLookup,
    private readonly tip: TipServices,
    messages: Messages,
  ) {
    super(BOOK_PERMIT_DIALOG, messages);
    this.addDialog(new AddressDialog(addresses, messages));
    this.addDialog(new BookingDialog(tip, messages));
    this.siteInfo = new SiteInfoDialog(tip, messages);
    this.addDialog(
      new WaterfallDialog(STEPS, [this.vehicleAndAddress.bind(this), this.details.bind(this), this.done.bind(this)]),
    );
    this.initialDialogId = STEPS;
  }

  private async vehicleAndAddress(step: WaterfallStepContext) {
    const { understanding } = step.options as Partial<JobOptions>;
    const values = step.values as BookValues;
    values.understanding = understanding;
    // "do I need a permit for my pickup?", "how much is a van permit?": answered, then booking offered.
    if (
      await sendPermitAnswers(step.context, this.tip, this.messages, understanding, (date, channel) =>
        this.siteInfo.openingLines(date, channel),
      )
    ) {
      return step.endDialog();
    }
    const named = understanding ? await this.tip.permits.vehicleFromText(understanding.text) : null;
    if (named) {
      const eligibility = await this.tip.permits.eligibility({ vehicleType: named.id });
      // A trailer's length is asked later; every other refusal is final, so said at once.
      if (!eligibility.eligible && eligibility.reason !== 'trailer_length_needed') {
        await step.context.sendActivity(eligibility.message);
        return step.endDialog();
      }
      values.vehicle = { id: named.id, name: named.name, trailer: this.tip.policy.vehicle(named.id)?.trailer === true };
    }
    return step.beginDialog(ADDRESS_DIALOG, { understanding });
  }

  private async details(step: WaterfallStepContext) {
    const found = step.result as AddressResult | undefined;
    if (!found) return step.endDialog();
    const values = step.values as BookValues;
    const now = this.tip.clock();
    const { today } = this.tip.policy.clock(now);

    // Used up until after the booking horizon: nothing bookable, so say so before any question.
    const visits = await this.tip.permits.visitsUsed(found.property.id, now);
    if (
      visits.used >= visits.allowed &&
      (visits.renewsOn === null || visits.renewsOn > this.tip.policy.lastBookableDate(today))
    ) {
      await step.context.sendActivity(this.tip.policy.allowanceRefusal(visits, today).message);
      return step.endDialog();
    }

    const understanding = values.understanding;
    const text = understanding?.text ?? '';
    const date = dateIn(text, now, { bankHolidays: this.tip.bankHolidays });
    const registration = entityOf(understanding, 'registration');
    // "1 High Street, Demoford" names the town, not the tip the council calls "Demoford tip".
    const siteText = [found.property.town, found.property.street, found.property.locality ?? '']
      .filter(Boolean)
      .reduce((t, words) => t.replace(new RegExp(escapeRegExp(words), 'gi'), ' '), text);
    const site = text ? await this.tip.sites.findSite(siteText) : null;
    const phone = residentPhoneOf(step.context);
    const options: BookingOptions = {
      propertyId: found.property.id,
      address: found.property.label,
      shortAddress: found.property.shortLabel,
      ...(values.vehicle && { vehicle: values.vehicle }),
      ...(registration && { registration: { value: registration.value, display: registration.display } }),
      ...(date && { date: date.value }),
      ...(date?.dayPart && { dayPart: date.dayPart }),
      ...(site && { siteId: site.id }),
      ...(phone && { phone }),
      ...this.rememberedVehicle(step.context, values.vehicle, registration),
      // One key per booking: a confirmation retried after a failure cannot issue twice.
      idempotencyKey: `tip:${step.context.activity.conversation.id}:${step.context.activity.id ?? now.getTime()}`,
    };
    return step.beginDialog(BOOKING_DIALOG, options);
  }

  /**
   * The vehicle and registration of a permit booked earlier in this conversation, to offer
   * again ("Is this for the van AB12 CDE?"), when this message names neither.
   */
  private rememberedVehicle(
    context: TurnContext,
    named: BookValues['vehicle'],
    registration: unknown,
  ): Pick<BookingOptions, 'remembered'> {
    const vehicle = rememberedVehicle(context);
    const plate = rememberedRegistration(context);
    // A different vehicle named ("a trailer this time") or a plate given: nothing to offer.
    if ((named && named.id !== vehicle?.id) || registration || !vehicle || !plate) return {};
    return {
      remembered: {
        vehicle: { id: vehicle.id, name: vehicle.name, trailer: vehicle.trailer },
        registration: { value: plate.value, display: plate.display },
      },
    };
  }

  private async done(step: WaterfallStepContext) {
    return step.endDialog();
  }
}
