/**
 * What the resident says while the handoff has the conversation: waiting in the queue,
 * talking to an agent, answering the callback offer (out of hours, or after nobody accepted
 * in time), saying which property and how to reach them for the callback, or rating the chat
 * afterwards. Every callback case names the property a person must act on: one already given
 * in the conversation is offered to confirm ("Is this about 1 High Street?"), otherwise it is
 * asked; never, though, of someone whose urgent topic forbids address questions (homeless
 * tonight, in danger), whose case carries a property only when the conversation knew one. Runs from the
 * handoff middleware before the main dialogs; returns false when the message is for the
 * assistant after all (so a resident who ignores the rating question just carries on).
 */
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { parsePhone } from '../../intents/entities/index.js';
import type { HandoffService } from '../../services/handoff/handoffService.js';
import type { HandoffMemory, HandoffRequest } from '../../services/handoff/types.js';
import { channelOf, residentPhoneOf } from '../../services/channels/channels.js';
import { interruptionIn } from '../interruptions.js';
import { WRONG_ANSWERS_BEFORE_PERSON } from '../questions/retryPolicy.js';
import { formatPhone } from '../format.js';
import { countOf } from '../../services/words/plural.js';
import { parseTimePreference } from '../../services/handoff/timePreference.js';
import type { CaseProperty, HandoffRequestInput } from '../../services/handoff/types.js';
import type { AddressLookup } from '../../services/addresses/addressLookup.js';
import { matchAddress } from '../../services/addresses/matchAddress.js';
import { parsePostcode, parseYesNo } from '../../intents/entities/index.js';
import { freshAddress, type ResidentMemory } from '../memory/residentMemory.js';

const EMAIL = /\b[^\s@]+@[^\s@]+\.[a-z]{2,}\b/i;
/** The same count as every other question (dialogs/questions/retryPolicy.ts). */
const MAX_CONTACT_ATTEMPTS = WRONG_ANSWERS_BEFORE_PERSON;
/** Addresses that cannot be found before the resident is given the phone number instead. */
const MAX_PROPERTY_ATTEMPTS = WRONG_ANSWERS_BEFORE_PERSON;
/** Reasons that say nothing of what the resident needs: the callback asks what it is about. */
const VAGUE_REASONS = new Set(['asked', 'misunderstood', 'frustrated', 'not_helped']);

/** What the callback needs to find the property a case is about. */
export interface CallbackProperties {
  addresses: AddressLookup;
  /** The address remembered from another job in this conversation (bin days, tip permits). */
  residentMemory: StatePropertyAccessor<ResidentMemory>;
  /** Whether a callback on this topic may ask for an address: not for someone homeless tonight or in danger. */
  mayAsk(topic: string): boolean;
}

export class HandoffConversation {
  constructor(
    private readonly handoff: HandoffService,
    private readonly memory: StatePropertyAccessor<HandoffMemory>,
    private readonly properties?: CallbackProperties,
  ) {}

  /** A message while a request is active (queued, with an agent, or with an external hub). */
  async whileActive(context: TurnContext, request: HandoffRequest, text: string): Promise<void> {
    const centre = this.handoff.contactCentre;
    const memory = await this.memory.get(context, {});
    if (centre.isWord('leave', text)) {
      const left = await this.handoff.residentLeft(request);
      await this.memory.set(context, {});
      if (left && request.status === 'assigned') {
        await this.handoff.say(context, 'endedByResident', { agent: 'the adviser' });
      } else {
        await this.handoff.say(context, 'left');
      }
      return;
    }
    if (
      request.status === 'queued' &&
      memory.stage === 'callbackOffer' &&
      memory.requestId === request.id &&
      centre.isWord('yes', text)
    ) {
      await this.startCallback(context, memory, request);
      return;
    }
    // Still in the queue while saying what the callback is about and how to reach them.
    const callbackQuestion =
      memory.stage === 'callbackAbout' || memory.stage === 'callbackProperty' || memory.stage === 'callbackContact';
    if (
      request.status === 'queued' &&
      callbackQuestion &&
      memory.requestId === request.id &&
      (await this.answer(context, text))
    )
      return;
    if (request.status === 'queued' && memory.stage === 'callbackOffer' && centre.isWord('no', text)) {
      // They chose to keep waiting.
      await this.memory.set(context, {});
    }
    await this.handoff.residentSaid(request, text);
    if (request.status === 'queued') {
      const position = await this.handoff.queue.position(request);
      await this.handoff.say(context, 'stillQueued', { position, minutes: centre.estimateMinutes(position) });
    }
  }

