import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisPerNumberRateLimit, RedisRateLimiter } from '../../adapters/redis/rateLimit.js';
import { REDIS_URL, deleteKeys, testPrefix } from './redisTest.js';
import { scaled } from '../helpers/timeScale.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisRateLimiter shared by two instances', () => {
  const prefix = testPrefix('rate');
  let redisA: Redis;
  let redisB: Redis;
  let admin: Redis;
  let limiterA: RedisRateLimiter;
  let limiterB: RedisRateLimiter;

  beforeAll(() => {
    redisA = new Redis(REDIS_URL);
    redisB = new Redis(REDIS_URL);
    admin = new Redis(REDIS_URL);
    limiterA = new RedisRateLimiter(redisA, prefix);
    limiterB = new RedisRateLimiter(redisB, prefix);
  });

  afterAll(async () => {
    await deleteKeys(admin, prefix);
    await Promise.all([redisA.quit(), redisB.quit(), admin.quit()]);
  });

  it('counts hits from both instances against one limit', async () => {
    const decisions = [];
    for (let index = 0; index < 6; index += 1) {
      const limiter = index % 2 === 0 ? limiterA : limiterB;
      decisions.push(await limiter.hit('sms:+447700900123', 4, 60_000));
    }
    expect(decisions.map((hit) => hit.allowed)).toEqual([true, true, true, true, false, false]);
    expect(decisions.map((hit) => hit.remaining)).toEqual([3, 2, 1, 0, 0, 0]);
    for (const hit of decisions) {
      expect(hit.resetMs).toBeGreaterThan(50_000);
      expect(hit.resetMs).toBeLessThanOrEqual(60_000);
    }
  });

  it('counts concurrent hits exactly once each', async () => {
    const hits = await Promise.all(
      Array.from({ length: 30 }, (_, index) => (index % 2 === 0 ? limiterA : limiterB).hit('burst', 10, 60_000)),
    );
    expect(hits.filter((hit) => hit.allowed)).toHaveLength(10);
    expect(hits.map((hit) => hit.count).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, index) => index + 1),
    );
  });

  it('keeps separate counts per key', async () => {
    await limiterA.hit('one-number', 1, 60_000);
    const other = await limiterB.hit('another-number', 1, 60_000);
    expect(other.allowed).toBe(true);
  });

  it('starts counting again when the window passes', async () => {
    // Long enough that the second hit lands in the first one's window on a busy machine.
    const windowMs = scaled(1_000);
    expect((await limiterA.hit('window', 1, windowMs)).allowed).toBe(true);
    expect((await limiterB.hit('window', 1, windowMs)).allowed).toBe(false);
    await sleep(windowMs + 100);
    const fresh = await limiterB.hit('window', 1, windowMs);
    expect(fresh.allowed).toBe(true);
    expect(fresh.remaining).toBe(0);
  });

  it('leaves nothing behind once a window has passed', async () => {
    await limiterA.hit('expires', 5, 100);
    await sleep(160);
    expect(await admin.exists(`${prefix}expires`)).toBe(0);
  });

  it('gives the SMS decisions (allow, one warning, then drop) across instances', async () => {
    const smsA = new RedisPerNumberRateLimit(limiterA, 2, 60_000);
    const smsB = new RedisPerNumberRateLimit(limiterB, 2, 60_000);
    const decisions = [
      await smsA.check('+447700900456'),
      await smsB.check('+447700900456'),
      await smsA.check('+447700900456'),
      await smsB.check('+447700900456'),
      await smsA.check('+447700900456'),
    ];
    expect(decisions).toEqual(['allow', 'allow', 'warn', 'drop', 'drop']);
  });
});
