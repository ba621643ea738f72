/**
 * Turn ordering across instances: two servers must never run the same conversation's turns
 * at once (both would load the same state and one save would lose the other's). Within this
 * process the in-process queue keeps turns in arrival order; around each turn a Redis lock
 * keeps other processes out. The lock expires after `ttlMs` if its holder dies, is extended
 * while a long turn still runs, and is released only by the holder whose token it carries.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { InProcessTurnQueue, TurnQueueUnavailableError, type ConversationTurnQueue } from '../turnQueue.js';

/** Deletes the lock only if it still carries our token (it may have expired and been retaken). */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
/** Extends the lock only if it is still ours. */
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export interface RedisTurnQueueOptions {
  /** Prepended to the conversation key to name its lock. */
  keyPrefix?: string;
  /**
   * How long a lock outlives a dead holder; a live holder extends it every ttlMs/2. Default
   * 10 s: a resident whose instance died mid-turn waits at most that long for the next answer,
   * while a holder would have to stall for 5 s (far beyond any GC pause) to lose it.
   */
  ttlMs?: number;
  /** Backoff between attempts to take a held lock: doubles from min up to max, with jitter. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Give up waiting for the lock after this long (the turn then fails with LockTimeoutError). */
  acquireTimeoutMs?: number;
  /** Told when an extension or release fails, or a lock was lost mid-turn. */
  onError?: (error: unknown) => void;
}

export class LockTimeoutError extends Error {
  constructor(waitedMs: number) {
    super(`Conversation turn lock not acquired within ${waitedMs} ms`);
    this.name = 'LockTimeoutError';
  }
}

export class LockLostError extends Error {
  constructor() {
    super('Conversation turn lock expired or was taken while the turn ran');
    this.name = 'LockLostError';
  }
}

export class RedisTurnQueue implements ConversationTurnQueue {
  private readonly local = new InProcessTurnQueue();
  /** Keys whose lock the current async call chain holds, so a nested run does not wait for itself. */
  private readonly held = new AsyncLocalStorage<ReadonlySet<string>>();
  private readonly keyPrefix: string;
  private readonly ttlMs: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly acquireTimeoutMs: number;
  private readonly onError: (error: unknown) => void;

  constructor(
    private readonly redis: Redis,
    options: RedisTurnQueueOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? 'council-assistant:turn:';
    this.ttlMs = options.ttlMs ?? 10_000;
    this.retryMinMs = options.retryMinMs ?? 10;
    this.retryMaxMs = options.retryMaxMs ?? 200;
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000;
    this.onError = options.onError ?? (() => undefined);
  }

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const holding = this.held.getStore();
    // Same rule as InProcessTurnQueue: a turn continuing its own conversation runs inline.
    if (holding?.has(key)) return fn();
    const next = new Set(holding ?? []).add(key);
    return this.local.run(key, () => this.held.run(next, () => this.withLock(key, fn)));
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lockKey = this.keyPrefix + key;
    const token = randomUUID();
    await this.acquire(lockKey, token);
    const extender = setInterval(() => void this.extend(lockKey, token), Math.max(1, Math.floor(this.ttlMs / 2)));
    // A stuck turn must not keep the process alive on shutdown.
    extender.unref();
    try {
      return await fn();
    } finally {
      clearInterval(extender);
      try {
        await this.release(lockKey, token);
      } catch (error) {
        // The turn's own outcome matters more; the lock expires by itself within ttlMs.
        this.onError(error);
      }
    }
  }

  private async acquire(lockKey: string, token: string): Promise<void> {
    const started = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      let taken: string | null;
      try {
        taken = await this.redis.set(lockKey, token, 'PX', this.ttlMs, 'NX');
      } catch (error) {
        throw new TurnQueueUnavailableError(error);
      }
      if (taken === 'OK') return;
      const waited = Date.now() - started;
      if (waited >= this.acquireTimeoutMs) throw new LockTimeoutError(waited);
      const ceiling = Math.min(this.retryMaxMs, this.retryMinMs * 2 ** Math.min(attempt, 16));
      // Jitter so two servers polling the same lock do not retry in lockstep.
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }

  private async extend(lockKey: string, token: string): Promise<void> {
    try {
      const extended = await this.redis.eval(EXTEND, 1, lockKey, token, this.ttlMs);
      if (extended !== 1) this.onError(new LockLostError());
    } catch (error) {
      this.onError(error);
    }
  }

  private async release(lockKey: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, lockKey, token);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
