/**
 * Texts to a number that may never have texted us (a permit sent from a web conversation),
 * through the same Twilio sender the SMS adapter uses. A number that texted STOP gets nothing:
 * its opt-out is kept against the conversation id its number hashes to.
 */
import type { Kysely } from 'kysely';
import type pino from 'pino';
import type { DatabaseSchema } from '../../store/schema.js';
import type { PermitTexts, TextOutcome } from '../../services/tip/permitTexts.js';
import { toGsm7 } from '../../services/channels/smsText.js';
import { conversationIdFor, toE164 } from './phone.js';
import { SmsSendError, TWILIO_OPTED_OUT, TwilioSender } from './sender.js';
import { SmsStore } from './smsStore.js';

export interface TwilioTextsOptions {
  db: Kysely<DatabaseSchema>;
  logger: pino.Logger;
  accountSid: string;
  authToken: string;
  /** The council's number (E.164). */
  phoneNumber: string;
  apiBaseUrl: string;
}

export class TwilioTexts implements PermitTexts {
  private readonly store: SmsStore;
  private readonly sender: TwilioSender;

  constructor(private readonly options: TwilioTextsOptions) {
    const from = toE164(options.phoneNumber);
    if (!from) throw new Error('TwilioTexts: options.phoneNumber is not a phone number');
    this.store = new SmsStore(options.db);
    this.sender = new TwilioSender(options.accountSid, options.authToken, from, options.apiBaseUrl);
  }

  async send(phoneE164: string, text: string): Promise<TextOutcome> {
    const to = toE164(phoneE164);
    if (!to) return 'failed';
    const conversationId = conversationIdFor(to, await this.store.conversationIdKey());
    const conversation = await this.store.find(conversationId);
    if (conversation?.optedOut) {
      this.options.logger.info({ conversationId }, 'text not sent: the number has opted out');
      return 'opted_out';
    }
    try {
      const sent = await this.sender.send({ to, body: toGsm7(text) });
      this.options.logger.info({ conversationId, sid: sent.sid }, 'text sent to a number given on the web');
      return 'sent';
    } catch (error) {
      const code = error instanceof SmsSendError ? error.code : undefined;
      if (code === TWILIO_OPTED_OUT) return 'opted_out';
      this.options.logger.error({ conversationId, code }, 'text to a number given on the web could not be sent');
      return 'failed';
    }
  }
}