  /** Drops an open handoff question (the resident has moved on to something more pressing). */
  async forget(context: TurnContext): Promise<void> {
    await this.memory.set(context, {});
  }

  /** A message while a handoff question is open; false when it is not an answer to it. */
  async answer(context: TurnContext, text: string): Promise<boolean> {
    const centre = this.handoff.contactCentre;
    const memory = await this.memory.get(context, {});
    if (interruptionIn(text) === 'help' && (await this.helpWithQuestion(context, memory))) return true;
    switch (memory.stage) {
      case 'rating': {
        const rating = /^\s*([1-5])\s*(\/\s*5|stars?)?\s*[.!]?\s*$/i.exec(text)?.[1];
        await this.memory.set(context, {});
        if (!rating || !memory.requestId) return false;
        await this.handoff.rate(memory.requestId, Number(rating));
        await this.handoff.say(context, 'ratingThanks');
        return true;
      }
      case 'callbackOffer': {
        if (centre.isWord('yes', text)) {
          await this.startCallback(context, memory);
          return true;
        }
        await this.memory.set(context, {});
        if (centre.isWord('no', text) || centre.isWord('leave', text)) {
          await this.handoff.say(context, 'callbackDeclined', { phone: this.councilPhone() });
          return true;
        }
        return false;
      }
      case 'callbackAbout': {
        if (centre.isWord('leave', text)) {
          await this.memory.set(context, {});
          await this.handoff.say(context, 'callbackDeclined', { phone: this.councilPhone() });
          return true;
        }
        const about = text.trim().slice(0, 500);
        await this.askPropertyOrContinue(context, { ...memory, about, ...this.preferenceIn(text, memory) });
        return true;
      }
      case 'callbackProperty': {
        if (centre.isWord('leave', text)) {
          await this.memory.set(context, {});
          await this.handoff.say(context, 'callbackDeclined', { phone: this.councilPhone() });
          return true;
        }
        await this.readProperty(context, memory, text);
        return true;
      }
      case 'callbackContact': {
        if (centre.isWord('leave', text) || centre.isWord('no', text)) {
          await this.memory.set(context, {});
          await this.handoff.say(context, 'callbackDeclined', { phone: this.councilPhone() });
          return true;
        }
        const phone = parsePhone(text);
        const email = EMAIL.exec(text)?.[0];
        const contact = phone ?? email;
        if (!contact) {
          const attempts = (memory.contactAttempts ?? 0) + 1;
          if (attempts >= MAX_CONTACT_ATTEMPTS) {
            await this.memory.set(context, {});
            await this.handoff.say(context, 'callbackDeclined', { phone: this.councilPhone() });
          } else {
            await this.memory.set(context, { ...memory, contactAttempts: attempts });
            await this.handoff.say(context, 'contactNotUnderstood');
          }
          return true;
        }
        await this.book(
          context,
          { ...memory, ...this.preferenceIn(text, memory) },
          contact,
          phone ? 'howPhone' : 'howEmail',
        );
        return true;
      }
      default:
        return false;
    }
  }

  /**
   * "help" at a callback question: what is being arranged, then the same question again, as
   * at every other question; it is not counted as a wrong answer. False when no question is open.
   */
  private async helpWithQuestion(context: TurnContext, memory: HandoffMemory): Promise<boolean> {
    const stage = memory.stage;
    if (stage !== 'callbackAbout' && stage !== 'callbackProperty' && stage !== 'callbackContact') return false;
    await this.handoff.say(context, 'callbackHelp');
    if (stage === 'callbackAbout') await this.handoff.say(context, 'askAbout');
    else if (stage === 'callbackContact') await this.handoff.say(context, 'askContact');
    else if (memory.offeredProperty)
      await this.handoff.say(context, 'askPropertyKnown', { address: memory.offeredProperty.label });
    else await this.handoff.say(context, 'askProperty');
    return true;
  }

