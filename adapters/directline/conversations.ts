/**
 * The Direct Line 3.0 operations, independent of HTTP: start or resume a conversation, take
 * a resident's activity (store, echo, run the turn), list activities after a watermark, mint
 * and refresh tokens, close idle conversations. routes.ts and stream.ts translate to and from
 * the wire; the adapter supplies how a turn runs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  type Activity,
  type ActivityTimestamps,
  type ChannelAccount,
  type TurnContext,
} from 'botbuilder';
import type pino from 'pino';
import { z } from 'zod';
import { clientActivitySchema, parseClientActivity } from './activitySchema.js';
import { Credentials, type Caller } from './auth/credentials.js';
import type { TokenService } from './auth/tokens.js';
import type { ConversationEvents } from './conversationEvents.js';
import type { ConversationRecord, DirectLineConversationStore, StoredActivity } from './conversationStore.js';
import { Errors } from './errors.js';
import { TurnQueueUnavailableError, type ConversationTurnQueue } from '../turnQueue.js';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../store/schema.js';
import type { StateWriteDeferral } from '../../store/deferredStateWrites.js';
import { MAX_ATTEMPTS, type DirectLineInbox } from './inbox.js';

export const CHANNEL_ID = 'directline';
/** Activities per GET or stream frame; clients come back with the new watermark for more. */
export const PAGE_SIZE = 100;
/** Stream URLs may be logged by proxies, so their tokens only need to last until the socket opens. */
const STREAM_TOKEN_TTL_SECONDS = 600;

const userIdPattern = /^[A-Za-z0-9_.:@|-]{1,128}$/;
const startBody = z
  .object({
    user: z.object({ id: z.string().regex(userIdPattern).optional(), name: z.string().max(256).optional() }).optional(),
  })
  .optional();

export type Logic = (context: TurnContext) => Promise<void>;
/**
 * Runs one turn through the adapter's middleware; the caller already holds the turn queue.
 * `skipReplies`: a message run again after a crash does not store again the replies its first
 * run already stored (the turn, from the same state, sends the same ones first).
 */
export type TurnRunner = (
  activity: Partial<Activity>,
  logic: Logic,
  skipReplies?: number,
  replies?: ReplyBatch,
) => Promise<void>;

/**
 * The replies of a turn whose outcome commits in one transaction: each is given the next
 * watermark when sent (the turn holds the conversation, so nobody else takes one) and kept
 * here until the turn's transaction stores them with its state and "answered".
 */
export class ReplyBatch {
  readonly stored: StoredActivity[] = [];
  constructor(
    readonly conversationId: string,
    /** The conversation's next watermark when the turn began. */
    readonly from: number,
  ) {}

  add(build: (watermark: number) => Partial<Activity>): StoredActivity {
    const watermark = this.from + this.stored.length;
    const reply = { watermark, activity: build(watermark) };
    this.stored.push(reply);
    return reply;
  }
}

/** Keeping every message in the inbox until its turn has finished (see inbox.ts). */
export interface InboxParts {
  inbox: DirectLineInbox;
  db: Kysely<DatabaseSchema>;
  /** Holds the turn's state writes back so they commit with "answered". */
  stateWrites?: StateWriteDeferral;
  /** This instance's name on the leases it takes. */
  owner: string;
  leaseMs: number;
  /** The reply to a message given up after MAX_ATTEMPTS, so the resident knows to send it again. */
  givenUpText?: string;
  onGivenUp?: () => void;
}

export interface ConversationGrant {
  conversationId: string;
  token: string;
  expires_in: number;
}

export interface Origin {
  http: string;
  ws: string;
}

export interface ConversationsOptions {
  store: DirectLineConversationStore;
  events: ConversationEvents;
  turnQueue: ConversationTurnQueue;
  tokens: TokenService;
  credentials: Credentials;
  logger: pino.Logger;
  tokenTtlSeconds: number;
  /** A conversation's tokens are not renewed past this age (counted from the first token). */
  tokenMaxAgeSeconds: number;
  conversationIdleMinutes: number;
  maxTextLength: number;
  bot: ChannelAccount;
  runTurn: TurnRunner;
  inbox?: InboxParts;
  now?: () => number;
}

