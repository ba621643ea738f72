/** The in-process turn queue: one conversation's turns in order, others in parallel. */
import { describe, expect, it } from 'vitest';
import { InProcessTurnQueue } from '../../adapters/turnQueue.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('InProcessTurnQueue', () => {
  it('runs turns of one key one at a time, in arrival order, and forgets idle keys', async () => {
    const queue = new InProcessTurnQueue();
    const events: string[] = [];
    await Promise.all(
      [30, 10, 0].map((ms, i) =>
        queue.run('a', async () => {
          events.push(`start ${i}`);
          await pause(ms);
          events.push(`end ${i}`);
        }),
      ),
    );
    expect(events).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    await pause(0);
    expect(queue.size).toBe(0);
  });

  it('lets different keys overlap', async () => {
    const queue = new InProcessTurnQueue();
    const events: string[] = [];
    await Promise.all([
      queue.run('a', async () => {
        events.push('a start');
        await pause(20);
        events.push('a end');
      }),
      queue.run('b', async () => {
        events.push('b start');
        events.push('b end');
      }),
    ]);
    expect(events.indexOf('b end')).toBeLessThan(events.indexOf('a end'));
  });

  it('keeps going after a failed turn and returns results', async () => {
    const queue = new InProcessTurnQueue();
    const failed = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 42);
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
  });

  it('runs a nested turn for the key it already holds instead of deadlocking', async () => {
    const queue = new InProcessTurnQueue();
    const result = await queue.run('a', () => queue.run('a', async () => 'inner'));
    expect(result).toBe('inner');
  });
});
