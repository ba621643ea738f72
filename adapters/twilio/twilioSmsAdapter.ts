/**
 * SMS through Twilio, in-process: a BotAdapter whose turns come from Twilio's signed webhook
 * and whose replies go out through Twilio's REST API. One conversation per resident's number
 * (keyed by a hash of it), processed one turn at a time in arrival order, each MessageSid once.
 * The bot is the same as on the web; it renders for SMS because channelId is "sms".
 *
 * Nothing is lost: each text is stored in the inbox (smsInbox.ts) under a lease before its
 * turn runs; the turn's replies, the conversation's state and "answered" are committed in one
 * transaction, and the replies are sent from the outbox (outboxWorker.ts) with retries over
 * minutes. A text whose instance died mid-turn is finished by Twilio's retry or a sweep.
 */
import { randomUUID } from 'node:crypto';
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
import { runAsClient } from '../requestClient.js';
import type { StateWriteDeferral } from '../../store/deferredStateWrites.js';
import { TurnQueueUnavailableError, type ConversationTurnQueue } from '../turnQueue.js';
import type { Encoding } from '../../services/channels/smsText.js';
import { Outbox } from './outbox.js';
import { conversationIdFor, toE164 } from './phone.js';
import { PerNumberRateLimit, type PerNumberLimiter, type RateDecision } from './rateLimit.js';
import { choiceForReply, renderActivity } from './render.js';
import { registerTwilioRoutes, STATUS_PATH } from './routes.js';
import { SmsSendError, TwilioSender } from './sender.js';
import { SmsContent, type SmsMessageId } from './smsContent.js';
import { SmsStore, type SmsConversation } from './smsStore.js';
import { MAX_INBOUND_ATTEMPTS, SmsInbox } from './smsInbox.js';
import { SmsOutboxStore, type OutboxState } from './smsOutbox.js';
import { DEFAULT_OUTBOX_SCHEDULE, SmsOutboxWorker, type OutboxRetrySchedule } from './outboxWorker.js';

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
  /** How long the webhook (or a proactive sender) waits for the texts to go before answering anyway; default 10 s. */
  webhookWaitMs?: number;
  /** Retries of texts in the outbox; default DEFAULT_OUTBOX_SCHEDULE (minutes). */
  outboxSchedule?: Partial<OutboxRetrySchedule>;
  /**
   * Leases on inbound texts and outbox rows: how long a dead instance's work waits before
   * another takes it over (default 30 s), and how often each instance sweeps for such work
   * (default a third of the lease).
   */
  leaseMs?: number;
  sweepEveryMs?: number;
  /**
   * True when this is the only instance (SQLite): at start every unfinished text is its own
   * from before the restart, so it is taken over at once instead of when its lease runs out.
   */
  singleInstance?: boolean;
  /** Holds the turn's state writes back so they commit with "answered" (see DeferredStateWrites). */
  stateWrites?: StateWriteDeferral;
  /**
   * What the resident is told when a text failed every attempt (MAX_INBOUND_ATTEMPTS): it was
   * not processed, text again or how else to get help. Queued like any reply.
   */
  givenUpText?: string;
  /** A reply could not be sent after the last retry: hand the conversation to a person. */
  onUndeliverable?: (conversationId: string) => Promise<void>;
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
  /** A text given up after failing every attempt. */
  givenUp?(): void;
}

export type InboundOutcome =
  | 'processed'
  | 'duplicate'
  | 'opted-out'
  | 'opted-in'
  | 'ignored-opted-out'
  | 'rate-limited'
  | 'unroutable'
  | 'kept-for-later';

type Logic = (context: TurnContext) => Promise<void>;

const OUTBOX = Symbol('sms.outbox');

