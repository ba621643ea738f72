/**
 * SMS through Twilio, in-process: a BotAdapter whose turns come from Twilio's signed webhook
 * and whose replies go out through Twilio's REST API. One conversation per resident's number
 * (keyed by a hash of it), processed one turn at a time in arrival order, each MessageSid once.
 * The bot is the same as on the web; it renders for SMS because channelId is "sms".
 */
import { resolve } from 'node:path';
import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ChannelAccount,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { Kysely } from 'kysely';
import type { CountryCode } from 'libphonenumber-js';
import type pino from 'pino';
import type restify from 'restify';
import type { DatabaseSchema } from '../../store/schema.js';
import type { ConversationTurnQueue } from '../turnQueue.js';
import type { Encoding } from './gsm.js';
import { Outbox } from './outbox.js';
import { conversationIdFor, toE164 } from './phone.js';
import { PerNumberRateLimit, type PerNumberLimiter, type RateDecision } from './rateLimit.js';
import { choiceForReply, renderActivity } from './render.js';
import { registerTwilioRoutes, STATUS_PATH } from './routes.js';
import { DEFAULT_RETRY, SmsSendError, TWILIO_OPTED_OUT, TwilioSender, type RetryPolicy } from './sender.js';
import { SmsContent, type SmsMessageId } from './smsContent.js';
import { SmsStore, type SmsConversation } from './smsStore.js';

export const CHANNEL_ID = 'sms';

/** Thrown by continueConversation when the resident has texted STOP: nothing was sent. */
export class SmsOptedOutError extends Error {
  constructor(readonly conversationId: string) {
    super(`SMS conversation ${conversationId} has opted out of texts; nothing was sent`);
    this.name = 'SmsOptedOutError';
  }
}

export interface TwilioSmsOptions {
  db: Kysely<DatabaseSchema>;
  turnQueue: ConversationTurnQueue;
  logger: pino.Logger;
  accountSid: string;
  authToken: string;
  /** The council's number (E.164); messages to any other number are refused. */
  phoneNumber: string;
  /** The URL Twilio signs against (PUBLIC_BASE_URL), without the path. */
  publicBaseUrl: string;
  /** Twilio's REST API (TWILIO_API_BASE_URL); a local fake in tests. */
  apiBaseUrl: string;
  maxBodyBytes: number;
  /** Folder with sms.json and messages.json (COUNCIL_DATA_DIR); default ./data/demo. */
  dataDir?: string;
  /** After this long without a message the assistant greets again; default 12 hours. */
  greetAfterSilenceMs?: number;
  /** Messages a number may send per window before "please slow down"; default 20. */
  rateLimit?: number;
  /** default 60 s. */
  rateLimitWindowMs?: number;
  /**
   * Counts messages per number; by default in this process (rateLimit per rateLimitWindowMs).
   * Several instances pass a shared one (RedisPerNumberRateLimit) so a number counts once.
   */
  rateLimiter?: PerNumberLimiter;
  /** A reply longer than this many segments is split into separate texts; default 2. */
  maxSegmentsPerText?: number;
  /** How long the webhook waits for the turn before answering Twilio anyway; default 10 s. */
  webhookWaitMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Region for numbers written without a country code; default GB. */
  defaultCountry?: CountryCode;
  /** The bot's display name on activities; default "council-assistant". */
  botName?: string;
  /** Counts for /metrics (segments sent, webhook outcomes); never personal data. */
  metrics?: SmsMetrics;
  /** The clock (tests move it on to check greeting after silence). */
  now?: () => number;
}

export interface SmsMetrics {
  textSent(info: { segments: number; encoding: Encoding; kind: 'reply' | 'proactive' }): void;
  textFailed(info: { status: number | undefined; code: number | undefined }): void;
  webhook(outcome: InboundOutcome | 'forbidden' | 'too-large' | 'bad-request' | 'error'): void;
}

export type InboundOutcome =
  | 'processed' | 'duplicate' | 'opted-out' | 'opted-in' | 'ignored-opted-out' | 'rate-limited' | 'unroutable';

type Logic = (context: TurnContext) => Promise<void>;

interface TurnOptions {
  conversation: SmsConversation;
  kind: 'reply' | 'proactive';
  /** Only the opt-out confirmation goes to a number that has opted out. */
  allowOptedOut?: boolean;
  /** Proactive senders (agents) need to know when a text could not be sent. */
  throwOnSendFailure?: boolean;
}

const OUTBOX = Symbol('sms.outbox');

