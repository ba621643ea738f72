/**
 * What one Web Chat client can hold on to is bounded: a token is not renewed for a closed
 * conversation nor past the maximum age, one conversation's stream token opens only a few
 * sockets, and what a client posts in channelData, value and entities is kept small.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TokenService } from '../../adapters/directline/auth/tokens.js';
import { testDatabase, type TestDatabase } from '../helpers/databases.js';
import { call, startHarness, type Harness } from '../directline/harness.js';

const key = new Uint8Array(randomBytes(32));
const MAX_AGE_SECONDS = 2 * 3600;
let harness: Harness;
let temp: TestDatabase;

beforeAll(async () => {
  temp = await testDatabase();
  harness = await startHarness({
    storageUrl: temp.url,
    tokenSigningKey: key,
    overrides: { tokenMaxAgeSeconds: MAX_AGE_SECONDS, maxStreamsPerConversation: 3 },
  });
});
afterAll(async () => {
  await harness.close();
  await temp.drop();
});

async function started() {
  const grant = await harness.adapter.issueToken();
  const response = await call(`${harness.domain}/conversations`, { method: 'POST', auth: grant.token });
  expect(response.status).toBe(201);
  return (await response.json()) as { conversationId: string; token: string; streamUrl: string };
}

async function codeOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('token refresh', () => {
  it('is refused for a closed conversation, and so is reconnecting for a fresh token', async () => {
    const conversation = await started();
    expect((await call(`${harness.domain}/tokens/refresh`, { method: 'POST', auth: conversation.token })).status).toBe(
      200,
    );
    await harness.adapter.closeIdleConversations(Date.now() + 31 * 60_000);

    const refresh = await call(`${harness.domain}/tokens/refresh`, { method: 'POST', auth: conversation.token });
    expect(refresh.status).toBe(410);
    expect(await codeOf(refresh)).toBe('ConversationClosed');
    const reconnect = await call(`${harness.domain}/conversations/${conversation.conversationId}`, {
      auth: conversation.token,
    });
    expect(reconnect.status).toBe(410);
  });

  it('stops at the maximum age counted from the first token, however often it was refreshed', async () => {
    const conversation = await started();
    // A line of tokens begun just over the maximum age ago, its latest still unexpired.
    const firstIssued = Math.floor(Date.now() / 1000) - MAX_AGE_SECONDS - 60;
    const stillValid = await new TokenService(key).sign(
      { conv: conversation.conversationId, user: 'dl_x', scope: 'conversation', born: firstIssued },
      600,
    );
    const refused = await call(`${harness.domain}/tokens/refresh`, { method: 'POST', auth: stillValid });
    expect(refused.status).toBe(403);
    expect(await codeOf(refused)).toBe('TokenExpired');

    // Near the end of its age, a refresh only buys what is left.
    const nearlyOld = await new TokenService(key).sign(
      {
        conv: conversation.conversationId,
        user: 'dl_x',
        scope: 'conversation',
        born: Math.floor(Date.now() / 1000) - MAX_AGE_SECONDS + 120,
      },
      600,
    );
    const last = await call(`${harness.domain}/tokens/refresh`, { method: 'POST', auth: nearlyOld });
    expect(last.status).toBe(200);
    expect(((await last.json()) as { expires_in: number }).expires_in).toBeLessThanOrEqual(120);
  });
});

describe('streams per conversation', () => {
  it('opens only the allowed number of sockets on one conversation; more get 429', async () => {
    const conversation = await started();
    const attempts = await Promise.all(
      Array.from(
        { length: 12 },
        () =>
          new Promise<{ ws: WebSocket; status: number }>((resolve) => {
            const ws = new WebSocket(conversation.streamUrl);
            ws.once('open', () => resolve({ ws, status: 101 }));
            ws.once('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode ?? 0 }));
            ws.once('error', () => resolve({ ws, status: 0 }));
          }),
      ),
    );
    const opened = attempts.filter((a) => a.status === 101);
    expect(opened).toHaveLength(3);
    expect(attempts.filter((a) => a.status === 429)).toHaveLength(9);
    for (const { ws } of attempts) ws.terminate();
  });
});

describe('what a client posts', () => {
  const post = (conversationId: string, token: string, activity: unknown) =>
    call(`${harness.domain}/conversations/${conversationId}/activities`, { auth: token, body: activity });
  const nested = (depth: number): unknown => (depth === 0 ? 'x' : [nested(depth - 1)]);

  it("keeps Web Chat's own channelData and entities", async () => {
    const conversation = await started();
    const response = await post(conversation.conversationId, conversation.token, {
      type: 'message',
      text: 'hello',
      channelData: { clientActivityID: 'abc123', clientTimestamp: new Date().toISOString(), attachmentSizes: [] },
      entities: [{ type: 'ClientCapabilities', requiresBotState: true, supportsListening: false, supportsTts: false }],
    });
    expect(response.status).toBe(200);
  });

  it('refuses channelData, value or entities that are deep or large', async () => {
    const conversation = await started();
    const cases = [
      { channelData: { clientActivityID: 'a', x: nested(20) } },
      { channelData: { clientActivityID: 'a', x: 'y'.repeat(5000) } },
      { value: nested(20) },
      { value: { big: 'y'.repeat(5000) } },
      { entities: [{ type: 'mention', deep: nested(20) }] },
    ];
    for (const extra of cases) {
      const response = await post(conversation.conversationId, conversation.token, {
        type: 'message',
        text: 'hi',
        ...extra,
      });
      expect(response.status, JSON.stringify(Object.keys(extra))).toBe(400);
    }
  });
});
