/**
 * The REST surface with plain fetch: authentication and access (401/403), unknown
 * conversations (404), bad bodies (400/413), closed conversations (410), CORS, tokens,
 * reconnect and polling semantics, and the WebSocket stream's own checks.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeJwt } from 'jose';
import { TokenService } from '../../adapters/directline/auth/tokens.js';
import { testDatabase, type TestDatabase } from '../helpers/databases.js';
import { SECRET, call, eventually, startHarness, type Harness } from './harness.js';

const key = new Uint8Array(randomBytes(32));
let harness: Harness;
let temp: TestDatabase;

beforeAll(async () => {
  temp = await testDatabase();
  harness = await startHarness({ storageUrl: temp.url, tokenSigningKey: key, overrides: { maxTextLength: 500 } });
});

afterAll(async () => {
  await harness.close();
  await temp.drop();
});

/** Issues a token and starts its conversation the way Web Chat does. */
async function started() {
  const grant = await harness.adapter.issueToken();
  const response = await call(`${harness.domain}/conversations`, { method: 'POST', auth: grant.token });
  expect(response.status).toBe(201);
  const body = (await response.json()) as {
    conversationId: string;
    token: string;
    streamUrl: string;
    expires_in: number;
  };
  return { ...grant, ...body };
}

async function errorOf(response: Response): Promise<{ status: number; code: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(typeof body.error.message).toBe('string');
  return { status: response.status, code: body.error.code };
}

function post(conversationId: string, token: string, activity: unknown) {
  return call(`${harness.domain}/conversations/${conversationId}/activities`, { auth: token, body: activity });
}

describe('tokens', () => {
  it('generates tokens with the secret only, with a user claim Web Chat can read', async () => {
    const response = await call(`${harness.domain}/tokens/generate`, {
      method: 'POST',
      auth: SECRET,
      body: { user: { id: 'dl_resident1' } },
    });
    expect(response.status).toBe(200);
    const grant = (await response.json()) as { conversationId: string; token: string; expires_in: number };
    expect(grant.expires_in).toBe(1800);
    expect(decodeJwt(grant.token)).toMatchObject({
      conv: grant.conversationId,
      user: 'dl_resident1',
      iss: 'council-assistant/directline',
    });

    const withToken = await call(`${harness.domain}/tokens/generate`, { method: 'POST', auth: grant.token });
    expect(await errorOf(withToken)).toEqual({ status: 403, code: 'SecretRequired' });
  });

  it('refreshes a valid token for the same conversation and refuses an expired one', async () => {
    const grant = await harness.adapter.issueToken({ userId: 'dl_refresh' });
    const response = await call(`${harness.domain}/tokens/refresh`, { method: 'POST', auth: grant.token });
    expect(response.status).toBe(200);
    const refreshed = (await response.json()) as { conversationId: string; token: string };
    expect(refreshed.conversationId).toBe(grant.conversationId);
    expect(decodeJwt(refreshed.token)).toMatchObject({ conv: grant.conversationId, user: 'dl_refresh' });

    const expired = await new TokenService(key, () => Date.now() - 3_600_000).sign(
      { conv: grant.conversationId, user: 'dl_refresh', scope: 'conversation' },
      60,
    );
    const refused = await call(`${harness.domain}/tokens/refresh`, { method: 'POST', auth: expired });
    expect(await errorOf(refused)).toEqual({ status: 403, code: 'TokenExpired' });
  });
});

