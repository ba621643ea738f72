/**
 * Our own Direct Line 3.0 channel for Web Chat, in-process: a BotAdapter whose incoming
 * activities arrive over the /v3/directline routes and whose replies are stored with the
 * next watermark and pushed to open WebSocket streams. Everything a resident sends or is sent
 * is in the database before anyone is told about it, so a restart loses nothing; with the
 * inbox, a message whose turn a crash cut short is finished by a sweep on every instance.
 */
import { randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ChannelAccount,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type restify from 'restify';
import type pino from 'pino';
import { DEFAULT_MAX_TEXT_LENGTH } from './activitySchema.js';
import { Credentials } from './auth/credentials.js';
import { TokenService } from './auth/tokens.js';
import type { ConversationEvents } from './conversationEvents.js';
import type { DirectLineConversationStore } from './conversationStore.js';
import {
  CHANNEL_ID,
  DirectLineConversations,
  activityId,
  turnQueueKey,
  type ConversationGrant,
  type ReplyBatch,
} from './conversations.js';
import { registerDirectLineRoutes } from './routes.js';
import { DirectLineStreams } from './stream.js';
import type { ConversationTurnQueue } from '../turnQueue.js';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../store/schema.js';
import type { StateWriteDeferral } from '../../store/deferredStateWrites.js';
import { DirectLineInbox } from './inbox.js';

export interface DirectLineInboxOptions {
  db: Kysely<DatabaseSchema>;
  /** How long a dead instance's hold on a message lasts (renewed every third of it while alive). */
  leaseMs: number;
  /** How often every instance looks for messages nobody is answering; default a third of the lease. */
  sweepEveryMs?: number;
  /** The only instance (SQLite): at start every unanswered message is its own, taken at once. */
  singleInstance?: boolean;
  stateWrites?: StateWriteDeferral;
  /**
   * What the resident is told, as the reply to a message that failed every attempt (see
   * MAX_ATTEMPTS): it was not processed, send it again or how else to get help.
   */
  givenUpText?: string;
  /** Counts a message given up (for /metrics). */
  onGivenUp?: () => void;
}

export interface DirectLineOptions {
  store: DirectLineConversationStore;
  /** Fan-out of "new activity in conversation X" to open sockets (in-process or Redis). */
  events: ConversationEvents;
  /** Serialises the turns of one conversation. */
  turnQueue: ConversationTurnQueue;
  logger: pino.Logger;
  /** HMAC key for the JWTs, at least 32 bytes. */
  tokenSigningKey: Uint8Array;
  /** DIRECTLINE_SECRET: allowed for tokens/generate and starting conversations. */
  secret?: string;
  tokenTtlSeconds: number;
  /** Tokens are not refreshed past this age from a conversation's first token; default 12 hours. */
  tokenMaxAgeSeconds?: number;
  /** Open streams per conversation on this instance before more are refused (429); default 5. */
  maxStreamsPerConversation?: number;
  /** Conversations idle this long are closed by closeIdleConversations; posting then gets 410. */
  conversationIdleMinutes: number;
  /** Request bodies above this get 413. */
  maxBodyBytes: number;
  botId: string;
  botName: string;
  /** Longest message text accepted (413 TextTooLong above it); default 4000 characters. */
  maxTextLength?: number;
  /** Keep-alive interval for WebSocket streams; default 30 s. */
  keepAliveMs?: number;
  /** CORS Access-Control-Allow-Origin; default "*". */
  allowedOrigin?: string;
  /** Keep every message in the inbox until its turn has finished (see inbox.ts). */
  inbox?: DirectLineInboxOptions;
}

const SKIP_REPLIES = Symbol('directline.skipReplies');
/** The turn's replies are kept here and stored with its outcome (see ReplyBatch). */
const REPLY_BATCH = Symbol('directline.replyBatch');

/** How long a bot's `delay` activity may pause a turn, whatever it asks for. */
const MAX_DELAY_MS = 10_000;

export class DirectLineAdapter extends BotAdapter {
  private readonly conversations: DirectLineConversations;
  private readonly streams: DirectLineStreams;
  private readonly bot: ChannelAccount;
  private readonly logger: pino.Logger;
  private closing = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private readonly inbox: DirectLineInbox | undefined;

  constructor(private readonly options: DirectLineOptions) {
    super();
    for (const key of ['store', 'events', 'turnQueue', 'logger', 'tokenSigningKey'] as const) {
      if (!options[key]) throw new Error(`DirectLineAdapter needs options.${key}`);
    }
    this.logger = options.logger;
    this.bot = { id: options.botId, name: options.botName, role: 'bot' };
    this.inbox = options.inbox && new DirectLineInbox(options.inbox.db);
    const tokens = new TokenService(options.tokenSigningKey);
    this.conversations = new DirectLineConversations({
      store: options.store,
      events: options.events,
      turnQueue: options.turnQueue,
      tokens,
      credentials: new Credentials(tokens, options.secret),
      logger: options.logger,
      tokenTtlSeconds: options.tokenTtlSeconds,
      tokenMaxAgeSeconds: options.tokenMaxAgeSeconds ?? 12 * 3600,
      conversationIdleMinutes: options.conversationIdleMinutes,
      maxTextLength: options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH,
      bot: this.bot,
      runTurn: (activity, logic, skipReplies, replies) => this.runTurn(activity, logic, skipReplies, replies),
      ...(options.inbox && this.inbox
        ? {
            inbox: {
              inbox: this.inbox,
              db: options.inbox.db,
              stateWrites: options.inbox.stateWrites,
              owner: `directline-${randomUUID()}`,
              leaseMs: options.inbox.leaseMs,
              givenUpText: options.inbox.givenUpText,
              onGivenUp: options.inbox.onGivenUp,
            },
          }
        : {}),
    });
    this.streams = new DirectLineStreams({
      conversations: this.conversations,
      events: options.events,
      logger: options.logger,
      keepAliveMs: options.keepAliveMs ?? 30_000,
      maxStreamsPerConversation: options.maxStreamsPerConversation ?? 5,
    });
  }

  /** Registers every /v3/directline route (and OPTIONS/CORS) on the server; `logic` runs each turn. */
  registerRoutes(server: restify.Server, logic: (context: TurnContext) => Promise<void>): void {
    this.startSweeping(logic);
    registerDirectLineRoutes(server, {
      conversations: this.conversations,
      logger: this.logger,
      maxBodyBytes: this.options.maxBodyBytes,
      allowedOrigin: this.options.allowedOrigin ?? '*',
      isClosing: () => this.closing,
      logic,
    });
  }

  /** Attaches the WebSocket upgrade handler to the server's http.Server (server.server). */
  attachWebSockets(server: restify.Server): void {
    this.streams.attach(server.server);
  }

  /** Mints a token for a new conversation, as a council's own web backend would with the secret. */
  issueToken(options?: { userId?: string; userName?: string }): Promise<ConversationGrant> {
    return this.conversations.issueToken(options);
  }

  /** Proactive messages: runs `logic` with a context whose sends reach the resident's Web Chat. */
  async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!conversationId) throw new Error('continueConversation needs reference.conversation.id');
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'continueConversation' },
      { ...reference, channelId: CHANNEL_ID, bot: reference.bot ?? this.bot },
      true,
    );
    await this.options.turnQueue.run(turnQueueKey(conversationId), () => this.runTurn(activity, logic));
  }

  /** Stores each reply with the next watermark and publishes it to the conversation's streams. */
  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    const skip: { left: number } | undefined = context.turnState.get(SKIP_REPLIES);
    const batch: ReplyBatch | undefined = context.turnState.get(REPLY_BATCH);
    for (const activity of activities) {
      if (activity.type === 'delay' && batch) {
        // The turn's replies are shown together once it commits, so a pause between them
        // would only hold the conversation longer.
        responses.push({ id: '' });
        continue;
      }
      if (activity.type === 'delay') {
        const ms = typeof activity.value === 'number' ? Math.min(Math.max(activity.value, 0), MAX_DELAY_MS) : 1000;
        await new Promise((resolve) => setTimeout(resolve, ms));
        responses.push({ id: '' });
        continue;
      }
      // Trace activities are for the Emulator, invoke responses for Teams; Web Chat gets neither.
      if (activity.type === ActivityTypes.Trace || activity.type === ActivityTypes.InvokeResponse) {
        responses.push({ id: '' });
        continue;
      }
      if (skip && skip.left > 0) {
        // Stored by this message's first run, before its instance died.
        skip.left -= 1;
        responses.push({ id: '' });
        continue;
      }
      const conversationId = activity.conversation?.id ?? context.activity.conversation?.id;
      if (!conversationId) throw new Error('Direct Line reply has no conversation id');
      const build = (watermark: number): Partial<Activity> => ({
        ...activity,
        id: activityId(conversationId, watermark),
        timestamp: new Date(),
        channelId: CHANNEL_ID,
        conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
        from: activity.from ?? this.bot,
      });
      const stored =
        batch && batch.conversationId === conversationId
          ? batch.add(build)
          : await this.conversations.append(conversationId, build);
      responses.push({ id: stored.activity.id ?? activityId(conversationId, stored.watermark) });
    }
    return responses;
  }

  /** Direct Line 3.0 has no way to change or withdraw a message already delivered. */
  async updateActivity(): Promise<void> {
    throw new Error('Direct Line does not support updating activities');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('Direct Line does not support deleting activities');
  }

  /** Close idle conversations (called on a timer); returns how many were closed. */
  async closeIdleConversations(now?: number): Promise<number> {
    return (await this.conversations.closeIdle(now)).length;
  }

  /** Stop accepting requests and sockets, close open streams (graceful shutdown). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.sweeping;
    // The events bus belongs to the composition root (a Redis connection may be shared).
    await this.streams.close();
  }

  /** Runs one turn through the middleware (transcripts, metrics…) and onTurnError. */
  private async runTurn(
    activity: Partial<Activity>,
    logic: (context: TurnContext) => Promise<void>,
    skipReplies = 0,
    replies?: ReplyBatch,
  ): Promise<void> {
    const context = new TurnContext(this, activity);
    if (skipReplies > 0) context.turnState.set(SKIP_REPLIES, { left: skipReplies });
    if (replies) context.turnState.set(REPLY_BATCH, replies);
    await this.runMiddleware(context, logic);
  }

  /** At start and then periodically: finish messages whose instance died before answering them. */
  private startSweeping(logic: (context: TurnContext) => Promise<void>): void {
    const inbox = this.options.inbox;
    if (!inbox || this.sweepTimer) return;
    const sweep = (anyLease: boolean) => {
      if (this.sweeping || this.closing) return;
      this.sweeping = this.sweep(logic, anyLease)
        .catch((err: unknown) =>
          this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'Web Chat inbox sweep failed'),
        )
        .finally(() => (this.sweeping = undefined));
    };
    sweep(inbox.singleInstance ?? false);
    this.sweepTimer = setInterval(() => sweep(false), inbox.sweepEveryMs ?? Math.ceil(inbox.leaseMs / 3));
    this.sweepTimer.unref();
  }

  private async sweep(logic: (context: TurnContext) => Promise<void>, anyLease: boolean): Promise<void> {
    for (const message of await this.conversations.unanswered(anyLease)) {
      if (this.closing) return;
      await this.options.turnQueue.run(turnQueueKey(message.conversationId), () =>
        this.conversations.finishUnanswered(message.conversationId, message.watermark, logic, anyLease),
      );
    }
  }

  /** Retention: forgets inbox records older than `cutoff`. */
  async deleteOlderThan(cutoff: Date): Promise<void> {
    await this.inbox?.deleteOlderThan(cutoff.getTime());
  }
}
