import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisConversationEvents } from '../../adapters/redis/conversationEvents.js';
import type { StoredActivity } from '../../adapters/directline/conversationStore.js';
import { collect as collectAny, REDIS_URL, testPrefix } from './redisTest.js';

const collect = (count: number, ms?: number) => collectAny<StoredActivity>(count, ms);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function activity(watermark: number, text: string): StoredActivity {
  return { watermark, activity: { type: 'message', text, from: { id: 'bot', name: 'Council assistant' } } };
}

describe('RedisConversationEvents across two instances', () => {
  let instanceA: RedisConversationEvents;
  let instanceB: RedisConversationEvents;
  let prefix: string;

  beforeEach(() => {
    // Pub/sub channels hold no keys; the random prefix keeps parallel runs from hearing each other.
    prefix = testPrefix('events');
    instanceA = new RedisConversationEvents(REDIS_URL, { channelPrefix: prefix });
    instanceB = new RedisConversationEvents(REDIS_URL, { channelPrefix: prefix });
  });

  afterEach(async () => {
    await Promise.all([instanceA.close(), instanceB.close()]);
  });

  it('delivers an activity published on one instance to a socket subscribed on the other', async () => {
    const { listener, done } = collect(2);
    await instanceB.subscribe('conv-1', listener);
    await instanceA.publish('conv-1', activity(1, 'Your bins are collected on Thursday.'));
    await instanceA.publish('conv-1', activity(2, 'Anything else?'));
    const events = await done;
    expect(events.map((event) => event.watermark)).toEqual([1, 2]);
    expect(events[0]?.activity.text).toBe('Your bins are collected on Thursday.');
  });

  it("does not deliver another conversation's activities", async () => {
    const other: StoredActivity[] = [];
    const { listener, done } = collect(1);
    await instanceB.subscribe('conv-other', (event) => other.push(event));
    await instanceB.subscribe('conv-1', listener);
    await instanceA.publish('conv-1', activity(5, 'For conv-1'));
    await done;
    await sleep(100);
    expect(other).toEqual([]);
  });

  it('stops delivering after unsubscribe, while other sockets on the same conversation keep receiving', async () => {
    const firstTab: StoredActivity[] = [];
    const firstTabSaw = collect(1);
    const secondTab = collect(2);
    const stopFirst = await instanceB.subscribe('conv-1', (event) => {
      firstTab.push(event);
      firstTabSaw.listener(event);
    });
    await instanceB.subscribe('conv-1', secondTab.listener);

    await instanceA.publish('conv-1', activity(1, 'before'));
    await firstTabSaw.done;
    expect(firstTab.map((event) => event.watermark)).toEqual([1]);

    await stopFirst();
    await instanceA.publish('conv-1', activity(2, 'after'));
    const seenBySecond = await secondTab.done;
    await sleep(100);
    expect(seenBySecond.map((event) => event.watermark)).toEqual([1, 2]);
    expect(firstTab.map((event) => event.watermark)).toEqual([1]);
  });

  it('unsubscribes the channel when the last listener stops (nothing reaches a closed socket)', async () => {
    const seen: StoredActivity[] = [];
    const stop = await instanceB.subscribe('conv-1', (event) => seen.push(event));
    await stop();
    // Stopping twice is harmless (a socket's close and error handlers may both call it).
    await stop();
    await instanceA.publish('conv-1', activity(1, 'nobody listening'));
    await sleep(150);
    expect(seen).toEqual([]);

    // Subscribing again after the channel was dropped works.
    const { listener, done } = collect(1);
    await instanceB.subscribe('conv-1', listener);
    await instanceA.publish('conv-1', activity(2, 'back again'));
    expect((await done).map((event) => event.watermark)).toEqual([2]);
  });

  it('a subscribe racing the last unsubscribe still ends up listening', async () => {
    const stop = await instanceB.subscribe('conv-1', () => undefined);
    const { listener, done } = collect(1);
    await Promise.all([stop(), instanceB.subscribe('conv-1', listener)]);
    await instanceA.publish('conv-1', activity(3, 'still here'));
    expect((await done).map((event) => event.watermark)).toEqual([3]);
  });
});
