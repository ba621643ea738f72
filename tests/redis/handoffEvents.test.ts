/**
 * Agent-console events across instances: what one instance announces (a resident queued, a
 * resident's message, an agent accepting) reaches the consoles on every instance, itself included.
 */
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisHandoffEvents } from '../../adapters/redis/handoffEvents.js';
import type { HandoffEvent } from '../../services/handoff/handoffEvents.js';
import { collect as collectAny, REDIS_URL, testPrefix } from './redisTest.js';

const collect = (count: number, ms?: number) => collectAny<HandoffEvent>(count, ms);

const residentMessage: HandoffEvent = {
  kind: 'message',
  requestId: 'req-1',
  agentId: 'agent-7',
  message: {
    id: 3,
    requestId: 'req-1',
    kind: 'resident',
    agentId: null,
    text: 'my bin was missed again',
    delivery: 'stored',
    createdAt: 1_790_000_000_000,
  },
};

describe('RedisHandoffEvents across two instances', () => {
  let channel: string;
  let instanceA: RedisHandoffEvents;
  let instanceB: RedisHandoffEvents;
  let errors: unknown[];

  beforeEach(() => {
    channel = testPrefix('handoff');
    errors = [];
    instanceA = new RedisHandoffEvents(REDIS_URL, { channel, onError: (error) => errors.push(error) });
    instanceB = new RedisHandoffEvents(REDIS_URL, { channel, onError: (error) => errors.push(error) });
  });

  afterEach(async () => {
    await Promise.all([instanceA.close(), instanceB.close()]);
  });

  it('tells consoles on both instances, in the order announced, what happened on one', async () => {
    const onA = collect(3);
    const onB = collect(3);
    await instanceA.subscribe(onA.listener);
    await instanceB.subscribe(onB.listener);
    await instanceA.publish({ kind: 'queue' });
    await instanceA.publish(residentMessage);
    await instanceA.publish({
      kind: 'request',
      requestId: 'req-1',
      agentId: 'agent-9',
      status: 'assigned',
      previousAgentId: 'agent-7',
    });
    const expected = [
      { kind: 'queue' },
      residentMessage,
      { kind: 'request', requestId: 'req-1', agentId: 'agent-9', status: 'assigned', previousAgentId: 'agent-7' },
    ];
    expect(await onB.done).toEqual(expected);
    expect(await onA.done).toEqual(expected);
  });

  it('stops telling a listener once it unsubscribes', async () => {
    const kept = collect(1);
    const dropped: HandoffEvent[] = [];
    await instanceB.subscribe(kept.listener);
    const stop = await instanceB.subscribe((event) => dropped.push(event));
    await stop();
    await instanceA.publish({ kind: 'queue' });
    await kept.done;
    expect(dropped).toEqual([]);
  });

  it('drops a stray or malformed message on the channel without telling consoles, and reports it without its content', async () => {
    const heard = collect(1);
    await instanceB.subscribe(heard.listener);
    const stranger = new Redis(REDIS_URL);
    try {
      await stranger.publish(channel, 'not json at all: 07700 900123');
      await stranger.publish(channel, JSON.stringify({ kind: 'message', requestId: 'req-1', text: 'SW1A 1AA' }));
    } finally {
      await stranger.quit();
    }
    await instanceA.publish({ kind: 'queue' });
    expect(await heard.done).toEqual([{ kind: 'queue' }]);
    expect(errors).toHaveLength(2);
    for (const error of errors) expect(String(error)).not.toMatch(/07700|SW1A/);
  });

  it('keeps telling other consoles when one listener throws', async () => {
    const heard = collect(1);
    await instanceB.subscribe(() => {
      throw new Error('console gone');
    });
    await instanceB.subscribe(heard.listener);
    await instanceA.publish({ kind: 'queue' });
    expect(await heard.done).toEqual([{ kind: 'queue' }]);
    expect(errors).toHaveLength(1);
  });
});
