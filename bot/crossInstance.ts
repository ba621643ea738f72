/**
 * What instances of one council share. With REDIS_URL: turns of one conversation never run on
 * two instances at once, a Web Chat socket or agent console on one instance hears what another
 * wrote, and a number's texts count once. Alone, the in-process parts do the same for one
 * process. Redis keys and channels are named per database, so councils sharing one Redis
 * server stay apart.
 */
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { LimiterFactory } from './limits/velocityLimits.js';
import type pino from 'pino';
import { InProcessConversationEvents, type ConversationEvents } from '../adapters/directline/conversationEvents.js';
import { InProcessTurnQueue, type ConversationTurnQueue } from '../adapters/turnQueue.js';
import { PerNumberRateLimit, type PerNumberLimiter } from '../adapters/twilio/rateLimit.js';
import { RedisConversationEvents } from '../adapters/redis/conversationEvents.js';
import { RedisHandoffEvents } from '../adapters/redis/handoffEvents.js';
import { RedisPerNumberRateLimit, RedisRateLimiter } from '../adapters/redis/rateLimit.js';
import { RedisTurnQueue } from '../adapters/redis/turnQueue.js';
import { InProcessHandoffEvents, type HandoffEvents } from '../services/handoff/handoffEvents.js';
import type { Db } from '../store/database.js';
import { deploymentId } from '../store/settings.js';
import { blameSetting, redisWhere } from './startErrors.js';

/** How long Redis may take to answer at start before the start fails naming REDIS_URL. */
const REDIS_START_TIMEOUT_MS = 10_000;

export interface CrossInstance {
  /** True when shared through Redis. */
  shared: boolean;
  turnQueue: ConversationTurnQueue;
  conversationEvents: ConversationEvents;
  handoffEvents: HandoffEvents;
  /** Texts per number per minute before "please slow down". */
  smsRateLimiter(limitPerMinute: number): PerNumberLimiter;
  /** Velocity limiters: counted in Redis, or in memory alone. */
  limiter: LimiterFactory;
  /** For /readyz: Redis answers (always true alone). */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

export async function crossInstance(redisUrl: string | undefined, db: Db, logger: pino.Logger): Promise<CrossInstance> {
  if (!redisUrl) {
    return {
      shared: false,
      turnQueue: new InProcessTurnQueue(),
      conversationEvents: new InProcessConversationEvents(),
      handoffEvents: new InProcessHandoffEvents(),
      smsRateLimiter: (limit) => new PerNumberRateLimit(limit, 60_000),
      limiter: (options) => new RateLimiterMemory(options),
      isReady: async () => true,
      close: async () => undefined,
    };
  }
  const namespace = `council-assistant:${await deploymentId(db)}:`;
  // Redis must answer before the first resident arrives: without it every turn would be refused.
  // Starting anyway would only look healthy; failing names the setting to fix (or the server to
  // start), and a process manager's restart picks it up once Redis is back. Later outages are
  // handled as they happen (turns refused with Retry-After, /readyz 503) without a restart.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  // Connection errors during the check are its answer (ECONNREFUSED, ENOTFOUND...), not log lines.
  let connectionError: unknown;
  const duringStart = (err: unknown) => (connectionError ??= err);
  redis.on('error', duringStart);
  try {
    await blameSetting(
      'REDIS_URL',
      `Redis at ${redisWhere(redisUrl)} did not answer`,
      async () => {
        await redis.connect().catch((err: unknown) => Promise.reject(connectionError ?? err));
        await redis.ping();
      },
      REDIS_START_TIMEOUT_MS,
    );
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  redis.off('error', duringStart);
  const onError = (err: unknown) => logger.warn({ err }, 'redis');
  redis.on('error', onError);
  // The turn lock's own connection fails at once while Redis is away (no offline queue), so a
  // turn is refused in milliseconds (Web Chat: 503 and Retry-After; SMS: kept in the inbox)
  // instead of every resident waiting seconds for a 500.
  const locks = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  locks.on('error', onError);
  const conversationEvents = new RedisConversationEvents(redisUrl, {
    onError,
    channelPrefix: `${namespace}directline:`,
  });
  const handoffEvents = new RedisHandoffEvents(redisUrl, { onError, channel: `${namespace}handoff` });
  return {
    shared: true,
    turnQueue: new RedisTurnQueue(locks, { onError, keyPrefix: `${namespace}turn:` }),
    conversationEvents,
    handoffEvents,
    smsRateLimiter: (limit) =>
      new RedisPerNumberRateLimit(new RedisRateLimiter(redis, `${namespace}sms-rate:`), limit, 60_000),
    // Should Redis stop answering, each instance counts alone for a while rather than let everything through.
    limiter: (options) =>
      new RateLimiterRedis({
        ...options,
        storeClient: redis,
        keyPrefix: `${namespace}${options.keyPrefix}`,
        insuranceLimiter: new RateLimiterMemory(options),
      }),
    isReady: () =>
      locks.status === 'ready'
        ? redis.ping().then(
            () => true,
            () => false,
          )
        : Promise.resolve(false),
    async close() {
      await conversationEvents.close();
      await handoffEvents.close();
      await redis.quit().catch(() => undefined);
      await locks.quit().catch(() => undefined);
    },
  };
}
