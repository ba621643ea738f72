/**
 * Twenty messages posted at once to one conversation: every one is accepted with its own
 * watermark, and because turns of a conversation are serialised each reply directly follows
 * the message it answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../helpers/databases.js';
import { call, startHarness, type Harness } from './harness.js';

let harness: Harness;
let temp: TestDatabase;

beforeAll(async () => {
  temp = await testDatabase();
  // A turn that yields to the event loop, so overlapping turns would interleave if not queued.
  harness = await startHarness({
    storageUrl: temp.url,
    logic: async (context) => {
      if (context.activity.type !== 'message') return;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
      await context.sendActivity(`first reply to ${context.activity.text}`);
      await context.sendActivity(`second reply to ${context.activity.text}`);
    },
  });
});

afterAll(async () => {
  await harness.close();
  await temp.drop();
});

describe('parallel posts to one conversation', () => {
  it('gives 20 messages distinct watermarks and keeps each reply with its message', async () => {
    const grant = await harness.adapter.issueToken();
    await call(`${harness.domain}/conversations`, { method: 'POST', auth: grant.token });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(`${harness.domain}/conversations/${grant.conversationId}/activities`, {
          auth: grant.token,
          body: { type: 'message', text: `m${i}` },
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(new Set(ids).size).toBe(20);

    const list = await call(`${harness.domain}/conversations/${grant.conversationId}/activities`, {
      auth: grant.token,
    });
    const page = (await list.json()) as {
      activities: Array<{ id: string; text: string; from: { id: string } }>;
      watermark: string;
    };
    expect(page.activities).toHaveLength(60);
    expect(page.watermark).toBe('59');
    page.activities.forEach((activity, index) =>
      expect(activity.id).toBe(`${grant.conversationId}|${String(index).padStart(7, '0')}`),
    );
    for (let turn = 0; turn < 20; turn += 1) {
      const [message, first, second] = page.activities.slice(turn * 3, turn * 3 + 3);
      expect(message?.from.id).not.toBe('council-assistant');
      expect(first?.text).toBe(`first reply to ${message?.text}`);
      expect(second?.text).toBe(`second reply to ${message?.text}`);
    }
  });
});
