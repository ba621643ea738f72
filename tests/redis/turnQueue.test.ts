import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LockLostError, RedisTurnQueue, type RedisTurnQueueOptions } from '../../adapters/redis/turnQueue.js';
import { REDIS_URL, deleteKeys, testPrefix } from './redisTest.js';
import { scaled } from '../helpers/timeScale.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisTurnQueue: two servers sharing one Redis', () => {
  const prefix = testPrefix('turns');
  // Separate connections, as two servers would have.
  let redisA: Redis;
  let redisB: Redis;
  let admin: Redis;

  beforeAll(() => {
    redisA = new Redis(REDIS_URL);
    redisB = new Redis(REDIS_URL);
    admin = new Redis(REDIS_URL);
  });

  afterEach(async () => {
    await deleteKeys(admin, prefix);
  });

  afterAll(async () => {
    await deleteKeys(admin, prefix);
    await Promise.all([redisA.quit(), redisB.quit(), admin.quit()]);
  });

  function queues(options: RedisTurnQueueOptions = {}): [RedisTurnQueue, RedisTurnQueue] {
    return [
      new RedisTurnQueue(redisA, { keyPrefix: prefix, ...options }),
      new RedisTurnQueue(redisB, { keyPrefix: prefix, ...options }),
    ];
  }

  it('never runs two turns of one conversation at once, and every turn completes', async () => {
    const [serverA, serverB] = queues();
    let running = 0;
    let most = 0;
    const finished: string[] = [];
    const jobs = Array.from({ length: 20 }, (_, index) => {
      const server = index % 2 === 0 ? serverA : serverB;
      const name = `${index % 2 === 0 ? 'A' : 'B'}${index}`;
      return server.run('conv-1', async () => {
        running += 1;
        most = Math.max(most, running);
        await sleep(5 + Math.random() * 10);
        running -= 1;
        finished.push(name);
        return name;
      });
    });
    const results = await Promise.all(jobs);
    expect(most).toBe(1);
    expect(results).toHaveLength(20);
    expect(new Set(finished).size).toBe(20);
    // Within one server, turns still run in the order they arrived.
    const fromA = finished.filter((name) => name.startsWith('A'));
    expect(fromA).toEqual(results.filter((name) => name.startsWith('A')));
    // Every lock was released.
    expect(await admin.exists(`${prefix}conv-1`)).toBe(0);
  });

  it('runs different conversations in parallel', async () => {
    const [serverA, serverB] = queues();
    let running = 0;
    let most = 0;
    const job = async () => {
      running += 1;
      most = Math.max(most, running);
      await sleep(50);
      running -= 1;
    };
    await Promise.all([serverA.run('conv-1', job), serverB.run('conv-2', job)]);
    expect(most).toBe(2);
  });

  it('takes over a lock whose holder died, once it expires', async () => {
    const [serverA] = queues({ retryMinMs: 5, retryMaxMs: 20 });
    // A server that took the lock and crashed: never released, never extended.
    await admin.set(`${prefix}conv-1`, 'dead-server', 'PX', 300);
    const started = Date.now();
    let ranAt = 0;
    await serverA.run('conv-1', async () => {
      ranAt = Date.now();
    });
    expect(ranAt - started).toBeGreaterThanOrEqual(250);
    // Soon after, not at the end of a long back-off (the bound allows for a busy machine).
    expect(ranAt - started).toBeLessThan(scaled(5_000));
  });

  it("keeps a long turn's lock past its ttl, so the other server waits for it", async () => {
    const lost: unknown[] = [];
    // The holder extends every ttl/2; a ttl of a second leaves room for a busy machine's timer lag.
    const ttlMs = scaled(1_000);
    const [serverA, serverB] = queues({ ttlMs, onError: (error) => lost.push(error) });
    const events: string[] = [];
    const long = serverA.run('conv-1', async () => {
      events.push('A start');
      await sleep(ttlMs * 2.5);
      events.push('A end');
    });
    await sleep(50);
    const waiting = serverB.run('conv-1', async () => {
      events.push('B start');
    });
    await Promise.all([long, waiting]);
    expect(events).toEqual(['A start', 'A end', 'B start']);
    expect(lost).toEqual([]);
  });

  it('does not release a lock that expired and is now held by someone else', async () => {
    const errors: unknown[] = [];
    let noticed: () => void = () => undefined;
    const lockLost = new Promise<void>((resolve) => (noticed = resolve));
    const [serverA] = queues({
      ttlMs: 200,
      onError: (error) => {
        errors.push(error);
        if (error instanceof LockLostError) noticed();
      },
    });
    await serverA.run('conv-1', async () => {
      // Simulate this turn stalling past its ttl while another server took the lock; the turn
      // ends once the next extension has found the lock gone.
      await admin.set(`${prefix}conv-1`, 'other-server', 'PX', 60_000);
      await lockLost;
    });
    expect(await admin.get(`${prefix}conv-1`)).toBe('other-server');
    // The extension found the lock gone and said so rather than stealing it back.
    expect(errors.some((error) => error instanceof LockLostError)).toBe(true);
  });

  it('runs a nested turn for the conversation it already holds inline instead of deadlocking', async () => {
    const [serverA] = queues({ acquireTimeoutMs: 1_000 });
    const order: string[] = [];
    const result = await serverA.run('conv-1', async () => {
      order.push('outer');
      const inner = await serverA.run('conv-1', async () => {
        order.push('inner');
        return 'proactive reply sent';
      });
      order.push('outer end');
      return inner;
    });
    expect(result).toBe('proactive reply sent');
    expect(order).toEqual(['outer', 'inner', 'outer end']);
  });

  it('releases the lock when a turn fails, so the next turn runs', async () => {
    const [serverA, serverB] = queues({ acquireTimeoutMs: 1_000 });
    await expect(
      serverA.run('conv-1', async () => {
        throw new Error('dialog failed');
      }),
    ).rejects.toThrow('dialog failed');
    await expect(serverB.run('conv-1', async () => 'next turn')).resolves.toBe('next turn');
  });
});
