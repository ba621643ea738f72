/**
 * Rate limits shared by every instance: a fixed window per key, counted in Redis, so a
 * resident's messages count once however the load balancer spreads them. The window starts
 * at the key's first hit and is timed by Redis's clock, not this server's.
 */
import type { Redis } from 'ioredis';
import { decisionForCount, type RateDecision } from '../twilio/rateLimit.js';

/** Counts the hit and starts the window on the first one, atomically; returns {count, ms left}. */
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

export interface RateLimitHit {
  /** This hit is within the limit. */
  allowed: boolean;
  /** Hits still allowed in this window after this one. */
  remaining: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetMs: number;
  /** Hits in this window, this one included. */
  count: number;
}

export class RedisRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix = 'council-assistant:rate:',
  ) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitHit> {
    const reply = await this.redis.eval(HIT, 1, this.keyPrefix + key, Math.max(1, Math.ceil(windowMs)));
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
      throw new Error('Unexpected reply from the rate limit script');
    }
    const count = reply[0];
    return { allowed: count <= limit, remaining: Math.max(0, limit - count), resetMs: reply[1], count };
  }
}

/**
 * The same decisions as PerNumberRateLimit (allow up to the limit, warn once, then drop until
 * the window passes), shared across instances. `check` is asynchronous, so the SMS adapter
 * must await it to take either implementation.
 */
export class RedisPerNumberRateLimit {
  constructor(
    private readonly limiter: RedisRateLimiter,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** `now` is accepted for the same call shape and ignored: Redis's clock times the window. */
  async check(key: string, _now?: number): Promise<RateDecision> {
    const { count } = await this.limiter.hit(key, this.limit, this.windowMs);
    return decisionForCount(count, this.limit);
  }
}