describe('starting and resuming', () => {
  it('creates the conversation on first use and returns the same one afterwards', async () => {
    const conversation = await started();
    expect(conversation.streamUrl).toMatch(
      new RegExp(
        `^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${conversation.conversationId}/stream\\?watermark=-&t=`,
      ),
    );
    const again = await call(`${harness.domain}/conversations`, { method: 'POST', auth: conversation.token });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { conversationId: string }).conversationId).toBe(conversation.conversationId);
  });

  it('starts a new conversation with the secret', async () => {
    const response = await call(`${harness.domain}/conversations`, {
      method: 'POST',
      auth: SECRET,
      body: { user: { id: 'dl_backend' } },
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { conversationId: string; token: string };
    expect(decodeJwt(body.token)).toMatchObject({ conv: body.conversationId, user: 'dl_backend' });
  });

  it('gives a reconnecting client a fresh streamUrl from its watermark, for the public host behind a proxy', async () => {
    const conversation = await started();
    const response = await call(`${harness.domain}/conversations/${conversation.conversationId}?watermark=0`, {
      auth: conversation.token,
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'chat.demoford.gov.uk' },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { streamUrl: string; token: string; conversationId: string };
    expect(body.streamUrl).toMatch(
      /^wss:\/\/chat\.demoford\.gov\.uk\/v3\/directline\/conversations\/[^/]+\/stream\?watermark=0&t=/,
    );
    expect(decodeJwt(body.token).conv).toBe(conversation.conversationId);
  });
});

describe('refusals', () => {
  it('401 without credentials, with CORS headers on the error', async () => {
    const response = await call(`${harness.domain}/conversations`, { method: 'POST' });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await errorOf(response)).toEqual({ status: 401, code: 'MissingAuthorization' });
  });

  it("403 when one conversation's token reads or posts to another", async () => {
    const mine = await started();
    const theirs = await started();
    const read = await call(`${harness.domain}/conversations/${theirs.conversationId}/activities`, {
      auth: mine.token,
    });
    expect(await errorOf(read)).toEqual({ status: 403, code: 'Forbidden' });
    const write = await post(theirs.conversationId, mine.token, { type: 'message', text: 'hi' });
    expect(await errorOf(write)).toEqual({ status: 403, code: 'Forbidden' });
    const reconnect = await call(`${harness.domain}/conversations/${theirs.conversationId}`, { auth: mine.token });
    expect(reconnect.status).toBe(403);
  });

  it('403 for an expired, garbled or stream-only token', async () => {
    const conversation = await started();
    const expired = await new TokenService(key, () => Date.now() - 3_600_000).sign(
      { conv: conversation.conversationId, user: 'dl_x', scope: 'conversation' },
      60,
    );
    const url = `${harness.domain}/conversations/${conversation.conversationId}/activities`;
    expect(await errorOf(await call(url, { auth: expired }))).toEqual({ status: 403, code: 'TokenExpired' });
    expect(await errorOf(await call(url, { auth: `${conversation.token}x` }))).toEqual({
      status: 403,
      code: 'TokenInvalid',
    });
    const otherKey = await new TokenService(new Uint8Array(randomBytes(32))).sign(
      { conv: conversation.conversationId, user: 'dl_x', scope: 'conversation' },
      60,
    );
    expect(await errorOf(await call(url, { auth: otherKey }))).toEqual({ status: 403, code: 'TokenInvalid' });
    const streamToken = new URL(conversation.streamUrl).searchParams.get('t') ?? '';
    expect(await errorOf(await call(url, { auth: streamToken }))).toEqual({ status: 403, code: 'TokenInvalid' });
  });

  it('404 for an unknown conversation', async () => {
    const url = `${harness.domain}/conversations/no-such-conversation/activities`;
    expect(await errorOf(await call(url, { auth: SECRET }))).toEqual({ status: 404, code: 'ConversationNotFound' });
    // A token whose conversation was never started.
    const grant = await harness.adapter.issueToken();
    const unstarted = await post(grant.conversationId, grant.token, { type: 'message', text: 'hi' });
    expect(await errorOf(unstarted)).toEqual({ status: 404, code: 'ConversationNotFound' });
  });

  it('400 for malformed JSON or an invalid activity', async () => {
    const conversation = await started();
    const url = `${harness.domain}/conversations/${conversation.conversationId}/activities`;
    const malformed = await call(url, { auth: conversation.token, rawBody: '{"type":"message","text":' });
    expect(await errorOf(malformed)).toEqual({ status: 400, code: 'BadJson' });
    const invalid = await post(conversation.conversationId, conversation.token, { type: 'handoff', text: 42 });
    const body = (await invalid.json()) as { error: { code: string; message: string } };
    expect(invalid.status).toBe(400);
    expect(body.error.code).toBe('BadArgument');
    expect(body.error.message).toContain('type');
  });

  it('413 for a body over the size limit, and for text over the message limit', async () => {
    const conversation = await started();
    const huge = await post(conversation.conversationId, conversation.token, {
      type: 'message',
      text: 'x'.repeat(70_000),
    });
    expect(await errorOf(huge)).toEqual({ status: 413, code: 'BodyTooLarge' });
    const long = await post(conversation.conversationId, conversation.token, {
      type: 'message',
      text: 'x'.repeat(501),
    });
    expect(await errorOf(long)).toEqual({ status: 413, code: 'TextTooLong' });
    // Nothing refused was stored.
    const list = await call(`${harness.domain}/conversations/${conversation.conversationId}/activities`, {
      auth: conversation.token,
    });
    expect(((await list.json()) as { activities: unknown[] }).activities).toHaveLength(1);
  });

  it('410 ConversationClosed when posting to a conversation closed for idleness; history stays readable', async () => {
    const conversation = await started();
    const closed = await harness.adapter.closeIdleConversations(Date.now() + 31 * 60_000);
    expect(closed).toBeGreaterThanOrEqual(1);
    const refused = await post(conversation.conversationId, conversation.token, { type: 'message', text: 'hi' });
    expect(await errorOf(refused)).toEqual({ status: 410, code: 'ConversationClosed' });
    const list = await call(`${harness.domain}/conversations/${conversation.conversationId}/activities`, {
      auth: conversation.token,
    });
    expect(list.status).toBe(200);
    expect(await harness.adapter.closeIdleConversations(Date.now() + 31 * 60_000)).toBe(0);
  });

  it('says plainly that uploads are not supported', async () => {
    const conversation = await started();
    const response = await call(`${harness.domain}/conversations/${conversation.conversationId}/upload?userId=x`, {
      method: 'POST',
      auth: conversation.token,
    });
    expect(await errorOf(response)).toEqual({ status: 400, code: 'UploadNotSupported' });
  });
});