  /**
   * Yes to a callback: first what it is about, when nothing said so yet (a bare "can I talk to
   * someone"); then SMS residents are texted back on their number and web residents give a contact.
   */
  private async startCallback(context: TurnContext, memory: HandoffMemory, request?: HandoffRequest): Promise<void> {
    const next: HandoffMemory = { ...memory, ...(request ? { requestId: request.id } : {}) };
    const reason: HandoffRequestInput['reason'] | undefined = request?.reason ?? memory.pending?.reason;
    if (!next.about && reason !== undefined && VAGUE_REASONS.has(reason)) {
      await this.memory.set(context, { ...next, stage: 'callbackAbout' });
      await this.handoff.say(context, 'askAbout');
      return;
    }
    await this.askPropertyOrContinue(context, next);
  }

  /**
   * Which property the callback is about: a verified account's needs no question; one given
   * earlier is offered to confirm; otherwise it is asked. A topic that must not ask (homeless
   * tonight, in danger) goes on with whatever the conversation already knows.
   */
  private async askPropertyOrContinue(context: TurnContext, next: HandoffMemory): Promise<void> {
    const properties = this.properties;
    if (!properties || next.property) return this.askContactOrBook(context, next);
    const collected = await this.collectedFor(next);
    const verified =
      collected?.verified && collected.propertyId ? await properties.addresses.getProperty(collected.propertyId) : null;
    if (verified)
      return this.askContactOrBook(context, { ...next, property: { id: verified.id, label: verified.label } });
    const known = await this.knownProperty(context, collected?.propertyId);
    const topic = (await this.requestOf(next))?.topic ?? next.pending?.topic ?? 'general';
    if (!properties.mayAsk(topic)) return this.askContactOrBook(context, known ? { ...next, property: known } : next);
    if (known) {
      await this.memory.set(context, {
        ...next,
        stage: 'callbackProperty',
        offeredProperty: known,
        propertyAttempts: 0,
      });
      await this.handoff.say(context, 'askPropertyKnown', { address: known.label });
      return;
    }
    await this.memory.set(context, { ...next, stage: 'callbackProperty', propertyAttempts: 0 });
    await this.handoff.say(context, 'askProperty');
  }

  /** "yes" to the address offered, or an address with its postcode; asked again, then the phone number. */
  private async readProperty(context: TurnContext, memory: HandoffMemory, text: string): Promise<void> {
    const offered = memory.offeredProperty;
    const postcode = parsePostcode(text);
    if (offered && !postcode && (parseYesNo(text) === true || this.handoff.contactCentre.isWord('yes', text))) {
      await this.askContactOrBook(context, { ...withoutPropertyQuestion(memory), property: offered });
      return;
    }
    if (offered && !postcode && parseYesNo(text) === false) {
      await this.memory.set(context, {
        ...withoutPropertyQuestion(memory),
        stage: 'callbackProperty',
        propertyAttempts: 0,
      });
      await this.handoff.say(context, 'askProperty');
      return;
    }
    const addresses = this.properties?.addresses;
    if (postcode && addresses && !(await addresses.coversPostcode(postcode)))
      return this.propertyMissed(context, memory, 'propertyNotOurs', { postcode });
    const match = postcode && addresses ? matchAddress(await addresses.findByPostcode(postcode), text) : undefined;
    if (match?.kind !== 'one') return this.propertyMissed(context, memory, 'propertyNotFound');
    const property = { id: match.property.id, label: match.property.label };
    await this.rememberAddress(context, match.property);
    await this.askContactOrBook(context, { ...withoutPropertyQuestion(memory), property });
  }

  private async propertyMissed(
    context: TurnContext,
    memory: HandoffMemory,
    id: 'propertyNotFound' | 'propertyNotOurs',
    values: Record<string, string> = {},
  ): Promise<void> {
    const attempts = (memory.propertyAttempts ?? 0) + 1;
    if (attempts >= MAX_PROPERTY_ATTEMPTS) {
      await this.memory.set(context, {});
      await this.handoff.say(context, 'callbackNoProperty', { phone: this.councilPhone() });
      return;
    }
    await this.memory.set(context, { ...memory, propertyAttempts: attempts });
    await this.handoff.say(context, id, values);
  }

