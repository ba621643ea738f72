/**
 * "They missed my bin."
 *
 *   Resident:  my recycling wasn't collected
 *   Assistant: What's the postcode of the address?
 *   Resident:  DF1 1AA
 *   Assistant: Which address is yours? …
 *   Resident:  1
 *   Assistant: Thank you. I've reported your missed recycling (blue bin) from Tuesday
 *              24 November. Your reference is MB-123456. We'll collect it by the end of …
 *
 * The council's rules decide whether it can be reported now: not before the crews finish on
 * the day, not for a bin that wasn't due, not after the report window. A collection already
 * reported gets the existing reference.
 */
import {
  TextPrompt,
  WaterfallDialog,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { AddressLookup } from '../../services/addresses/addressLookup.js';
import type { BinCollections } from '../../services/bins/binCollections.js';
import type { MissedCollections } from '../../services/bins/missedCollections.js';
import type { MissedReportDecision, MissedReportPolicy } from '../../services/bins/missedReportPolicy.js';
import type { PropertyStream } from '../../services/bins/types.js';
import { ADDRESS_DIALOG, AddressDialog, type AddressResult } from '../address/addressDialog.js';
import { channelOf, writesShort } from '../../services/channels/channels.js';
import type { MessageId, Messages } from '../content.js';
import { formatDate, formatTime } from '../format.js';
import { InterruptibleDialog } from '../interruptions.js';
import { offerPerson, WRONG_ANSWERS_BEFORE_PERSON } from '../questions/retryPolicy.js';
import type { JobOptions } from '../mainDialog.js';
import { choicesActivity, say } from '../reply.js';
import { dateIn } from '../dates/dateUnderstanding.js';
import { streamLabel, streamNamedIn } from './streams.js';
import { jobCompleted } from '../outcomes.js';

export const MISSED_BIN_DIALOG = 'bins.missed';
const STEPS = 'bins.missed.steps';
const STREAM_PROMPT = 'bins.missed.stream';

/** Every bin at once: "all of them", "none of them were emptied", "the lot". */
const ALL_STREAMS =
  /\b(all( of)?( them| my bins| the bins| three| 3)?|every (bin|one)|everything|the lot|both( of them)?|none of (them|my bins|the bins))\b/i;
/** A resident who says it keeps happening: "third time", "again", "sick of it", "every week". */
const REPEATED =
  /\b(again|(second|third|fourth|\d+(st|nd|rd|th)) time|every (week|time|fortnight)|keeps? (happening|missing|being missed)|sick of|fed up|nobody ever|never (comes?|collect))\b/i;
const ALL = 'all';

interface MissedValues {
  propertyId: string;
  address: string;
  streams: PropertyStream[];
  date?: string;
  /** The resident's first words, which may already name the bin ("my recycling wasn't…"). */
  firstMessage: string;
}

export class MissedBinDialog extends InterruptibleDialog {
  constructor(
    addresses: AddressLookup,
    private readonly bins: BinCollections,
    private readonly policy: MissedReportPolicy,
    private readonly reports: MissedCollections,
    messages: Messages,
    private readonly clock: () => Date = () => new Date(),
  ) {
    super(MISSED_BIN_DIALOG, messages);
    this.addDialog(new AddressDialog(addresses, messages));
    this.addDialog(new TextPrompt(STREAM_PROMPT, this.validateStream.bind(this)));
    this.addDialog(
      new WaterfallDialog(STEPS, [this.findAddress.bind(this), this.whichStream.bind(this), this.report.bind(this)]),
    );
    this.initialDialogId = STEPS;
  }

  private async findAddress(step: WaterfallStepContext) {
    const { understanding } = step.options as Partial<JobOptions>;
    const values = step.values as Partial<MissedValues>;
    // "they missed it monday": the Monday just gone.
    const date = dateIn(understanding?.text ?? '', this.clock(), { prefer: 'past' })?.value;
    if (date) values.date = date;
    values.firstMessage = understanding?.text ?? '';
    return step.beginDialog(ADDRESS_DIALOG, { understanding });
  }

  private async whichStream(step: WaterfallStepContext) {
    const found = step.result as AddressResult | undefined;
    if (!found) return step.endDialog();
    const streams = await this.bins.streamsFor(found.property.id);
    const address = writesShort(channelOf(step.context)) ? found.property.shortLabel : found.property.label;
    Object.assign(step.values, { propertyId: found.property.id, streams, address } satisfies Partial<MissedValues>);
    const first = (step.values as MissedValues).firstMessage;
    const named = streamNamedIn(withoutDenied(first), streams);
    if (named) return step.next(named.id);
    const channel = channelOf(step.context);
    const choices = streams.filter((s) => s.collected).map((s) => ({ label: streamLabel(s), value: streamLabel(s) }));
    return step.prompt(STREAM_PROMPT, {
      prompt: choicesActivity(this.messages.render('missed.whichStream', channel).text, choices),
      retryPrompt: choicesActivity(this.messages.render('missed.streamNotUnderstood', channel).text, choices),
      validations: { streams },
    });
  }

  private async validateStream(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const { streams } = prompt.options.validations as { streams: PropertyStream[] };
    const reply = prompt.recognized.value ?? '';
    if (ALL_STREAMS.test(reply)) {
      prompt.recognized.value = ALL;
      return true;
    }
    const named = streamNamedIn(withoutDenied(reply), streams);
    if (named) {
      prompt.recognized.value = named.id;
      return true;
    }
    // The shared retry policy: the last wrong answer goes on to the offer of a person.
    if (prompt.attemptCount >= WRONG_ANSWERS_BEFORE_PERSON) {
      prompt.recognized.value = '';
      return true;
    }
    return false;
  }

  private async report(step: WaterfallStepContext) {
    const values = step.values as MissedValues;
    const streamId = String(step.result ?? '');
    const chosen =
      streamId === ALL ? values.streams.filter((s) => s.collected) : values.streams.filter((s) => s.id === streamId);
    if (chosen.length === 0) {
      await offerPerson(step.context, this.messages);
      return step.endDialog();
    }
    if (REPEATED.test(values.firstMessage)) await say(step.context, this.messages, 'missed.sorryRepeat');
    const now = this.clock();
    for (const stream of chosen) {
      const decision = await this.policy.check({
        propertyId: values.propertyId,
        stream: stream.id,
        now,
        ...(values.date ? { date: values.date } : {}),
      });
      // "All of them": a bin that was not due that day is left out rather than explained.
      if (streamId === ALL && !decision.ok && decision.reason === 'not_due' && chosen.length > 1) continue;
      await this.explain(step, decision, stream, values, now);
    }
    return step.endDialog();
  }

  private async explain(
    step: WaterfallStepContext,
    decision: MissedReportDecision,
    stream: PropertyStream,
    values: MissedValues,
    now: Date,
  ) {
    const propertyId = values.propertyId;
    const channel = channelOf(step.context);
    const date = (iso: string) => formatDate(iso, channel, now);
    const streamWords = { name: stream.name, container: stream.container };
    const part = (id: MessageId, iso: string | undefined) =>
      iso ? this.messages.render(id, channel, { date: date(iso) }).text : '';

    if (decision.ok) {
      const receipt = await this.reports.report({
        propertyId,
        stream: stream.id,
        collectionDate: decision.collectionDate,
        returnBy: decision.returnBy,
        channel: step.context.activity.channelId,
        conversationId: step.context.activity.conversation.id,
      });
      const id = receipt.created ? 'missed.reported' : 'missed.alreadyReported';
      await say(step.context, this.messages, id, {
        ...streamWords,
        address: values.address,
        collectionDate: date(decision.collectionDate),
        reference: receipt.reference,
        returnBy: date(receipt.returnBy),
      });
      jobCompleted(step.context, 'missed_bin_reported');
      return;
    }
    switch (decision.reason) {
      case 'too_early':
        await say(step.context, this.messages, 'missed.tooEarly', {
          ...streamWords,
          collectionDate: date(decision.collectionDate),
          reportFrom: formatTime(decision.reportFrom),
        });
        return;
      case 'not_due':
        await say(step.context, this.messages, 'missed.notDue', {
          ...streamWords,
          last: part('missed.notDueLast', decision.lastCollection),
          next: part('missed.notDueNext', decision.nextCollection),
        });
        return;
      case 'window_passed':
        await say(step.context, this.messages, 'missed.windowPassed', {
          ...streamWords,
          collectionDate: date(decision.collectionDate),
          windowClosed: date(decision.windowClosed),
          next: part('missed.notDueNext', decision.nextCollection),
        });
        return;
      case 'no_subscription':
        await say(step.context, this.messages, 'missed.noSubscription', streamWords);
        return;
    }
  }
}

/** "the food waste not the recycling": the bin denied is not the one meant. */
function withoutDenied(text: string): string {
  return text.replace(
    /\b(not|isn'?t|wasn'?t|rather than|instead of)\s+(the\s+|my\s+)?[a-z]+(\s+(bin|waste|caddy|box|one))?/gi,
    ' ',
  );
}
