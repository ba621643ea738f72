import { afterEach, describe, expect, it } from 'vitest';
import { TurnContext, type ConversationReference } from 'botbuilder';
import { SmsSendError } from '../../adapters/twilio/sender.js';
import { residentNumber, startHarness, testLogic, type Harness } from './harness.js';

describe('SMS delivery by REST', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('retries 429 and 500 with backoff, then sends once', async () => {
    h = await startHarness();
    h.fake.failNext(1, 429);
    h.fake.failNext(2, 500);
    await h.sms(residentNumber(40), 'hello');
    expect(h.fake.sent).toHaveLength(1);
    expect(h.fake.requests.map((r) => r.status)).toEqual([429, 500, 500, 201]);
    const gaps = h.fake.requests.slice(1).map((r, i) => r.at - (h?.fake.requests[i]?.at ?? 0));
    // The harness's outbox schedule: 5 ms doubling (10, 20), no jitter.
    expect(gaps[0]).toBeGreaterThanOrEqual(4);
    expect(gaps[2]).toBeGreaterThanOrEqual(18);
    expect(h.logLines.join('\n')).toMatch(/"attempts":4/);
  });

  it('gives up after the last retry, hands the conversation to a person and still answers Twilio 200', async () => {
    const handedOver: string[] = [];
    h = await startHarness({
      adapter: {
        outboxSchedule: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 4, randomize: false },
        onUndeliverable: async (id) => void handedOver.push(id),
      },
    });
    h.fake.failNext(3, 503);
    const response = await h.sms(residentNumber(41), 'hello');
    expect(response.status).toBe(200);
    await h.adapter.outboxIdle();
    expect(h.fake.sent).toHaveLength(0);
    expect(h.fake.requests).toHaveLength(3);
    expect(h.logLines.join('\n')).toContain('SMS could not be sent after the last retry');
    expect(handedOver).toEqual([h.seen[0]?.conversationId]);
    expect(await h.adapter.outboxCounts()).toEqual({ queued: 0, sent: 0, failed: 1 });
  });

  it('does not retry a 400, and a proactive send that fails rejects for the caller', async () => {
    const references: Partial<ConversationReference>[] = [];
    const seen: Harness['seen'] = [];
    const echo = testLogic(seen);
    h = await startHarness({
      logic: async (context) => {
        references.push(TurnContext.getConversationReference(context.activity));
        await echo(context);
      },
    });
    await h.sms(residentNumber(42), 'hello');
    h.fake.failNext(1, 400);
    await expect(
      h.adapter.continueConversation(references[0] ?? {}, async (context) => {
        await context.sendActivity('An agent replied');
      }),
    ).rejects.toBeInstanceOf(SmsSendError);
    expect(h.fake.requests.map((r) => r.status)).toEqual([201, 400]);
    await h.adapter.continueConversation(references[0] ?? {}, async (context) => {
      await context.sendActivity('An agent replied');
    });
    expect(h.fake.sent.at(-1)?.body).toBe('An agent replied');
  });

  it('splits a long reply at sentence boundaries into texts of at most two segments', async () => {
    const sentence = 'Your green bin is collected every other Tuesday from the kerbside before 7am.';
    h = await startHarness({
      logic: async (context) => {
        if (context.activity.type === 'message') await context.sendActivity(Array(8).fill(sentence).join(' '));
      },
    });
    await h.sms(residentNumber(43), 'bins');
    const texts = h.fake.sent.map((m) => m.body);
    expect(texts.length).toBe(3);
    for (const text of texts) {
      expect(text.length).toBeLessThanOrEqual(306);
      expect(text.endsWith('7am.')).toBe(true);
    }
    expect(h.fake.sent.every((m) => m.numSegments <= 2)).toBe(true);
    expect(h.logLines.join('\n')).toContain('over the routine segment budget');
  });
});

describe('a burst of messages from one number', () => {
  it('queues concurrent messages from one number and runs them in arrival order', async () => {
    const h = await startHarness({ delayMs: 120 });
    try {
      const number = residentNumber(200);
      const posts: Promise<unknown>[] = [];
      for (let i = 0; i < 8; i += 1) {
        posts.push(h.sms(number, `m${i}`));
        // Staggered so arrival order is known even on a busy machine (separate connections can
        // overtake each other by a few milliseconds); each turn takes longer than the gap, so they queue.
        await new Promise((r) => setTimeout(r, 40));
      }
      await Promise.all(posts);
      expect(h.seen.filter((s) => s.type === 'message').map((s) => s.text)).toEqual(
        Array.from({ length: 8 }, (_, i) => `m${i}`),
      );
    } finally {
      await h.close();
    }
  });
});