export function activityId(conversationId: string, watermark: number): string {
  return `${conversationId}|${String(watermark).padStart(7, '0')}`;
}

export function turnQueueKey(conversationId: string): string {
  return `directline:${conversationId}`;
}

export class DirectLineConversations {
  private readonly schema: ReturnType<typeof clientActivitySchema>;
  private readonly now: () => number;

  constructor(private readonly options: ConversationsOptions) {
    this.schema = clientActivitySchema(options.maxTextLength);
    this.now = options.now ?? Date.now;
  }

  authenticate(authorization: string | undefined): Promise<Caller> {
    return this.options.credentials.authenticate(authorization);
  }

  /** A token for a new conversation; the conversation itself starts when Web Chat connects. */
  async issueToken(user: { userId?: string; userName?: string } = {}): Promise<ConversationGrant> {
    const conversationId = newConversationId();
    const userId = user.userId ?? newUserId();
    if (!userIdPattern.test(userId))
      throw Errors.badArgument('The user id may only contain letters, digits and _.:@|-');
    return this.grant(conversationId, userId, user.userName);
  }

  /** POST /tokens/generate: the secret only. */
  async generateToken(caller: Caller, body: unknown): Promise<ConversationGrant> {
    if (caller.kind !== 'secret') throw Errors.secretRequired();
    const parsed = parseStartBody(body);
    return this.issueToken({ userId: parsed?.user?.id, userName: parsed?.user?.name });
  }

  /**
   * POST /tokens/refresh: a valid token buys a fresh one for the same conversation, unless the
   * conversation has been closed or its first token is older than the maximum age: a token
   * must not keep a finished conversation's history readable for ever.
   */
  async refreshToken(caller: Caller): Promise<ConversationGrant> {
    if (caller.kind !== 'token') throw Errors.badArgument('Refresh needs a token, not the secret.');
    const record = await this.options.store.getConversation(caller.claims.conv);
    if (record?.closedAt != null) throw Errors.closed(this.options.conversationIdleMinutes);
    this.assertYoungEnough(caller);
    return this.grant(caller.claims.conv, caller.claims.user, caller.claims.name, caller.claims.born);
  }

  /**
   * POST /conversations. With the secret: a new conversation. With a token: its conversation,
   * created on first use (201) or returned as it is (200), as Web Chat does after generate.
   * A token already names the user, so the body (Web Chat sends `{user, locale}`) is not read.
   */
  async start(
    caller: Caller,
    readBody: () => Promise<unknown>,
    origin: Origin,
    logic: Logic,
  ): Promise<{ status: 200 | 201; body: object }> {
    let conversationId: string;
    let userId: string;
    let userName: string | undefined;
    if (caller.kind === 'secret') {
      const parsed = parseStartBody(await readBody());
      conversationId = newConversationId();
      userId = parsed?.user?.id ?? newUserId();
      userName = parsed?.user?.name;
    } else {
      conversationId = caller.claims.conv;
      userId = caller.claims.user;
      userName = caller.claims.name;
    }
    const created = await this.options.store.createConversation(conversationId, userId, this.now());
    if (created) {
      this.options.logger.info({ conversationId }, 'conversation started');
      await this.runStartTurn(conversationId, userId, origin, logic);
    }
    const grant = await this.grant(conversationId, userId, userName);
    return {
      status: created ? 201 : 200,
      body: { ...grant, streamUrl: await this.streamUrl(origin, conversationId, userId, undefined) },
    };
  }

  /** GET /conversations/{id}?watermark=: Web Chat reconnecting wants a fresh streamUrl (and token). */
  async reconnect(
    caller: Caller,
    conversationId: string,
    watermark: number | undefined,
    origin: Origin,
  ): Promise<object> {
    const record = await this.require(caller, conversationId);
    // Reconnecting hands out a fresh token too, so the same limits as refresh apply.
    if (caller.kind === 'token') {
      if (record.closedAt !== null) throw Errors.closed(this.options.conversationIdleMinutes);
      this.assertYoungEnough(caller);
    }
    const userId = caller.kind === 'token' ? caller.claims.user : (record.userId ?? newUserId());
    const name = caller.kind === 'token' ? caller.claims.name : undefined;
    const grant = await this.grant(
      conversationId,
      userId,
      name,
      caller.kind === 'token' ? caller.claims.born : undefined,
    );
    return { ...grant, streamUrl: await this.streamUrl(origin, conversationId, userId, watermark) };
  }

