/**
 * Velocity limits on what is cheap to ask and costly to answer: minting Web Chat tokens,
 * starting conversations, council tax checks and permit lookups, handoffs to a person. Each
 * has a limit per client (a hashed address, or the conversation where no address is known)
 * and one for everyone together. Counted with rate-limiter-flexible: in memory on one
 * instance, in Redis when several share the work (with a memory fallback should Redis not
 * answer). Every refusal is counted in assistant_rate_limited_total.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Counter } from 'prom-client';
import type pino from 'pino';

export const LIMIT_NAMES = ['tokens', 'conversations', 'lookups', 'handoffs', 'referenceFailures', 'signIns'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export interface LimitRule {
  /** Allowed per client in `perClientSeconds`. */
  perClient: number;
  perClientSeconds: number;
  /** Allowed for everyone together in `globalSeconds`; 0 for no global limit. */
  global: number;
  globalSeconds: number;
}

export type LimitRules = Record<LimitName, LimitRule>;

export type Admission = { allowed: true } | { allowed: false; retryAfterSeconds: number; scope: 'client' | 'global' };

/** Builds one limiter; the composition root chooses memory or Redis (see crossInstance). */
export type LimiterFactory = (options: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract;

export class VelocityLimits {
  private readonly perClient = new Map<LimitName, RateLimiterAbstract>();
  private readonly global = new Map<LimitName, RateLimiterAbstract>();

  constructor(
    readonly rules: LimitRules,
    makeLimiter: LimiterFactory,
    private readonly refused: Counter<'limit' | 'scope'>,
    private readonly logger: pino.Logger,
  ) {
    for (const name of LIMIT_NAMES) {
      const rule = rules[name];
      this.perClient.set(
        name,
        makeLimiter({ keyPrefix: `limit:${name}:client`, points: rule.perClient, duration: rule.perClientSeconds }),
      );
      if (rule.global > 0)
        this.global.set(
          name,
          makeLimiter({ keyPrefix: `limit:${name}:all`, points: rule.global, duration: rule.globalSeconds }),
        );
    }
  }

  /**
   * Counts one use by `client` and answers whether it is allowed. The client's own limit is
   * checked first, so a client already over it does not use up everyone's allowance.
   */
  async admit(name: LimitName, client: string | null): Promise<Admission> {
    // null: a trusted caller (the council's own backend) counted only in the overall limit.
    const own = client === null ? null : await this.take(this.perClient.get(name), client);
    if (own !== null) return this.refuse(name, 'client', own);
    const all = await this.take(this.global.get(name), 'all');
    if (all !== null) return this.refuse(name, 'global', all);
    return { allowed: true };
  }

  /** Whether `client` is already over the limit, without counting a use (for failure counters). */
  async isOver(name: LimitName, client: string): Promise<Admission> {
    const limiter = this.perClient.get(name);
    if (!limiter) return { allowed: true };
    try {
      const state = await limiter.get(client);
      if (state && state.consumedPoints >= this.rules[name].perClient)
        return this.refuse(name, 'client', state.msBeforeNext);
    } catch (error) {
      this.logger.warn({ err: error, limit: name }, 'rate limit store failed; letting the request through');
    }
    return { allowed: true };
  }

  /** Milliseconds to wait when over the limit, or null when the use was counted and allowed. */
  private async take(limiter: RateLimiterAbstract | undefined, key: string): Promise<number | null> {
    if (!limiter) return null;
    try {
      await limiter.consume(key, 1);
      return null;
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return outcome.msBeforeNext;
      // The store failed (and its fallback too): a resident is not refused for our fault.
      this.logger.warn({ err: outcome, limit: 'velocity' }, 'rate limit store failed; letting the request through');
      return null;
    }
  }

  private refuse(name: LimitName, scope: 'client' | 'global', msBeforeNext: number): Admission {
    this.refused.inc({ limit: name, scope });
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)), scope };
  }
}

/** The limits as configured (see .env.example). */
export function limitRules(config: {
  LIMIT_TOKENS_PER_CLIENT_PER_MINUTE: number;
  LIMIT_TOKENS_PER_MINUTE: number;
  LIMIT_CONVERSATIONS_PER_CLIENT_PER_MINUTE: number;
  LIMIT_CONVERSATIONS_PER_MINUTE: number;
  LIMIT_LOOKUPS_PER_CLIENT_PER_HOUR: number;
  LIMIT_LOOKUPS_PER_MINUTE: number;
  LIMIT_PERMIT_REFERENCE_FAILURES_PER_HOUR: number;
  LIMIT_HANDOFFS_PER_CLIENT_PER_HOUR: number;
  LIMIT_HANDOFFS_PER_MINUTE: number;
  LIMIT_SIGN_INS_PER_CLIENT_PER_HOUR: number;
}): LimitRules {
  return {
    tokens: {
      perClient: config.LIMIT_TOKENS_PER_CLIENT_PER_MINUTE,
      perClientSeconds: 60,
      global: config.LIMIT_TOKENS_PER_MINUTE,
      globalSeconds: 60,
    },
    conversations: {
      perClient: config.LIMIT_CONVERSATIONS_PER_CLIENT_PER_MINUTE,
      perClientSeconds: 60,
      global: config.LIMIT_CONVERSATIONS_PER_MINUTE,
      globalSeconds: 60,
    },
    lookups: {
      perClient: config.LIMIT_LOOKUPS_PER_CLIENT_PER_HOUR,
      perClientSeconds: 3600,
      global: config.LIMIT_LOOKUPS_PER_MINUTE,
      globalSeconds: 60,
    },
    // Per reference, not per client: misses on one permit reference from anyone.
    referenceFailures: {
      perClient: config.LIMIT_PERMIT_REFERENCE_FAILURES_PER_HOUR,
      perClientSeconds: 3600,
      global: 0,
      globalSeconds: 60,
    },
    handoffs: {
      perClient: config.LIMIT_HANDOFFS_PER_CLIENT_PER_HOUR,
      perClientSeconds: 3600,
      global: config.LIMIT_HANDOFFS_PER_MINUTE,
      globalSeconds: 60,
    },
    // Agent sign-ins per address, whatever the username: a guesser cycling through usernames.
    signIns: {
      perClient: config.LIMIT_SIGN_INS_PER_CLIENT_PER_HOUR,
      perClientSeconds: 3600,
      global: 0,
      globalSeconds: 60,
    },
  };
}