describe('CORS', () => {
  it('answers the preflight for Authorization and Web Chat headers', async () => {
    const response = await fetch(`${harness.domain}/conversations/abc/activities`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://www.demoford.gov.uk',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,x-ms-bot-agent',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const header of ['authorization', 'content-type', 'x-ms-bot-agent']) expect(allowed).toContain(header);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });
});

describe('activities', () => {
  it('stores the resident activity as sent by the server, runs the turn, and pages by watermark', async () => {
    const conversation = await started();
    const response = await post(conversation.conversationId, conversation.token, {
      type: 'message',
      text: 'When is my bin day? DF1 1AA',
      from: { id: 'forged', name: 'Jo' },
      channelData: { clientActivityID: 'abc' },
      id: 'client-chosen',
      conversation: { id: 'elsewhere' },
      localTimestamp: '2025-01-01T10:00:00+00:00',
    });
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    expect(id).toBe(`${conversation.conversationId}|0000001`);

    const all = await call(`${harness.domain}/conversations/${conversation.conversationId}/activities`, {
      auth: conversation.token,
    });
    const page = (await all.json()) as { activities: Array<Record<string, unknown>>; watermark: string };
    expect(page.watermark).toBe('2');
    const [welcome, mine, reply] = page.activities;
    expect(welcome).toMatchObject({ type: 'message', from: { id: 'council-assistant' } });
    expect(mine).toMatchObject({
      id,
      channelId: 'directline',
      conversation: { id: conversation.conversationId },
      from: { id: decodeJwt(conversation.token).user, name: 'Jo', role: 'user' },
      recipient: { id: 'council-assistant' },
      channelData: { clientActivityID: 'abc' },
    });
    expect(typeof mine?.timestamp).toBe('string');
    expect(reply).toMatchObject({ text: 'echo: When is my bin day? DF1 1AA', replyToId: id });

    const after = await call(`${harness.domain}/conversations/${conversation.conversationId}/activities?watermark=1`, {
      auth: conversation.token,
    });
    const rest = (await after.json()) as { activities: Array<{ text?: string }>; watermark: string };
    expect(rest.activities.map((a) => a.text)).toEqual(['echo: When is my bin day? DF1 1AA']);
    expect(rest.watermark).toBe('2');
    const none = await call(`${harness.domain}/conversations/${conversation.conversationId}/activities?watermark=2`, {
      auth: conversation.token,
    });
    expect(await none.json()).toEqual({ activities: [], watermark: '2' });

    expect(harness.logLines.join('\n')).not.toMatch(/bin day|DF1 1AA|"Jo"/);
  });

  it('answers 200 with the id when the turn fails, and the resident gets the apology', async () => {
    const conversation = await started();
    const response = await post(conversation.conversationId, conversation.token, { type: 'message', text: 'crash' });
    expect(response.status).toBe(200);
    const list = await call(`${harness.domain}/conversations/${conversation.conversationId}/activities?watermark=1`, {
      auth: conversation.token,
    });
    const page = (await list.json()) as { activities: Array<{ text?: string }> };
    expect(page.activities.map((a) => a.text)).toEqual(['Sorry, something went wrong.']);
  });

  it('delivers proactive messages through continueConversation', async () => {
    const conversation = await started();
    await harness.adapter.continueConversation(
      {
        conversation: { id: conversation.conversationId, isGroup: false, conversationType: 'personal', name: '' },
        user: { id: 'dl_x', name: '' },
      },
      async (context) => {
        await context.sendActivity('An adviser has replied.');
      },
    );
    const list = await call(`${harness.domain}/conversations/${conversation.conversationId}/activities?watermark=0`, {
      auth: conversation.token,
    });
    const page = (await list.json()) as { activities: Array<{ text?: string; id?: string }> };
    expect(page.activities).toEqual([
      expect.objectContaining({ text: 'An adviser has replied.', id: `${conversation.conversationId}|0000001` }),
    ]);
  });
});

describe('WebSocket stream', () => {
  function open(
    url: string,
  ): Promise<{ socket: WebSocket; frames: Array<{ activities: Array<{ text?: string }>; watermark: string }> }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const frames: Array<{ activities: Array<{ text?: string }>; watermark: string }> = [];
      socket.on('message', (data) => {
        const text = String(data);
        if (text) frames.push(JSON.parse(text));
      });
      socket.once('open', () => resolve({ socket, frames }));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  it('replays from the watermark, then streams new activities', async () => {
    const conversation = await started();
    await post(conversation.conversationId, conversation.token, { type: 'message', text: 'one' });
    const reconnect = await call(`${harness.domain}/conversations/${conversation.conversationId}?watermark=1`, {
      auth: conversation.token,
    });
    const { streamUrl } = (await reconnect.json()) as { streamUrl: string };
    const { socket, frames } = await open(streamUrl);
    try {
      await eventually(() => (frames.length >= 1 ? true : undefined));
      expect(frames[0]).toEqual({ activities: [expect.objectContaining({ text: 'echo: one' })], watermark: '2' });
      await post(conversation.conversationId, conversation.token, { type: 'message', text: 'two' });
      await eventually(() => (frames.length >= 3 ? true : undefined));
      expect(frames.slice(1).map((f) => [f.activities[0]?.text, f.watermark])).toEqual([
        ['two', '3'],
        ['echo: two', '4'],
      ]);
    } finally {
      socket.close();
    }
  });

  it('refuses a stream without a valid token for that conversation', async () => {
    const mine = await started();
    const theirs = await started();
    const base = `${harness.baseUrl.replace('http', 'ws')}/v3/directline/conversations`;
    const mineStreamToken = new URL(mine.streamUrl).searchParams.get('t') ?? '';
    await expect(open(`${base}/${theirs.conversationId}/stream?t=${mineStreamToken}`)).rejects.toThrow('status 403');
    await expect(open(`${base}/${mine.conversationId}/stream?t=${mine.token}`)).rejects.toThrow('status 403');
    await expect(open(`${base}/${mine.conversationId}/stream`)).rejects.toThrow('status 401');
  });
});