  /** GET /conversations/{id}/activities?watermark= (polling). Closed conversations stay readable. */
  async list(
    caller: Caller,
    conversationId: string,
    watermark: number | undefined,
  ): Promise<{ activities: Partial<Activity>[]; watermark?: string }> {
    Credentials.assertAccess(caller, conversationId);
    const rows = await this.options.store.readConversation(conversationId, watermark, PAGE_SIZE);
    if (!rows) throw Errors.notFound();
    const last = rows.at(-1)?.watermark ?? watermark;
    return { activities: rows.map((row) => row.activity), ...(last === undefined ? {} : { watermark: String(last) }) };
  }

  /**
   * POST /conversations/{id}/activities: validate, then inside the conversation's turn queue
   * store the activity with the next watermark, echo it to the streams (Web Chat needs its own
   * message back with clientActivityID) and run the turn. Resolves with the activity id after
   * the turn; a failing turn is the adapter's onTurnError's business, the message was accepted.
   */
  async receive(
    caller: Caller,
    conversationId: string,
    readBody: () => Promise<unknown>,
    origin: Origin,
    logic: Logic,
  ): Promise<{ id: string }> {
    // Who may post, and where, is settled by the token before reading a body; whether the
    // conversation exists and is open is read with the inbox, in one statement, once the turn
    // holds the conversation.
    Credentials.assertAccess(caller, conversationId);
    const parsed = parseClientActivity(await readBody(), this.schema);
    if (!parsed.ok) {
      throw parsed.reason === 'textTooLong'
        ? Errors.textTooLong(this.options.maxTextLength)
        : Errors.badArgument(parsed.detail);
    }
    const { from, localTimestamp, ...fields } = parsed.activity;
    const started = this.now();

    const clientActivityId = clientActivityIdOf(fields.channelData);
    const inbox = this.options.inbox;

    const received = this.options.turnQueue.run(turnQueueKey(conversationId), async () => {
      const found = inbox
        ? await inbox.inbox.beforeNewMessage(conversationId, clientActivityId)
        : await this.options.store
            .getConversation(conversationId)
            .then((record) => record && { ...record, unfinished: [], earlier: undefined });
      if (!found) throw Errors.notFound();
      if (found.closedAt !== null) throw Errors.closed(this.options.conversationIdleMinutes);
      if (inbox) {
        if (found.earlier) {
          // Web Chat posting the same message again (its first response was lost): one turn.
          if (found.earlier.state === 'processing')
            await this.finishUnanswered(conversationId, found.earlier.watermark, logic, true);
          return { id: activityId(conversationId, found.earlier.watermark) };
        }
        // Anything a dead instance left unanswered in this conversation is answered first.
        // Holding the conversation's turn lock means nobody alive is answering it (a turn holds
        // the lock from storing the message to "answered"), so its lease need not have run out.
        for (const left of found.unfinished) await this.finishUnanswered(conversationId, left.watermark, logic, true);
      }
      // The token decides who is speaking; a client's from.id is ignored. Only the trusted
      // backend holding the secret may speak for a user id of its choosing.
      const userId = caller.kind === 'token' ? caller.claims.user : (from?.id ?? found.userId ?? newUserId());
      const userName = from?.name ?? (caller.kind === 'token' ? caller.claims.name : undefined);
      const stored = await this.append(
        conversationId,
        (watermark) => ({
          ...fields,
          ...localTime(localTimestamp),
          id: activityId(conversationId, watermark),
          timestamp: new Date(this.now()),
          serviceUrl: origin.http,
          channelId: CHANNEL_ID,
          conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
          from: { id: userId, name: userName ?? '', role: 'user' },
          recipient: this.options.bot,
        }),
        inbox &&
          ((trx, watermark) =>
            inbox.inbox.add(
              trx,
              conversationId,
              watermark,
              clientActivityId ?? null,
              inbox.owner,
              this.now(),
              inbox.leaseMs,
            )),
      );
      const id = stored.activity.id ?? activityId(conversationId, stored.watermark);
      await this.answer(stored, logic, 0, stored.watermark + 1);
      this.options.logger.debug(
        { conversationId, watermark: stored.watermark, type: fields.type, durationMs: this.now() - started },
        'activity processed',
      );
      return { id };
    });
    // Nothing was stored: Web Chat shows the message as not sent and tries again after the 503.
    return received.catch((error: unknown) => {
      if (error instanceof TurnQueueUnavailableError) throw Errors.busy();
      throw error;
    });
  }

