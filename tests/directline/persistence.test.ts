/**
 * Nothing lost: a conversation survives closing the server and the database. A new adapter on
 * the same file (and the same signing key, which the real server keeps in the database)
 * serves the history from a watermark, and the resident's next message continues the numbering.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../helpers/databases.js';
import { call, startHarness } from './harness.js';

const temp = await testDatabase();
afterAll(() => temp.drop());

describe('persistence across a restart', () => {
  it('keeps the activities and continues the conversation', async () => {
    const key = new Uint8Array(randomBytes(32));
    const first = await startHarness({ storageUrl: temp.url, tokenSigningKey: key });
    const grant = await first.adapter.issueToken();
    expect((await call(`${first.domain}/conversations`, { method: 'POST', auth: grant.token })).status).toBe(201);
    const posted = await call(`${first.domain}/conversations/${grant.conversationId}/activities`, {
      auth: grant.token,
      body: { type: 'message', text: 'hello' },
    });
    expect(posted.status).toBe(200);
    await first.close();

    const second = await startHarness({ storageUrl: temp.url, tokenSigningKey: key });
    try {
      const history = await call(`${second.domain}/conversations/${grant.conversationId}/activities?watermark=0`, {
        auth: grant.token,
      });
      expect(history.status).toBe(200);
      const page = (await history.json()) as { activities: Array<{ id: string; text: string }>; watermark: string };
      expect(page.activities.map((a) => [a.id.split('|')[1], a.text])).toEqual([
        ['0000001', 'hello'],
        ['0000002', 'echo: hello'],
      ]);
      expect(page.watermark).toBe('2');

      // Web Chat reconnecting after the restart gets the same conversation back (200, not 201).
      const resumed = await call(`${second.domain}/conversations`, { method: 'POST', auth: grant.token });
      expect(resumed.status).toBe(200);

      const next = await call(`${second.domain}/conversations/${grant.conversationId}/activities`, {
        auth: grant.token,
        body: { type: 'message', text: 'again' },
      });
      expect(((await next.json()) as { id: string }).id).toBe(`${grant.conversationId}|0000003`);
      const rest = await call(`${second.domain}/conversations/${grant.conversationId}/activities?watermark=2`, {
        auth: grant.token,
      });
      expect(((await rest.json()) as { activities: Array<{ text: string }> }).activities.map((a) => a.text)).toEqual([
        'again',
        'echo: again',
      ]);
    } finally {
      await second.close();
    }
  });
});
