/**
 * "When is my bin day?"
 *
 *   Resident:  bin day for 1 High Street DF1 1AA
 *   Assistant: Next collections for 1 High Street, Demoford, DF1 1AA:
 *              - Tuesday 24 November: recycling (blue bin)
 *              - Tuesday 24 November: food waste (food caddy)
 *              - Tuesday 1 December: rubbish (black bin)
 *
 * The address step asks only for what the first message did not say. Collections moved by a
 * bank holiday or Christmas say so.
 */
import { WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { AddressLookup } from '../../services/addresses/addressLookup.js';
import type { BinCollections } from '../../services/bins/binCollections.js';
import type { NextCollection } from '../../services/bins/types.js';
import { ADDRESS_DIALOG, AddressDialog, type AddressResult } from '../address/addressDialog.js';
import { channelOf, writesShort } from '../../services/channels/channels.js';
import type { Messages } from '../content.js';
import type { Channel } from '../../services/channels/channels.js';
import { formatDate } from '../format.js';
import { InterruptibleDialog } from '../interruptions.js';
import type { JobOptions } from '../mainDialog.js';
import { say } from '../reply.js';
import { dateIn, type BankHolidayDay } from '../dates/dateUnderstanding.js';
import { describeCollectionsOn } from './collectionsOnDates.js';
import { streamNamedIn } from './streams.js';
import { jobCompleted } from '../outcomes.js';

export const BIN_DAY_DIALOG = 'bins.nextCollection';
const STEPS = 'bins.nextCollection.steps';

export class BinDayDialog extends InterruptibleDialog {
  constructor(
    addresses: AddressLookup,
    private readonly bins: BinCollections,
    messages: Messages,
    private readonly clock: () => Date = () => new Date(),
    /** The council's bank holidays, so "bank holiday monday" is read as the tip jobs read it. */
    private readonly bankHolidays: readonly BankHolidayDay[] = [],
  ) {
    super(BIN_DAY_DIALOG, messages);
    this.addDialog(new AddressDialog(addresses, messages));
    this.addDialog(new WaterfallDialog(STEPS, [this.findAddress.bind(this), this.answer.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async findAddress(step: WaterfallStepContext) {
    const options = step.options as Partial<JobOptions>;
    return step.beginDialog(ADDRESS_DIALOG, { understanding: options.understanding });
  }

  private async answer(step: WaterfallStepContext) {
    const found = step.result as AddressResult | undefined;
    if (!found) return step.endDialog();
    const now = this.clock();
    const channel = channelOf(step.context);
    const address = writesShort(channel) ? found.property.shortLabel : found.property.label;
    const { understanding } = step.options as Partial<JobOptions>;
    const asked = dateIn(understanding?.text ?? '', now, { bankHolidays: this.bankHolidays });
    if (asked) {
      // "on boxing day", "over christmas": that day or period, with what moved and why.
      const all = (await this.bins.streamsFor(found.property.id)).filter((s) => s.collected);
      const named = streamNamedIn(understanding?.text ?? '', all);
      const streams = named ? [named] : all;
      await step.context.sendActivity(
        await describeCollectionsOn(
          this.bins,
          this.messages,
          channel,
          { id: found.property.id, address },
          streams,
          asked,
          now,
        ),
      );
      await say(step.context, this.messages, 'bins.afterAnswer');
      jobCompleted(step.context, 'bin_day_answered');
      return step.endDialog();
    }
    const collections = await this.bins.nextCollections(found.property.id, now);
    if (collections.length === 0) {
      await say(step.context, this.messages, 'bins.noCollections', { address });
      jobCompleted(step.context, 'bin_day_answered');
      return step.endDialog();
    }
    await step.context.sendActivity(describeCollections(this.messages, channel, address, collections, now));
    await say(step.context, this.messages, 'bins.afterAnswer');
    jobCompleted(step.context, 'bin_day_answered');
    return step.endDialog();
  }
}

export function describeCollections(
  messages: Messages,
  channel: Channel,
  address: string,
  collections: NextCollection[],
  now: Date,
): string {
  const lines = collections.map((c) => {
    const date = c.isToday ? messages.render('bins.today', channel).text : formatDate(c.date, channel, now);
    const moved =
      c.originalDate && c.reason
        ? messages.render('bins.moved', channel, {
            originalDate: formatDate(c.originalDate, channel, now),
            reason: c.reason.kind === 'bank_holiday' ? c.reason.holiday : c.reason.reason,
          }).text
        : '';
    return messages.render('bins.line', channel, { date, name: c.name, container: c.container, moved }).text;
  });
  return [
    messages.render('bins.header', channel, { address }).text,
    ...lines,
    messages.render('bins.footer', channel).text,
  ].join('\n');
}