  /**
   * Runs a stored message's turn to the end: with the inbox, its state writes are held back
   * and committed with "answered", and its lease is renewed meanwhile; a failure lets the
   * lease go so the sweep runs it again. The message was accepted either way.
   */
  private async answer(
    stored: StoredActivity,
    logic: Logic,
    skipReplies: number,
    nextWatermark: number,
  ): Promise<void> {
    const inbox = this.options.inbox;
    const conversationId = stored.activity.conversation?.id ?? '';
    if (!inbox) {
      try {
        await this.options.runTurn(stored.activity, logic);
      } catch (error) {
        // Only reaches here when onTurnError is missing or itself failed.
        this.options.logger.error(
          { err: errorSummary(error), conversationId, watermark: stored.watermark },
          'turn failed without a handler',
        );
      }
      return;
    }
    const renew = setInterval(
      () => {
        inbox.inbox
          .renew(conversationId, stored.watermark, inbox.owner, this.now() + inbox.leaseMs)
          .catch(() => undefined);
      },
      Math.max(10, Math.floor(inbox.leaseMs / 3)),
    );
    renew.unref();
    // One transaction for the turn's outcome: its replies, state, transcript and "answered".
    const replies = new ReplyBatch(conversationId, nextWatermark);
    try {
      const run = inbox.stateWrites
        ? await inbox.stateWrites.defer(() => this.options.runTurn(stored.activity, logic, skipReplies, replies))
        : {
            result: await this.options.runTurn(stored.activity, logic, skipReplies, replies),
            flush: async () => undefined,
          };
      await inbox.db.transaction().execute(async (trx) => {
        await run.flush(trx);
        await this.options.store.appendReplies(trx, conversationId, replies.from, replies.stored, this.now());
        if (!(await inbox.inbox.markAnswered(trx, conversationId, stored.watermark, inbox.owner, this.now()))) {
          throw new Error('inbox lease lost: another instance took the message over');
        }
      });
      for (const reply of replies.stored) await this.publish(conversationId, reply);
    } catch (error) {
      await inbox.inbox.release(conversationId, stored.watermark, inbox.owner).catch(() => undefined);
      this.options.logger.error(
        { err: errorSummary(error), conversationId, watermark: stored.watermark },
        'turn not finished; it will be run again',
      );
    } finally {
      clearInterval(renew);
    }
  }

  /**
   * Finishes a message an instance stopped answering (it died, or its turn failed), if its
   * lease has run out (or `anyLease`: a single instance at start, where every lease is its own
   * from before the restart). The caller holds the conversation's turn queue. Replies its
   * first run already stored are not stored again.
   */
  async finishUnanswered(conversationId: string, watermark: number, logic: Logic, anyLease = false): Promise<boolean> {
    const inbox = this.options.inbox;
    if (!inbox) return false;
    if (!(await inbox.inbox.takeOver(conversationId, watermark, inbox.owner, this.now(), inbox.leaseMs, anyLease)))
      return false;
    const [stored] = await this.options.store.activitiesAfter(conversationId, watermark - 1, 1);
    const attempts = (await inbox.inbox.byWatermark(conversationId, watermark))?.attempts ?? 0;
    if (!stored || stored.watermark !== watermark || attempts > MAX_ATTEMPTS) {
      await this.giveUp(conversationId, watermark, stored?.watermark === watermark ? stored : undefined);
      return false;
    }
    const later = await this.options.store.activitiesAfter(conversationId, watermark, PAGE_SIZE);
    const alreadyStored = later.filter((row) => row.activity.replyToId === stored.activity.id).length;
    const record = await this.options.store.getConversation(conversationId);
    this.options.logger.warn(
      { conversationId, watermark, alreadyStored },
      'message taken over from an instance that stopped before answering it',
    );
    await this.answer(stored, logic, alreadyStored, record?.nextWatermark ?? watermark + 1);
    return true;
  }

