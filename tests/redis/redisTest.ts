/** Shared by the Redis suites: the local server, a random key prefix per suite, and clean-up. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { scaled } from '../helpers/timeScale.js';

export const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

export function testPrefix(suite: string): string {
  return `ca_test:${suite}:${randomUUID()}:`;
}

/** Deletes every key under `prefix` (SCAN, so a busy server is not blocked). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/** Resolves with the first `count` events a listener sees, or rejects after `ms` (a bound on a hang). */
export function collect<T>(count: number, ms = scaled(15_000)): { listener: (event: T) => void; done: Promise<T[]> } {
  const seen: T[] = [];
  let finish: (events: T[]) => void = () => undefined;
  const done = new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`saw ${seen.length} of ${count} events`)), ms);
    finish = (events) => {
      clearTimeout(timer);
      resolve(events);
    };
  });
  return {
    listener: (event) => {
      seen.push(event);
      if (seen.length === count) finish(seen);
    },
    done,
  };
}