export class TwilioSmsAdapter extends BotAdapter {
  private readonly store: SmsStore;
  private readonly sender: TwilioSender;
  private readonly content: SmsContent;
  private readonly rateLimiter: PerNumberLimiter;
  private readonly logger: pino.Logger;
  private readonly bot: ChannelAccount;
  private readonly now: () => number;
  private readonly settings: { greetAfterSilenceMs: number; maxSegmentsPerText: number; webhookWaitMs: number };
  private readonly keyPromise: Promise<Uint8Array>;
  private key: Uint8Array | undefined;
  private readonly inflight = new Set<Promise<unknown>>();
  private nextReplyId = 0;
  private closing = false;

  constructor(private readonly options: TwilioSmsOptions) {
    super();
    for (const key of ['db', 'turnQueue', 'logger', 'accountSid', 'authToken', 'phoneNumber', 'publicBaseUrl', 'apiBaseUrl'] as const) {
      if (!options[key]) throw new Error(`TwilioSmsAdapter needs options.${key}`);
    }
    const councilNumber = toE164(options.phoneNumber, options.defaultCountry ?? 'GB');
    if (!councilNumber) throw new Error('TwilioSmsAdapter: options.phoneNumber is not a phone number');
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.store = new SmsStore(options.db);
    this.content = SmsContent.load(resolve(options.dataDir ?? './data/demo'));
    this.rateLimiter = options.rateLimiter ?? new PerNumberRateLimit(options.rateLimit ?? 20, options.rateLimitWindowMs ?? 60_000);
    this.sender = new TwilioSender(options.accountSid, options.authToken, councilNumber, options.apiBaseUrl, { ...DEFAULT_RETRY, ...options.retry });
    this.bot = { id: councilNumber, name: options.botName ?? 'council-assistant', role: 'bot' };
    this.settings = {
      greetAfterSilenceMs: options.greetAfterSilenceMs ?? 12 * 3_600_000,
      maxSegmentsPerText: options.maxSegmentsPerText ?? 2,
      webhookWaitMs: options.webhookWaitMs ?? 10_000,
    };
    this.keyPromise = this.store.conversationIdKey().then((key) => (this.key = key));
    // Surfaced on first use; an unhandled rejection here would crash the process at start.
    this.keyPromise.catch(() => undefined);
  }

  /** The council's number, E.164. */
  get councilNumber(): string {
    return this.bot.id;
  }

  /** POST /api/sms/twilio (inbound) and /api/sms/twilio/status (delivery callbacks). */
  registerRoutes(server: restify.Server, logic: Logic): void {
    registerTwilioRoutes(server, {
      authToken: this.options.authToken,
      accountSid: this.options.accountSid,
      publicBaseUrl: this.options.publicBaseUrl,
      maxBodyBytes: this.options.maxBodyBytes,
      councilNumber: this.councilNumber,
      defaultCountry: this.options.defaultCountry ?? 'GB',
      webhookWaitMs: this.settings.webhookWaitMs,
      logger: this.logger,
      metrics: this.options.metrics,
      isClosing: () => this.closing,
      track: (work) => this.track(work),
      inbound: (params) => this.handleInbound(params, logic),
      status: (params) => this.handleStatus(params),
    });
  }