export class TwilioSmsAdapter extends BotAdapter {
  private readonly store: SmsStore;
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
  private readonly inbox: SmsInbox;
  private readonly outboxStore: SmsOutboxStore;
  private readonly worker: SmsOutboxWorker;
  /** This instance's name on the leases it takes. */
  private readonly owner = `sms-${randomUUID()}`;
  private readonly leaseMs: number;
  private logic: Logic | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly options: TwilioSmsOptions) {
    super();
    for (const key of [
      'db',
      'turnQueue',
      'logger',
      'accountSid',
      'authToken',
      'phoneNumber',
      'publicBaseUrl',
      'apiBaseUrl',
    ] as const) {
      if (!options[key]) throw new Error(`TwilioSmsAdapter needs options.${key}`);
    }
    const councilNumber = toE164(options.phoneNumber, options.defaultCountry ?? 'GB');
    if (!councilNumber) throw new Error('TwilioSmsAdapter: options.phoneNumber is not a phone number');
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.store = new SmsStore(options.db);
    this.content = SmsContent.load(resolve(options.dataDir ?? './data/demo'));
    this.rateLimiter =
      options.rateLimiter ?? new PerNumberRateLimit(options.rateLimit ?? 20, options.rateLimitWindowMs ?? 60_000);
    this.bot = { id: councilNumber, name: options.botName ?? 'council-assistant', role: 'bot' };
    this.settings = {
      greetAfterSilenceMs: options.greetAfterSilenceMs ?? 12 * 3_600_000,
      maxSegmentsPerText: options.maxSegmentsPerText ?? 2,
      webhookWaitMs: options.webhookWaitMs ?? 10_000,
    };
    this.leaseMs = options.leaseMs ?? 30_000;
    this.inbox = new SmsInbox(options.db);
    this.outboxStore = new SmsOutboxStore(options.db);
    this.worker = new SmsOutboxWorker({
      store: this.outboxStore,
      sms: this.store,
      sender: new TwilioSender(options.accountSid, options.authToken, councilNumber, options.apiBaseUrl, {
        maxAttempts: 1,
        baseDelayMs: 0,
        maxDelayMs: 0,
      }),
      logger: this.logger,
      metrics: options.metrics,
      schedule: { ...DEFAULT_OUTBOX_SCHEDULE, ...options.outboxSchedule },
      statusCallback: options.publicBaseUrl.replace(/\/$/, '') + STATUS_PATH,
      leaseMs: this.leaseMs,
      pollMs: options.sweepEveryMs ?? Math.ceil(this.leaseMs / 3),
      onGaveUp: (conversationId) => options.onUndeliverable?.(conversationId) ?? Promise.resolve(),
      now: this.now,
    });
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
    this.logic = logic;
    this.startBackgroundWork(logic);
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
      keepForLater: (params) => this.keepForLater(params),
      status: (params) => this.handleStatus(params),
    });
  }

  /**
   * Proactive messages (an agent's reply, a handoff notice), never to a number that opted out
   * (SmsOptedOutError). Queued in the outbox like every reply, in order with them, so a Twilio
   * outage delays them instead of losing them. The caller waits while the first attempts go
   * (up to webhookWaitMs): a text Twilio refused for good rejects with SmsSendError, so an agent
   * sees it was not delivered; one still being retried resolves, as it will be sent (or, after
   * the last retry, the conversation is handed to a person to phone the resident).
   */
  async continueConversation(reference: Partial<ConversationReference>, logic: Logic): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!conversationId) throw new Error('continueConversation needs reference.conversation.id');
    const queued = await this.options.turnQueue.run(conversationId, async () => {
      const conversation = await this.store.find(conversationId);
      if (!conversation) throw new Error(`No SMS conversation ${conversationId}`);
      const activity = TurnContext.applyConversationReference(
        { type: ActivityTypes.Event, name: 'continueConversation' },
        { ...reference, channelId: CHANNEL_ID, bot: reference.bot ?? this.bot },
        true,
      );
      const outbox = new Outbox();
      await this.runTurn(activity, logic, outbox);
      if (outbox.isEmpty) return [];
      // A proactive send may come at any time, so it looks at the opt-out again.
      if ((await this.store.find(conversationId))?.optedOut ?? true) {
        this.logger.info({ conversationId }, 'SMS not sent: the number has opted out');
        throw new SmsOptedOutError(conversationId);
      }
      const texts = outbox.plan(this.settings.maxSegmentsPerText);
      const segments = texts.reduce((sum, text) => sum + text.segments, 0);
      if (segments > this.settings.maxSegmentsPerText) {
        this.logger.warn(
          { conversationId, texts: texts.length, segments },
          'SMS reply over the routine segment budget',
        );
      }
      return this.options.db.transaction().execute(async (trx) => {
        if (outbox.choices.length) await this.store.setChoices(conversationId, outbox.choices, trx);
        return this.outboxStore.enqueue(trx, conversationId, null, 'proactive', texts, this.now());
      });
    });
    if (queued.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.worker.drainNow(conversationId),
      new Promise((r) => (timer = setTimeout(r, this.settings.webhookWaitMs))),
    ]);
    clearTimeout(timer);
    const refused = (await this.outboxStore.rows(queued)).find((row) => row.state === 'failed');
    if (!refused) return;
    if ((await this.store.find(conversationId))?.optedOut) throw new SmsOptedOutError(conversationId);
    throw new SmsSendError(
      'Twilio did not accept the text',
      refused.last_status ?? undefined,
      refused.last_code ?? undefined,
      Number(refused.attempts),
    );
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

  /** The number a conversation texts from, for the agent console (never logged). */
  async residentPhone(conversationId: string): Promise<string | undefined> {
    return (await this.store.find(conversationId))?.phone;
  }

  /** Retention: forgets inbound texts, queued-and-sent texts and delivery statuses older than `cutoff`. */
  async deleteOlderThan(cutoff: Date): Promise<void> {
    await this.store.deleteOlderThan(cutoff.getTime());
    await this.inbox.deleteOlderThan(cutoff.getTime());
    await this.outboxStore.deleteOlderThan(cutoff.getTime());
  }

  /** Texts in the outbox by state (all instances'), for /metrics. */
  outboxCounts(): Promise<Record<OutboxState, number>> {
    return this.outboxStore.countByState();
  }

  /** Sends what the outbox holds and resolves when nothing is being sent (tests). */
  async outboxIdle(): Promise<void> {
    this.worker.kick();
    await this.worker.idle();
  }

  /** Stops starting turns (a shutdown has begun): texts that arrive now are kept in the inbox for later. */
  stopAccepting(): void {
    this.closing = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }

  private async keepForLater(params: Record<string, string>): Promise<void> {
    const phone = toE164(params.From, this.options.defaultCountry ?? 'GB');
    if (!phone) return;
    const key = this.key ?? (await this.keyPromise);
    await this.inbox.keep(params.MessageSid ?? '', conversationIdFor(phone, key), params, this.now());
  }

  /**
   * Keeps new webhooks' texts for later, waits for turns in progress and texts being sent, up to
   * `graceMs`; whatever is left stays in the inbox and outbox for another instance.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    const pending = Promise.allSettled([...this.inflight, this.sweeping]);
    // The worker stops waiting between retries at once (those texts stay queued), so a webhook
    // waiting for its replies to go is not held for minutes by a Twilio outage.
    await Promise.all([
      Promise.race([pending, new Promise((r) => setTimeout(r, graceMs).unref())]),
      this.worker.close(graceMs),
    ]);
  }

  /** The outbox worker, and the sweep for texts whose instance died before answering them. */
  private startBackgroundWork(logic: Logic): void {
    if (this.sweepTimer) return;
    this.worker.start();
    const sweep = (anyLease: boolean) => {
      if (this.sweeping || this.closing) return;
      this.sweeping = this.sweep(logic, anyLease)
        .catch((err: unknown) => this.logger.warn({ err: errorText(err) }, 'SMS inbox sweep failed'))
        .finally(() => (this.sweeping = undefined));
    };
    sweep(this.options.singleInstance ?? false);
    this.sweepTimer = setInterval(() => sweep(false), this.options.sweepEveryMs ?? Math.ceil(this.leaseMs / 3));
    this.sweepTimer.unref();
  }

  /** Finishes unfinished texts nobody holds (their instance died), oldest first. */
  private async sweep(logic: Logic, anyLease: boolean): Promise<void> {
    const unfinished = await this.inbox.unfinished(this.now(), { everyLease: anyLease });
    for (const text of unfinished) {
      if (this.closing) return;
      await this.track(
        this.options.turnQueue.run(text.conversationId, async () => {
          if (!(await this.inbox.takeOver(text.messageSid, this.owner, this.now(), this.leaseMs, anyLease))) return;
          this.logger.warn(
            { messageSid: text.messageSid, conversationId: text.conversationId },
            'SMS taken over from an instance that stopped before answering it',
          );
          await this.processClaimed(text.messageSid, text.params, logic);
        }),
      ).catch((err: unknown) =>
        this.logger.error({ err: errorText(err), messageSid: text.messageSid }, 'SMS taken over but failed again'),
      );
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    const forget = () => this.inflight.delete(work);
    work.then(forget, forget);
    return work;
  }

  /**
   * One verified inbound message. Queued by conversation before anything asynchronous, so
   * messages from one number run in the order their webhooks arrived. Resolves once its
   * replies are in the outbox and sent (or being retried).
   */
  private async handleInbound(params: Record<string, string>, logic: Logic): Promise<InboundOutcome> {
    const phone = toE164(params.From, this.options.defaultCountry ?? 'GB');
    const messageSid = params.MessageSid ?? '';
    if (!phone) return 'unroutable';
    const key = this.key ?? (await this.keyPromise);
    const conversationId = conversationIdFor(phone, key);
    const queued = this.options.turnQueue.run(conversationId, async () => {
      // Holding the conversation's turn lock means nobody alive is working on its texts (a turn
      // holds it from claim to answer), so an unfinished one is a dead instance's, whatever its lease.
      const claim = await this.inbox.claim(messageSid, conversationId, params, this.owner, this.now(), this.leaseMs);
      if (claim === 'answered') return 'duplicate' as const;
      if (claim === 'busy' && !(await this.inbox.takeOver(messageSid, this.owner, this.now(), this.leaseMs, true)))
        return 'duplicate' as const;
      // Anything this number sent earlier that a dead instance left unanswered goes first.
      for (const earlier of await this.inbox.unfinished(this.now(), { conversationId, everyLease: true })) {
        if (earlier.messageSid === messageSid) continue;
        if (!(await this.inbox.takeOver(earlier.messageSid, this.owner, this.now(), this.leaseMs, true))) continue;
        await this.processClaimed(earlier.messageSid, earlier.params, logic);
      }
      return this.processClaimed(messageSid, params, logic);
    });
    let outcome: InboundOutcome;
    try {
      outcome = await queued;
    } catch (error) {
      if (!(error instanceof TurnQueueUnavailableError)) throw error;
      // Turns cannot be ordered just now (Redis is away): keep the text; a sweep answers it when they can.
      await this.keepForLater(params);
      this.logger.warn({ messageSid, conversationId }, 'SMS kept for later: turn ordering is unavailable');
      return 'kept-for-later';
    }
    // The webhook answers once the replies went (or after webhookWaitMs): they are stored either way.
    if (outcome !== 'duplicate') await this.worker.drainNow(conversationId);
    return outcome;
  }

  /**
   * Runs a text this instance holds the lease on, to the end: the turn with its state writes
   * held back, then one transaction with the state, the replies queued and "answered". The
   * lease is renewed while it runs; a failure lets it go, so the text is tried again.
   */
  private async processClaimed(
    messageSid: string,
    params: Record<string, string>,
    logic: Logic,
  ): Promise<InboundOutcome> {
    // The number is the client for velocity limits (the webhook's address is Twilio's own),
    // whether the text came in a webhook or was picked up by a sweep.
    const from = toE164(params.From, this.options.defaultCountry ?? 'GB');
    if (!from) return this.processClaimedText(messageSid, params, logic);
    const client = `sms:${conversationIdFor(from, this.key ?? (await this.keyPromise))}`;
    return runAsClient(client, () => this.processClaimedText(messageSid, params, logic));
  }

  private async processClaimedText(
    messageSid: string,
    params: Record<string, string>,
    logic: Logic,
  ): Promise<InboundOutcome> {
    const phone = toE164(params.From, this.options.defaultCountry ?? 'GB');
    if (!phone) {
      await this.inbox.markFailed(messageSid, this.now());
      return 'unroutable';
    }
    const key = this.key ?? (await this.keyPromise);
    const conversationId = conversationIdFor(phone, key);
    if ((await this.inbox.attempts(messageSid)) > MAX_INBOUND_ATTEMPTS) {
      await this.giveUp(messageSid, conversationId, phone);
      return 'processed';
    }
    const renew = setInterval(
      () => {
        this.inbox.renew(messageSid, this.owner, this.now() + this.leaseMs).catch(() => undefined);
      },
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );
    renew.unref();
    try {
      const now = this.now();
      const conversation = await this.store.conversationFor(conversationId, phone, now);
      const run = this.options.stateWrites
        ? await this.options.stateWrites.defer(() => this.processInbound(conversation, params, logic, now))
        : { result: await this.processInbound(conversation, params, logic, now), flush: async () => undefined };
      const { outcome, outbox, allowOptedOut, touched } = run.result;
      const optedOut = (await this.store.find(conversationId))?.optedOut ?? conversation.optedOut;
      await this.options.db.transaction().execute(async (trx) => {
        await run.flush(trx);
        if (touched) await this.store.touchInbound(conversationId, now, trx);
        if (!outbox.isEmpty) {
          const choices = outbox.choices;
          if (choices.length || conversation.choices.length) await this.store.setChoices(conversationId, choices, trx);
          if (!optedOut || allowOptedOut) {
            const texts = outbox.plan(this.settings.maxSegmentsPerText);
            const segments = texts.reduce((sum, text) => sum + text.segments, 0);
            if (segments > this.settings.maxSegmentsPerText) {
              this.logger.warn(
                { conversationId, texts: texts.length, segments },
                'SMS reply over the routine segment budget',
              );
            }
            await this.outboxStore.enqueue(
              trx,
              conversationId,
              messageSid,
              allowOptedOut ? 'opt-out' : 'reply',
              texts,
              this.now(),
            );
          } else {
            this.logger.info({ conversationId }, 'SMS not sent: the number has opted out');
          }
        }
        await this.inbox.markAnswered(trx, messageSid, this.owner, this.now());
      });
      this.worker.kick();
      return outcome;
    } catch (error) {
      // Let Twilio's retry, or the next sweep, have another go.
      await this.inbox.release(messageSid, this.owner).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(renew);
    }
  }

  /** Marks a text that failed every attempt failed and, with it, queues the apology that asks the resident to text again. */
  private async giveUp(messageSid: string, conversationId: string, phone: string): Promise<void> {
    this.logger.error({ messageSid, conversationId }, 'SMS given up after failing every attempt');
    this.options.metrics?.givenUp?.();
    const text = this.options.givenUpText;
    // The number's first text may be the one given up: the outbox sends only to numbers it knows.
    const { optedOut } = await this.store.conversationFor(conversationId, phone, this.now());
    await this.options.db.transaction().execute(async (trx) => {
      if (text && !optedOut) {
        const reply = new Outbox();
        reply.add({ text, choices: [] });
        await this.outboxStore.enqueue(
          trx,
          conversationId,
          messageSid,
          'reply',
          reply.plan(this.settings.maxSegmentsPerText),
          this.now(),
        );
      }
      await this.inbox.markFailed(messageSid, this.now(), trx);
    });
    this.worker.kick();
  }

  private async processInbound(
    conversation: SmsConversation,
    params: Record<string, string>,
    logic: Logic,
    now: number,
  ): Promise<{ outcome: InboundOutcome; outbox: Outbox; allowOptedOut?: boolean; touched?: boolean }> {
    const { conversationId } = conversation;
    const text = (params.Body ?? '').trim();
    const resident: ChannelAccount = { id: `sms-user-${conversationId.slice('sms-'.length)}`, name: '', role: 'user' };
    const activity = this.inboundActivity(conversation, resident, params, text, now);
    const keyword = this.content.keywordOf(text);
    const outbox = new Outbox();

    if (keyword === 'optOut') {
      // Recorded before the confirmation is queued, so a crash in between never leaves them subscribed.
      await this.store.setOptedOut(conversationId, true, now);
      await this.confirm(activity, 'optedOut', outbox);
      this.logger.info({ conversationId, messageSid: params.MessageSid }, 'SMS opt-out recorded');
      return { outcome: 'opted-out', outbox, allowOptedOut: true };
    }
    if (keyword === 'optIn' || (keyword === 'optInWhenOptedOut' && conversation.optedOut)) {
      await this.store.setOptedOut(conversationId, false, now);
      await this.confirm(activity, 'optedIn', outbox);
      this.logger.info({ conversationId, messageSid: params.MessageSid }, 'SMS opt-in recorded');
      return { outcome: 'opted-in', outbox };
    }
    if (conversation.optedOut) return { outcome: 'ignored-opted-out', outbox };

    const rate = await this.rateDecision(conversationId, now);
    if (rate !== 'allow') {
      if (rate === 'warn') await this.confirm(activity, 'slowDown', outbox);
      this.logger.warn({ conversationId, messageSid: params.MessageSid }, 'SMS rate limit reached');
      return { outcome: 'rate-limited', outbox };
    }

    const choice = choiceForReply(text, conversation.choices);
    if (choice) {
      activity.text = choice.value;
      // The number as texted, for the assistant to tell a list position from a house number.
      activity.channelData = { ...(activity.channelData as object), typed: text };
    }

    const silent =
      conversation.lastInboundAt === null || now - conversation.lastInboundAt > this.settings.greetAfterSilenceMs;
    // The greeting and the answer share one outbox, so they usually arrive as one text.
    if (silent) {
      // A new number, or one back after a long silence: greet (the bot drops any half-finished
      // dialog on membersAdded) instead of resuming an old question without saying so.
      await this.runTurn(
        {
          ...activity,
          id: `${activity.id}-start`,
          type: ActivityTypes.ConversationUpdate,
          text: undefined,
          membersAdded: [resident],
        },
        logic,
        outbox,
      );
    }
    await this.runTurn(activity, logic, outbox);
    return { outcome: 'processed', outbox, touched: true };
  }

  /**
   * A limiter that cannot answer (Redis down) lets the message through: a resident is never
   * ignored because of the council's plumbing, and Twilio's own limits still apply.
   */
  private async rateDecision(conversationId: string, now: number): Promise<RateDecision> {
    try {
      return await this.rateLimiter.check(conversationId, now);
    } catch (error) {
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error), conversationId },
        'SMS rate limiter unavailable; message allowed',
      );
      return 'allow';
    }
  }

  /** The adapter's own replies (keywords, slow down) still run as turns, so middleware sees them. */
  private confirm(activity: Partial<Activity>, id: SmsMessageId, outbox: Outbox): Promise<void> {
    const text = this.content.text(id);
    return this.runTurn(
      activity,
      async (context) => {
        await context.sendActivity({ type: ActivityTypes.Message, text });
      },
      outbox,
    );
  }

  private inboundActivity(
    conversation: SmsConversation,
    resident: ChannelAccount,
    params: Record<string, string>,
    text: string,
    now: number,
  ): Partial<Activity> {
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

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
