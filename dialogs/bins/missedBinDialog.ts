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
import { TextPrompt, WaterfallDialog, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { AddressLookup } from '../../services/addresses/addressLookup.js';
import type { BinCollections } from '../../services/bins/binCollections.js';
import type { MissedCollections } from '../../services/bins/missedCollections.js';
import type { MissedReportDecision, MissedReportPolicy } from '../../services/bins/missedReportPolicy.js';
import type { PropertyStream } from '../../services/bins/types.js';
import { ADDRESS_DIALOG, AddressDialog, type AddressResult } from '../address/addressDialog.js';
import { channelOf } from '../channel.js';
import type { MessageId, Messages } from '../content.js';
import { formatDate, formatTime } from '../format.js';
import { InterruptibleDialog } from '../interruptions.js';
import type { JobOptions } from '../mainDialog.js';
import { choicesActivity, say } from '../reply.js';
import { entityOf } from '../understanding.js';
import { streamLabel, streamNamedIn } from './streams.js';

export const MISSED_BIN_DIALOG = 'bins.missed';
const STEPS = 'bins.missed.steps';
const STREAM_PROMPT = 'bins.missed.stream';
const STREAM_ATTEMPTS = 2;

interface MissedValues {
  propertyId: string;
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
    const date = entityOf(understanding, 'date')?.value;
    if (date) values.date = date;
    values.firstMessage = understanding?.text ?? '';
    return step.beginDialog(ADDRESS_DIALOG, { understanding });
  }

  private async whichStream(step: WaterfallStepContext) {
    const found = step.result as AddressResult | undefined;
    if (!found) return step.endDialog();
    const streams = await this.bins.streamsFor(found.property.id);
    Object.assign(step.values, { propertyId: found.property.id, streams } satisfies Partial<MissedValues>);
    const named = streamNamedIn((step.values as MissedValues).firstMessage, streams);
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
    const named = streamNamedIn(prompt.recognized.value ?? '', streams);
    if (named) {
      prompt.recognized.value = named.id;
      return true;
    }
    // After two tries the next step hands over rather than asking a third time.
    if (prompt.attemptCount >= STREAM_ATTEMPTS) {
      prompt.recognized.value = '';
      return true;
    }
    return false;
  }

  private async report(step: WaterfallStepContext) {
    const values = step.values as MissedValues;
    const streamId = String(step.result ?? '');
    const stream = values.streams.find((s) => s.id === streamId);
    if (!stream) {
      await say(step.context, this.messages, 'notUnderstoodAgain');
      return step.endDialog();
    }
    const now = this.clock();
    const decision = await this.policy.check({ propertyId: values.propertyId, stream: stream.id, now, ...(values.date ? { date: values.date } : {}) });
    await this.explain(step, decision, stream, values.propertyId, now);
    return step.endDialog();
  }

  private async explain(step: WaterfallStepContext, decision: MissedReportDecision, stream: PropertyStream, propertyId: string, now: Date) {
    const channel = channelOf(step.context);
    const date = (iso: string) => formatDate(iso, channel, now);
    const streamWords = { name: stream.name, container: stream.container };
    const part = (id: MessageId, iso: string | undefined) => (iso ? this.messages.render(id, channel, { date: date(iso) }).text : '');

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
      await say(step.context, this.messages, id, { ...streamWords, collectionDate: date(decision.collectionDate), reference: receipt.reference, returnBy: date(receipt.returnBy) });
      return;
    }
    switch (decision.reason) {
      case 'too_early':
        await say(step.context, this.messages, 'missed.tooEarly', { ...streamWords, collectionDate: date(decision.collectionDate), reportFrom: formatTime(decision.reportFrom) });
        return;
      case 'not_due':
        await say(step.context, this.messages, 'missed.notDue', { ...streamWords, last: part('missed.notDueLast', decision.lastCollection), next: part('missed.notDueNext', decision.nextCollection) });
        return;
      case 'window_passed':
        await say(step.context, this.messages, 'missed.windowPassed', { ...streamWords, collectionDate: date(decision.collectionDate), windowClosed: date(decision.windowClosed), next: part('missed.notDueNext', decision.nextCollection) });
        return;
      case 'no_subscription':
        await say(step.context, this.messages, 'missed.noSubscription', streamWords);
        return;
    }
  }
}
