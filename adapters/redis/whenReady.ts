/**
 * Resolves once an ioredis connection has passed its ready check. A SUBSCRIBE sent before
 * then puts the connection in subscriber mode under ioredis's own INFO ready check, which fails
 * ("Connection in subscriber mode") and drops the subscription until a reconnect: an instance
 * started moments ago would then miss every event. So subscribers wait for ready first.
 */
import { once } from 'node:events';
import type { Redis } from 'ioredis';

export async function whenReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await Promise.race([
    once(redis, 'ready'),
    once(redis, 'end').then(() => {
      throw new Error('Redis connection ended before it was ready');
    }),
  ]);
}