  /**
   * A message that failed every attempt: marked failed and, in the same transaction, answered
   * with an apology that says it was not processed (Web Chat shows it as sent, so without this
   * the resident would wait for an answer that never comes).
   */
  private async giveUp(conversationId: string, watermark: number, stored: StoredActivity | undefined): Promise<void> {
    const inbox = this.options.inbox;
    if (!inbox) return;
    const now = this.now();
    this.options.logger.error({ conversationId, watermark }, 'message given up after failing every attempt');
    inbox.onGivenUp?.();
    if (!stored || !inbox.givenUpText) {
      await inbox.inbox.markFailed(conversationId, watermark, now);
      return;
    }
    const text = inbox.givenUpText;
    await this.append(
      conversationId,
      (replyWatermark) => ({
        type: ActivityTypes.Message,
        id: activityId(conversationId, replyWatermark),
        text,
        inputHint: 'acceptingInput',
        replyToId: stored.activity.id,
        timestamp: new Date(now),
        channelId: CHANNEL_ID,
        serviceUrl: stored.activity.serviceUrl,
        conversation: stored.activity.conversation,
        from: this.options.bot,
        recipient: stored.activity.from,
      }),
      (trx) => inbox.inbox.markFailed(conversationId, watermark, now, trx),
    );
  }

  /** Messages free to take over (their lease ran out), oldest first, for the sweep. */
  async unanswered(anyLease: boolean): Promise<{ conversationId: string; watermark: number }[]> {
    return this.options.inbox ? this.options.inbox.inbox.unfinished(this.now(), { anyLease }) : [];
  }

  /** Stores an activity under the next watermark and tells the open streams. */
  async append(
    conversationId: string,
    build: (watermark: number) => Partial<Activity>,
    alsoInTransaction?: Parameters<DirectLineConversationStore['appendActivity']>[3],
  ): Promise<StoredActivity> {
    const stored = await this.options.store.appendActivity(conversationId, build, this.now(), alsoInTransaction);
    await this.publish(conversationId, stored);
    return stored;
  }

  /** Tells the open streams about an activity already stored. */
  private async publish(conversationId: string, stored: StoredActivity): Promise<void> {
    try {
      await this.options.events.publish(conversationId, stored);
    } catch (error) {
      // Stored is what matters: sockets catch up from the store on the next event or reconnect.
      this.options.logger.warn(
        { err: errorSummary(error), conversationId, watermark: stored.watermark },
        'could not publish activity',
      );
    }
  }

  /** For the stream: the conversation a stream token opens, or a DirectLineError. */
  async authorizeStream(token: string | null, conversationId: string): Promise<ConversationRecord> {
    if (!token) throw Errors.missingAuthorization();
    let conv: string;
    try {
      conv = (await this.options.tokens.verify(token, 'stream')).conv;
    } catch {
      throw Errors.tokenInvalid();
    }
    if (conv !== conversationId) throw Errors.forbidden();
    const record = await this.options.store.getConversation(conversationId);
    if (!record) throw Errors.notFound();
    return record;
  }

  activitiesAfter(conversationId: string, after: number | undefined): Promise<StoredActivity[]> {
    return this.options.store.activitiesAfter(conversationId, after, PAGE_SIZE);
  }

  async closeIdle(now = this.now()): Promise<string[]> {
    const cutoff = now - this.options.conversationIdleMinutes * 60_000;
    const closed = await this.options.store.closeIdle(cutoff, now);
    if (closed.length > 0) this.options.logger.info({ count: closed.length }, 'closed idle conversations');
    return closed;
  }

