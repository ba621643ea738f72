/**
 * What the resident says while the handoff has the conversation: waiting in the queue,
 * talking to an agent, answering the callback offer (out of hours, or after nobody accepted
 * in time), giving a contact for the callback, or rating the chat afterwards. Runs from the
 * handoff middleware before the main dialogs; returns false when the message is for the
 * assistant after all (so a resident who ignores the rating question just carries on).
 */
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { parsePhone } from '../../intents/entities/index.js';
import type { HandoffService } from '../../services/handoff/handoffService.js';
import type { HandoffMemory, HandoffRequest } from '../../services/handoff/types.js';
import { smsPhoneOf } from '../channel.js';
import { WRONG_ANSWERS_BEFORE_PERSON } from '../questions/retryPolicy.js';
import { formatPhone } from '../format.js';
import { countOf } from '../../services/words/plural.js';
import { parseTimePreference } from '../../services/handoff/timePreference.js';
import type { HandoffRequestInput } from '../../services/handoff/types.js';

const EMAIL = /\b[^\s@]+@[^\s@]+\.[a-z]{2,}\b/i;
/** The same count as every other question (dialogs/questions/retryPolicy.ts). */
const MAX_CONTACT_ATTEMPTS = WRONG_ANSWERS_BEFORE_PERSON;
/** Reasons that say nothing of what the resident needs: the callback asks what it is about. */
const VAGUE_REASONS = new Set(['asked', 'misunderstood', 'frustrated', 'not_helped']);

export class HandoffConversation {
  constructor(
    private readonly handoff: HandoffService,
    private readonly memory: StatePropertyAccessor<HandoffMemory>,
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
    if (request.status === 'queued' && memory.stage === 'callbackOffer' && memory.requestId === request.id && centre.isWord('yes', text)) {
      await this.startCallback(context, memory, request);
      return;
    }
    // Still in the queue while saying what the callback is about and how to reach them.
    const callbackQuestion = memory.stage === 'callbackAbout' || memory.stage === 'callbackContact';
    if (request.status === 'queued' && callbackQuestion && memory.requestId === request.id && (await this.answer(context, text))) return;
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
    switch (memory.stage) {
      case 'rating': {
        const rating = /^\s*([1-5])\s*(\/\s*5|stars?)?\s*[.!]?\s*$/i.exec(text)?.[1];
        await this.memory.set(context, {});
        if (!rating || !memory.requestId) return false;
        await this.handoff.queue.setRating(memory.requestId, Number(rating), this.handoff.clock());
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
        await this.askContactOrBook(context, { ...memory, about, ...this.preferenceIn(text, memory) });
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
        await this.book(context, { ...memory, ...this.preferenceIn(text, memory) }, contact, phone ? 'howPhone' : 'howEmail');
        return true;
      }
      default:
        return false;
    }
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
    await this.askContactOrBook(context, next);
  }

  private async askContactOrBook(context: TurnContext, next: HandoffMemory): Promise<void> {
    const smsNumber = smsPhoneOf(context);
    if (smsNumber) {
      await this.book(context, next, smsNumber, 'howSms');
      return;
    }
    await this.memory.set(context, { ...next, stage: 'callbackContact', contactAttempts: 0 });
    await this.handoff.say(context, 'askContact');
  }

  private async book(context: TurnContext, memory: HandoffMemory, contact: string, how: 'howPhone' | 'howEmail' | 'howSms'): Promise<void> {
    const request = memory.requestId ? ((await this.handoff.queue.get(memory.requestId)) ?? undefined) : undefined;
    const active = request && request.status === 'queued' ? request : undefined;
    const reference = await this.handoff.openCallback({
      context,
      ...(active ? { request: active } : {}),
      ...(memory.pending ? { pending: memory.pending } : {}),
      contact,
      ...(memory.about ? { about: memory.about } : {}),
      ...(memory.preferredTime ? { preferredTime: memory.preferredTime } : {}),
    });
    await this.memory.set(context, {});
    if (!reference) {
      await this.handoff.say(context, 'callbackDeclined', { phone: this.councilPhone() });
      return;
    }
    const channel = context.activity.channelId === 'sms' ? 'sms' : 'web';
    const centre = this.handoff.contactCentre;
    const howText = centre.render(how, channel, { contact: formatPhone(contact) });
    const days = centre.data.queue.callbackWithinWorkingDays;
    const preference = memory.preferredTime;
    const when = preference
      ? centre.render(preference.honoured ? 'callbackTimeHonoured' : 'callbackTimeDeclined', channel, { preference: preference.text, phone: this.councilPhone() })
      : '';
    await this.handoff.say(context, 'callbackBooked', { reference, how: howText, days, within: countOf(days, 'working day'), when });
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