  /** The property given earlier: the handoff's collected context first, then another job's address. */
  private async knownProperty(
    context: TurnContext,
    collectedPropertyId: string | undefined,
  ): Promise<CaseProperty | undefined> {
    const properties = this.properties;
    if (!properties) return undefined;
    const id =
      collectedPropertyId ??
      freshAddress(await properties.residentMemory.get(context, {}), this.handoff.clock())?.propertyId;
    const property = id ? await properties.addresses.getProperty(id) : null;
    return property ? { id: property.id, label: property.label } : undefined;
  }

  /** Kept for the resident's next job, on the assistant's clock as the dialogs keep it (residentMemory). */
  private async rememberAddress(
    context: TurnContext,
    property: { id: string; label: string; shortLabel: string },
  ): Promise<void> {
    const accessor = this.properties?.residentMemory;
    if (!accessor) return;
    const memory = await accessor.get(context, {});
    await accessor.set(context, {
      ...memory,
      address: {
        propertyId: property.id,
        label: property.label,
        shortLabel: property.shortLabel,
        at: this.handoff.clock(),
      },
    });
  }

  private async requestOf(memory: HandoffMemory): Promise<HandoffRequest | undefined> {
    return memory.requestId ? ((await this.handoff.queue.get(memory.requestId)) ?? undefined) : undefined;
  }

  private async collectedFor(memory: HandoffMemory) {
    return (await this.requestOf(memory))?.collected ?? memory.pending?.collected;
  }

  private async askContactOrBook(context: TurnContext, next: HandoffMemory): Promise<void> {
    const smsNumber = residentPhoneOf(context);
    if (smsNumber) {
      await this.book(context, next, smsNumber, 'howSms');
      return;
    }
    await this.memory.set(context, { ...next, stage: 'callbackContact', contactAttempts: 0 });
    await this.handoff.say(context, 'askContact');
  }

  private async book(
    context: TurnContext,
    memory: HandoffMemory,
    contact: string,
    how: 'howPhone' | 'howEmail' | 'howSms',
  ): Promise<void> {
    const request = memory.requestId ? ((await this.handoff.queue.get(memory.requestId)) ?? undefined) : undefined;
    const active = request && request.status === 'queued' ? request : undefined;
    const reference = await this.handoff.openCallback({
      context,
      ...(active ? { request: active } : {}),
      ...(memory.pending ? { pending: memory.pending } : {}),
      contact,
      ...(memory.about ? { about: memory.about } : {}),
      ...(memory.preferredTime ? { preferredTime: memory.preferredTime } : {}),
      ...(memory.property ? { property: memory.property } : {}),
    });
    await this.memory.set(context, {});
    if (!reference) {
      await this.handoff.say(context, 'callbackDeclined', { phone: this.councilPhone() });
      return;
    }
    const channel = channelOf(context);
    const centre = this.handoff.contactCentre;
    const howText = centre.render(how, channel, { contact: formatPhone(contact) });
    const days = centre.data.queue.callbackWithinWorkingDays;
    const preference = memory.preferredTime;
    const when = preference
      ? centre.render(preference.honoured ? 'callbackTimeHonoured' : 'callbackTimeDeclined', channel, {
          preference: preference.text,
          phone: this.councilPhone(),
        })
      : '';
    await this.handoff.say(context, 'callbackBooked', {
      reference,
      how: howText,
      days,
      within: countOf(days, 'working day'),
      when,
    });
  }

  /** A time the resident asked to be called at, if this message gives one, and whether we can. */
  private preferenceIn(text: string, memory: HandoffMemory): Pick<HandoffMemory, 'preferredTime'> {
    const preference = parseTimePreference(text);
    if (!preference) return memory.preferredTime ? { preferredTime: memory.preferredTime } : {};
    return { preferredTime: { text: preference.text, honoured: this.handoff.contactCentre.canCallAt(preference) } };
  }

  private councilPhone(): string {
    return this.handoff.councilPhone;
  }
}

function withoutPropertyQuestion(memory: HandoffMemory): HandoffMemory {
  const { offeredProperty: _offered, propertyAttempts: _attempts, ...rest } = memory;
  return rest;
}
