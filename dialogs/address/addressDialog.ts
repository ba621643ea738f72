/**
 * Finds the resident's property, the first step of every job about an address (bin days,
 * missed bins, tip permits, council tax bands). It uses what the first message already said
 * (a postcode, a house number) and only asks for what is missing:
 *
 *   Assistant: What's the postcode of the address?
 *   Resident:  df2 4qt
 *   Assistant: Which address is yours?  [14 Mill Lane] [16 Mill Lane] … [More addresses]
 *   Resident:  14            (or taps the button, or on SMS replies with the list number)
 *
 * A postcode that cannot be read is explained and asked again; a second wrong answer offers a
 * person (the shared retry policy, dialogs/questions/retryPolicy.ts). A postcode outside the borough is told so, with
 * where to go instead. Ends with `{ property }`, or undefined when no address was found.
 */
import { ActivityTypes } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { AddressLookup } from '../../services/addresses/addressLookup.js';
import { matchAddress } from '../../services/addresses/matchAddress.js';
import type { Property } from '../../services/addresses/property.js';
import { findHouseNumbers } from '../../intents/entities/houseNumber.js';
import { findPostcodes } from '../../intents/entities/postcode.js';
import { channelOf, writesShort } from '../../services/channels/channels.js';
import type { MessageId, Messages } from '../content.js';
import { rememberAddress, rememberedAddress } from '../memory/residentMemory.js';
import { rightAnswer, wrongAnswer, type QuestionTries } from '../questions/retryPolicy.js';
import { quoteTyped } from '../quote.js';
import { choicesActivity, say } from '../reply.js';
import { entityOf, type Understanding } from '../understanding.js';

export const ADDRESS_DIALOG = 'address';

/** SMS lists stop at nine so every choice is a single digit to text back. */
const PAGE_SIZE = 9;
const MORE_WORDS = new Set(['more', 'more addresses', 'next', 'others', 'other']);

export interface AddressOptions {
  understanding?: Understanding;
  /**
   * A correction's words ("no, I meant 22 Mill Lane", "change the address"): the address
   * remembered is not offered, since it is the one being changed, and the words pick the
   * address from the postcode's list once the postcode is known.
   */
  instead?: string;
}

export interface AddressResult {
  property: Property;
}

interface AddressState extends QuestionTries {
  stage: 'postcode' | 'address';
  postcode?: string;
  propertyIds: string[];
  page: number;
  /** The words of a correction, kept to pick the address when its postcode comes next. */
  instead?: string;
}