  private async require(caller: Caller, conversationId: string): Promise<ConversationRecord> {
    Credentials.assertAccess(caller, conversationId);
    const record = await this.options.store.getConversation(conversationId);
    if (!record) throw Errors.notFound();
    return record;
  }

  /** Azure sends the bot a conversationUpdate when a conversation starts; welcome messages hang off it. */
  private async runStartTurn(conversationId: string, userId: string, origin: Origin, logic: Logic): Promise<void> {
    const activity: Partial<Activity> = {
      type: ActivityTypes.ConversationUpdate,
      id: randomUUID(),
      timestamp: new Date(this.now()),
      serviceUrl: origin.http,
      channelId: CHANNEL_ID,
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: userId, name: '', role: 'user' },
      recipient: this.options.bot,
      membersAdded: [this.options.bot, { id: userId, name: '', role: 'user' }],
    };
    await this.options.turnQueue.run(turnQueueKey(conversationId), async () => {
      try {
        await this.options.runTurn(activity, logic);
      } catch (error) {
        this.options.logger.error(
          { err: errorSummary(error), conversationId },
          'welcome turn failed without a handler',
        );
      }
    });
  }

  private async grant(
    conversationId: string,
    userId: string,
    userName?: string,
    born?: number,
  ): Promise<ConversationGrant> {
    // Never past the line's maximum age: the last refresh buys only what is left of it.
    const left = born === undefined ? Infinity : born + this.options.tokenMaxAgeSeconds - Math.floor(this.now() / 1000);
    const ttl = Math.max(1, Math.min(this.options.tokenTtlSeconds, left));
    const token = await this.options.tokens.sign(
      { conv: conversationId, user: userId, name: userName, scope: 'conversation', born },
      ttl,
    );
    return { conversationId, token, expires_in: ttl };
  }

  private assertYoungEnough(caller: Extract<Caller, { kind: 'token' }>): void {
    if (Math.floor(this.now() / 1000) - caller.claims.born >= this.options.tokenMaxAgeSeconds)
      throw Errors.tokenTooOld();
  }

  private async streamUrl(
    origin: Origin,
    conversationId: string,
    userId: string,
    watermark: number | undefined,
  ): Promise<string> {
    const ttl = Math.min(this.options.tokenTtlSeconds, STREAM_TOKEN_TTL_SECONDS);
    const token = await this.options.tokens.sign({ conv: conversationId, user: userId, scope: 'stream' }, ttl);
    const query = new URLSearchParams({ watermark: watermark === undefined ? '-' : String(watermark), t: token });
    return `${origin.ws}/v3/directline/conversations/${encodeURIComponent(conversationId)}/stream?${query.toString()}`;
  }
}

function parseStartBody(body: unknown): z.infer<typeof startBody> {
  const parsed = startBody.safeParse(body ?? undefined);
  if (!parsed.success) throw Errors.badArgument('user.id may only contain letters, digits and _.:@|- (at most 128).');
  return parsed.data;
}

/** botbuilder types localTimestamp as a Date and keeps the client's own spelling (with its offset) raw. */
function localTime(
  value: string | undefined,
): Partial<Pick<ActivityTimestamps, 'localTimestamp' | 'rawLocalTimestamp'>> {
  if (value === undefined) return {};
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? {} : { localTimestamp: parsed, rawLocalTimestamp: value };
}

/** Web Chat's own id for a message it posts (channelData.clientActivityID), to recognise a repeat. */
function clientActivityIdOf(channelData: unknown): string | undefined {
  if (typeof channelData !== 'object' || channelData === null) return undefined;
  const id: unknown = (channelData as Record<string, unknown>).clientActivityID;
  return typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : undefined;
}

function newConversationId(): string {
  return randomBytes(16).toString('base64url');
}

function newUserId(): string {
  return `dl_${randomBytes(12).toString('base64url')}`;
}

/** Errors are logged by type and message only: a stack or cause could quote the resident. */
export function errorSummary(error: unknown): { type: string; message: string; stack?: string } {
  if (error instanceof Error)
    return { type: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { type: typeof error, message: 'non-Error thrown' };
}