  /** Proactive messages (agent replies, confirmations), always by REST; never to an opted-out number. */
  async continueConversation(reference: Partial<ConversationReference>, logic: Logic): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!conversationId) throw new Error('continueConversation needs reference.conversation.id');
    await this.options.turnQueue.run(conversationId, async () => {
      const conversation = await this.store.find(conversationId);
      if (!conversation) throw new Error(`No SMS conversation ${conversationId}`);
      const activity = TurnContext.applyConversationReference(
        { type: ActivityTypes.Event, name: 'continueConversation' },
        { ...reference, channelId: CHANNEL_ID, bot: reference.bot ?? this.bot },
        true,
      );
      await this.runAndDeliver(activity, logic, { conversation, kind: 'proactive', throwOnSendFailure: true });
    });
  }

  /** Collects the turn's replies; they are sent together when the turn ends (see Outbox). */
  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const outbox: unknown = context.turnState.get(OUTBOX);
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      const rendered = renderActivity(activity);
      if (!rendered) {
        responses.push({ id: '' });
        continue;
      }
      if (!(outbox instanceof Outbox)) throw new Error('SMS replies can only be sent from a turn this adapter started');
      outbox.add(rendered);
      this.nextReplyId += 1;
      responses.push({ id: `sms-reply-${this.nextReplyId}` });
    }
    return responses;
  }

  /** A text already sent cannot be changed. */
  async updateActivity(): Promise<void> {
    throw new Error('SMS does not support updating messages');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('SMS does not support deleting messages');
  }

  /** Retention: forgets processed MessageSids and delivery statuses older than `cutoff`. */
  deleteOlderThan(cutoff: Date): Promise<void> {
    return this.store.deleteOlderThan(cutoff.getTime());
  }

  /** Refuses new webhooks (503) and waits for turns in progress, up to `graceMs`. */
  async close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    const pending = Promise.allSettled([...this.inflight]);
    await Promise.race([pending, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    const forget = () => this.inflight.delete(work);
    work.then(forget, forget);
    return work;
  }

  /**
   * One verified inbound message. Queued by conversation before anything asynchronous, so
   * messages from one number run in the order their webhooks arrived.
   */
  private async handleInbound(params: Record<string, string>, logic: Logic): Promise<InboundOutcome> {
    const phone = toE164(params.From, this.options.defaultCountry ?? 'GB');
    const messageSid = params.MessageSid ?? '';
    if (!phone) return 'unroutable';
    const key = this.key ?? (await this.keyPromise);
    const conversationId = conversationIdFor(phone, key);
    return this.options.turnQueue.run(conversationId, async () => {
      const now = this.now();
      if (!(await this.store.claimInbound(messageSid, conversationId, now))) return 'duplicate';
      try {
        return await this.processInbound(conversationId, phone, params, logic, now);
      } catch (error) {
        // Let Twilio's retry (or the fallback URL) have another go.
        await this.store.releaseInbound(messageSid).catch(() => undefined);
        throw error;
      }
    });
  }

  private async processInbound(conversationId: string, phone: string, params: Record<string, string>, logic: Logic, now: number): Promise<InboundOutcome> {
    const conversation = await this.store.conversationFor(conversationId, phone, now);
    const text = (params.Body ?? '').trim();
    const resident: ChannelAccount = { id: `sms-user-${conversationId.slice('sms-'.length)}`, name: '', role: 'user' };
    const activity = this.inboundActivity(conversation, resident, params, text, now);
    const keyword = this.content.keywordOf(text);

    if (keyword === 'optOut') {
      // Recorded before the confirmation goes, so a crash in between never leaves them subscribed.
      await this.store.setOptedOut(conversationId, true, now);
      await this.confirm(activity, 'optedOut', { conversation, kind: 'reply', allowOptedOut: true });
      this.logger.info({ conversationId, messageSid: params.MessageSid }, 'SMS opt-out recorded');
      return 'opted-out';
    }
    if (keyword === 'optIn' || (keyword === 'optInWhenOptedOut' && conversation.optedOut)) {
      await this.store.setOptedOut(conversationId, false, now);
      await this.confirm(activity, 'optedIn', { conversation: { ...conversation, optedOut: false }, kind: 'reply' });
      this.logger.info({ conversationId, messageSid: params.MessageSid }, 'SMS opt-in recorded');
      return 'opted-in';
    }
    if (conversation.optedOut) return 'ignored-opted-out';

    const rate = await this.rateDecision(conversationId, now);
    if (rate !== 'allow') {
      if (rate === 'warn') await this.confirm(activity, 'slowDown', { conversation, kind: 'reply' });
      this.logger.warn({ conversationId, messageSid: params.MessageSid }, 'SMS rate limit reached');
      return 'rate-limited';
    }

    const choice = choiceForReply(text, conversation.choices);
    if (choice) {
      activity.text = choice.value;
      // The number as texted, for the assistant to tell a list position from a house number.
      activity.channelData = { ...(activity.channelData as object), typed: text };
    }

    const silent = conversation.lastInboundAt === null || now - conversation.lastInboundAt > this.settings.greetAfterSilenceMs;
    await this.store.touchInbound(conversationId, now);
    // The greeting and the answer share one outbox, so they usually arrive as one text.
    const outbox = new Outbox();
    if (silent) {
      // A new number, or one back after a long silence: greet (the bot drops any half-finished
      // dialog on membersAdded) instead of resuming an old question without saying so.
      await this.runTurn(
        { ...activity, id: `${activity.id}-start`, type: ActivityTypes.ConversationUpdate, text: undefined, membersAdded: [resident] },
        logic,
        outbox,
      );
    }
    await this.runTurn(activity, logic, outbox);
    await this.deliver(outbox, activity, { conversation, kind: 'reply' });
    return 'processed';
  }

  /**
   * A limiter that cannot answer (Redis down) lets the message through: a resident is never
   * ignored because of the council's plumbing, and Twilio's own limits still apply.
   */
  private async rateDecision(conversationId: string, now: number): Promise<RateDecision> {
    try {
      return await this.rateLimiter.check(conversationId, now);
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error), conversationId }, 'SMS rate limiter unavailable; message allowed');
      return 'allow';
    }
  }

  /** The adapter's own replies (keywords, slow down) still run as turns, so middleware sees them. */
  private confirm(activity: Partial<Activity>, id: SmsMessageId, options: TurnOptions): Promise<void> {
    const text = this.content.text(id);
    return this.runAndDeliver(activity, async (context) => {
      await context.sendActivity({ type: ActivityTypes.Message, text });
    }, options);
  }

  private inboundActivity(conversation: SmsConversation, resident: ChannelAccount, params: Record<string, string>, text: string, now: number): Partial<Activity> {
    return {
      type: ActivityTypes.Message,
      id: params.MessageSid,
      channelId: CHANNEL_ID,
      serviceUrl: this.options.publicBaseUrl,
      timestamp: new Date(now),
      locale: 'en-GB',
      textFormat: 'plain',
      text,
      from: resident,
      recipient: this.bot,
      conversation: { id: conversation.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      channelData: {
        phone: conversation.phone,
        messageSid: params.MessageSid,
        numSegments: Number(params.NumSegments ?? 1),
        numMedia: Number(params.NumMedia ?? 0),
      },
    };
  }

  /** Runs one turn through the middleware (transcripts, metrics…) and onTurnError; replies collect in `outbox`. */
  private async runTurn(activity: Partial<Activity>, logic: Logic, outbox: Outbox): Promise<void> {
    const context = new TurnContext(this, activity);
    context.turnState.set(OUTBOX, outbox);
    await this.runMiddleware(context, logic);
  }

  private async runAndDeliver(activity: Partial<Activity>, logic: Logic, options: TurnOptions): Promise<void> {
    const outbox = new Outbox();
    await this.runTurn(activity, logic, outbox);
    await this.deliver(outbox, activity, options);
  }

  private async deliver(outbox: Outbox, activity: Partial<Activity>, options: TurnOptions): Promise<void> {
    const { conversationId } = options.conversation;
    if (outbox.isEmpty) return;

    const choices = outbox.choices;
    if (choices.length || (activity.type === ActivityTypes.Message && options.conversation.choices.length)) {
      await this.store.setChoices(conversationId, choices);
    }

    // A reply's turn loaded the conversation inside this number's queue, so its opt-out is
    // current; a proactive send may come at any time and looks again.
    const latest = options.kind === 'reply' ? options.conversation : await this.store.find(conversationId);
    if (!latest || (latest.optedOut && !options.allowOptedOut)) {
      this.logger.info({ conversationId }, 'SMS not sent: the number has opted out');
      // An agent's reply that cannot go must not look delivered in the agent console.
      if (options.throwOnSendFailure) throw new SmsOptedOutError(conversationId);
      return;
    }

    const texts = outbox.plan(this.settings.maxSegmentsPerText);
    const totalSegments = texts.reduce((sum, text) => sum + text.segments, 0);
    if (totalSegments > this.settings.maxSegmentsPerText) {
      this.logger.warn({ conversationId, texts: texts.length, segments: totalSegments }, 'SMS reply over the routine segment budget');
    }
    for (const text of texts) {
      try {
        const sent = await this.sender.send({ to: latest.phone, body: text.body, statusCallback: this.options.publicBaseUrl.replace(/\/$/, '') + STATUS_PATH });
        const segments = sent.segments ?? text.segments;
        await this.store.recordSent(sent.sid, conversationId, segments, sent.status, this.now());
        this.options.metrics?.textSent({ segments: text.segments, encoding: text.encoding, kind: options.kind });
        this.logger.info({ conversationId, sid: sent.sid, segments: text.segments, encoding: text.encoding, attempts: sent.attempts }, 'SMS sent');
      } catch (error) {
        const status = error instanceof SmsSendError ? error.status : undefined;
        const code = error instanceof SmsSendError ? error.code : undefined;
        this.options.metrics?.textFailed({ status, code });
        if (code === TWILIO_OPTED_OUT) {
          // Twilio's own STOP handling got there first: record it so we stop trying.
          await this.store.setOptedOut(conversationId, true, this.now());
          this.logger.info({ conversationId, code }, 'SMS refused by Twilio: the number has opted out');
          return;
        }
        this.logger.error({ conversationId, status, code, attempts: error instanceof SmsSendError ? error.attempts : undefined }, 'SMS could not be sent');
        if (options.throwOnSendFailure) throw error;
        return;
      }
    }
  }

  private async handleStatus(params: Record<string, string>): Promise<void> {
    const sid = params.MessageSid ?? params.SmsSid;
    const status = params.MessageStatus ?? params.SmsStatus;
    if (!sid || !status) return;
    const errorCode = params.ErrorCode ? Number(params.ErrorCode) : null;
    await this.store.recordStatus(sid, status, Number.isFinite(errorCode) ? errorCode : null, this.now());
    const level = status === 'failed' || status === 'undelivered' ? 'warn' : 'debug';
    this.logger[level]({ sid, status, errorCode }, 'SMS delivery status');
  }
}