export class AddressDialog extends Dialog<AddressOptions> {
  constructor(
    private readonly addresses: AddressLookup,
    private readonly messages: Messages,
  ) {
    super(ADDRESS_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: AddressOptions): Promise<DialogTurnResult> {
    const state: AddressState = { stage: 'postcode', propertyIds: [], page: 0 };
    dc.activeDialog!.state = state;
    if (options?.instead !== undefined) return this.useInstead(dc, state, options.instead);
    const postcode = entityOf(options?.understanding, 'postcode')?.value;
    if (!postcode) {
      // The address given earlier in the conversation, said so the resident can change it.
      const remembered = rememberedAddress(dc.context);
      const property = remembered ? await this.addresses.getProperty(remembered.propertyId) : null;
      if (property) {
        await say(dc.context, this.messages, 'address.remembered', {
          address: writesShort(channelOf(dc.context)) ? property.shortLabel : property.label,
        });
        return this.found(dc, property);
      }
      return this.askPostcode(dc);
    }
    const houseNumber = entityOf(options?.understanding, 'houseNumber')?.value;
    return this.usePostcode(dc, state, postcode, houseNumber, options?.understanding?.text);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as AddressState;
    const text = (dc.context.activity.text ?? '').trim();
    const postcode = findPostcodes(text)[0]?.value;

    if (state.stage === 'postcode') {
      // "df2 4qt" after "no, I meant 22 Mill Lane": the house the correction named.
      const words = state.instead && findHouseNumbers(text).length === 0 ? `${state.instead} ${text}` : text;
      if (postcode) return this.usePostcode(dc, state, postcode, findHouseNumbers(words)[0]?.value, words);
      return this.failure(dc, state, 'address.badPostcode', { typed: quoteTyped(text, 40) });
    }

    // Choosing from the list. A different postcode typed now starts the search again.
    if (postcode && postcode !== state.postcode)
      return this.usePostcode(dc, state, postcode, findHouseNumbers(text)[0]?.value, text);
    const properties = await this.propertiesOf(state);
    if (MORE_WORDS.has(text.toLowerCase())) {
      state.page = (state.page + 1) * PAGE_SIZE < properties.length ? state.page + 1 : 0;
      return this.offerList(dc, state, properties, 'address.choose');
    }
    // A button or a numbered SMS choice comes back as the exact short label.
    const chosen = properties.find((p) => p.shortLabel.toLowerCase() === text.toLowerCase());
    if (chosen) return this.found(dc, chosen);
    const match = matchAddress(properties, text);
    if (match.kind === 'one') return this.found(dc, match.property);
    if (match.kind === 'several') {
      state.propertyIds = match.properties.map((p) => p.id);
      state.page = 0;
      return this.offerList(dc, state, match.properties, 'address.choose');
    }
    if ((await wrongAnswer(dc.context, this.messages, state)) === 'person') return dc.endDialog(undefined);
    return this.offerList(dc, state, properties, 'address.notFound', {
      typed: text.slice(0, 40),
      postcode: state.postcode ?? '',
    });
  }

  override async repromptDialog(context: DialogContext['context'], instance: { state: unknown }): Promise<void> {
    const state = instance.state as AddressState;
    if (state.stage === 'postcode') {
      await say(context, this.messages, 'address.askPostcode');
      return;
    }
    await context.sendActivity(this.listActivity(context, state, await this.propertiesOf(state), 'address.choose'));
  }

  private async found(dc: DialogContext, property: Property): Promise<DialogTurnResult> {
    rememberAddress(dc.context, { propertyId: property.id, label: property.label, shortLabel: property.shortLabel });
    return dc.endDialog({ property } satisfies AddressResult);
  }

  private async useInstead(dc: DialogContext, state: AddressState, text: string): Promise<DialogTurnResult> {
    state.instead = text;
    const postcode = findPostcodes(text)[0]?.value;
    if (postcode) return this.usePostcode(dc, state, postcode, findHouseNumbers(text)[0]?.value, text);
    return this.askPostcode(dc);
  }

  private async askPostcode(dc: DialogContext): Promise<DialogTurnResult> {
    await say(dc.context, this.messages, 'address.askPostcode');
    return Dialog.EndOfTurn;
  }

  private async usePostcode(
    dc: DialogContext,
    state: AddressState,
    postcode: string,
    houseNumber?: string,
    text?: string,
  ): Promise<DialogTurnResult> {
    if (!(await this.addresses.coversPostcode(postcode))) {
      await say(dc.context, this.messages, 'address.notInBorough', { postcode });
      return dc.endDialog(undefined);
    }
    const properties = await this.addresses.findByPostcode(postcode);
    if (properties.length === 0) return this.failure(dc, state, 'address.noAddresses', { postcode });

    Object.assign(state, {
      stage: 'address',
      postcode,
      propertyIds: properties.map((p) => p.id),
      page: 0,
    } satisfies Partial<AddressState>);
    rightAnswer(state);
    if (properties.length === 1 && properties[0]) return this.found(dc, properties[0]);
    if (houseNumber) {
      const match = matchAddress(properties, houseNumber);
      if (match.kind === 'one') return this.found(dc, match.property);
      const fuller = text ? matchAddress(properties, text) : undefined;
      if (fuller?.kind === 'one') return this.found(dc, fuller.property);
      if (match.kind === 'several') {
        state.propertyIds = match.properties.map((p) => p.id);
        return this.offerList(dc, state, match.properties, 'address.choose');
      }
    }
    return this.offerList(dc, state, properties, 'address.choose');
  }

  /** A postcode that cannot be used: explained and asked again, or a person offered. */
  private async failure(
    dc: DialogContext,
    state: AddressState,
    explanation: MessageId,
    values: Record<string, string>,
  ): Promise<DialogTurnResult> {
    if ((await wrongAnswer(dc.context, this.messages, state)) === 'person') return dc.endDialog(undefined);
    await say(dc.context, this.messages, explanation, values);
    return Dialog.EndOfTurn;
  }

  private async offerList(
    dc: DialogContext,
    state: AddressState,
    properties: Property[],
    messageId: MessageId,
    values: Record<string, string> = {},
  ): Promise<DialogTurnResult> {
    await dc.context.sendActivity(this.listActivity(dc.context, state, properties, messageId, values));
    return Dialog.EndOfTurn;
  }

  private listActivity(
    context: DialogContext['context'],
    state: AddressState,
    properties: Property[],
    messageId: MessageId,
    values: Record<string, string> = {},
  ) {
    const channel = channelOf(context);
    const page = properties.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
    const hasMore = properties.length > PAGE_SIZE;
    const id = hasMore && messageId === 'address.choose' ? 'address.chooseMore' : messageId;
    const text = this.messages.render(id, channel, values).text;
    const choices = page.map((p) => ({ label: p.shortLabel, value: p.shortLabel }));
    // On the web "More addresses" is a button; by text the message says to send MORE, so the
    // numbered list stays at nine single digits.
    if (hasMore && channel.choices === 'buttons')
      choices.push({ label: this.messages.render('address.moreLabel', channel).text, value: 'more' });
    return choicesActivity(text, choices);
  }

  private async propertiesOf(state: AddressState): Promise<Property[]> {
    const found = await Promise.all(state.propertyIds.map((id) => this.addresses.getProperty(id)));
    return found.filter((p): p is Property => p !== null);
  }
}
