/**
 * POST /api/messages, the Azure Bot Service / Emulator entry point. Without an app id it is
 * refused unless the development setting allows it; when allowed, the reply goes back to the
 * channel's serviceUrl through the Bot Connector API (a local fake stands in for Azure's).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';

interface ConnectorCall {
  path: string;
  body: { type?: string; text?: string };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

let connector: Server;
let connectorUrl: string;
const calls: ConnectorCall[] = [];

beforeAll(async () => {
  connector = createServer(async (req, res) => {
    calls.push({ path: req.url ?? '', body: (await readJson(req)) as ConnectorCall['body'] });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ id: `reply-${calls.length}` }));
  });
  await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
  connectorUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => connector.close(resolve));
});

function emulatorActivity(text: string) {
  return {
    type: 'message',
    id: 'act-1',
    text,
    channelId: 'emulator',
    serviceUrl: connectorUrl,
    from: { id: 'resident-1', name: 'Resident', role: 'user' },
    recipient: { id: 'bot', name: 'Bot', role: 'bot' },
    conversation: { id: 'emulator-conversation-1' },
    timestamp: new Date().toISOString(),
  };
}

describe('Bot Framework channels on /api/messages', () => {
  let locked: TestAssistant;
  let open: TestAssistant;
  beforeAll(async () => {
    locked = await startTestAssistant();
    open = await startTestAssistant({ ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: 'true' });
  });
  afterAll(async () => {
    await locked?.close();
    await open?.close();
  });

  it('refuses unauthenticated activities when no app id is configured', async () => {
    const response = await fetch(`${locked.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(emulatorActivity('hello')),
    });
    expect(response.status).toBe(401);
    expect(JSON.stringify(await response.json())).toMatch(/MICROSOFT_APP_ID/);
    expect(calls).toHaveLength(0);
  });

  it('answers the Emulator when development mode allows it', async () => {
    const response = await fetch(`${open.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(emulatorActivity('what can you do')),
    });
    expect(response.status).toBeLessThan(300);
    const reply = calls.find((c) => c.path.includes('/v3/conversations/emulator-conversation-1/activities'));
    expect(reply?.body.text).toMatch(/bin collection days/);
  });

  it('rejects malformed JSON with 400 and no stack trace', async () => {
    const response = await fetch(`${open.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"type":',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toMatch(/at .*\.js|node_modules/);
  });
});
