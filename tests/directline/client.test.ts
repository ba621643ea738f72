/**
 * The official botframework-directlinejs client (what Web Chat runs) against our Direct Line:
 * start, send "hello", get the echo of the resident's own message (with its clientActivityID)
 * and the bot's reply, by polling and by WebSocket.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeJwt } from 'jose';
import { DirectLine, ConnectionStatus, type Activity } from 'botframework-directlinejs';
import { testDatabase, type TestDatabase } from '../helpers/databases.js';
import { eventually, startHarness, type Harness } from './harness.js';

// rxjs's ajax needs XMLHttpRequest and directlinejs needs a global WebSocket; Node 20 has neither.
Object.assign(globalThis, { XMLHttpRequest: createRequire(import.meta.url)('xhr2'), WebSocket });

let harness: Harness;
let temp: TestDatabase;

beforeAll(async () => {
  temp = await testDatabase();
  harness = await startHarness({ storageUrl: temp.url });
});

afterAll(async () => {
  await harness.close();
  await temp.drop();
});

async function converse(webSocket: boolean) {
  const grant = await harness.adapter.issueToken();
  const claims = decodeJwt(grant.token);
  expect(claims.user).toMatch(/^dl_/);
  expect(claims.conv).toBe(grant.conversationId);

  const directLine = new DirectLine({ token: grant.token, domain: harness.domain, webSocket, pollingInterval: 200 });
  const received: Activity[] = [];
  const subscription = directLine.activity$.subscribe((activity) => received.push(activity));
  try {
    const clientActivityID = `client-${webSocket ? 'ws' : 'poll'}`;
    const id = await new Promise<string>((resolve, reject) => {
      directLine
        .postActivity({
          type: 'message',
          // A forged sender id: the server must use the token's user instead.
          from: { id: 'someone-else', name: 'Resident' },
          text: 'hello',
          channelData: { clientActivityID },
        })
        .subscribe({ next: resolve, error: reject });
    });
    expect(id).toMatch(new RegExp(`^${grant.conversationId.replace(/[-]/g, '\\-')}\\|\\d{7}$`));

    const reply = await eventually(() => received.find((a) => a.type === 'message' && a.text === 'echo: hello'));
    const echo = received.find((a) => a.id === id);
    expect(echo).toBeDefined();
    expect(echo?.channelData).toMatchObject({ clientActivityID });
    expect(echo?.from.id).toBe(claims.user);
    expect(echo?.conversation?.id).toBe(grant.conversationId);
    expect(reply.from.id).toBe('council-assistant');
    expect(reply).toMatchObject({ replyToId: id });

    const texts = received.filter((a) => a.type === 'message').map((a) => ('text' in a ? a.text : undefined));
    expect(texts).toEqual(['Welcome to Demoford Borough Council.', 'hello', 'echo: hello']);
    expect(directLine.connectionStatus$.getValue()).toBe(ConnectionStatus.Online);
    // Proves which transport carried the activities, not just that something did.
    const streamed = harness.logLines.some(
      (line) => line.includes('stream opened') && line.includes(grant.conversationId),
    );
    expect(streamed).toBe(webSocket);
    return grant;
  } finally {
    subscription.unsubscribe();
    directLine.end();
  }
}

describe('botframework-directlinejs client', () => {
  it('talks to the bot by polling', async () => {
    await converse(false);
  });

  it('talks to the bot over the WebSocket stream', async () => {
    await converse(true);
  });

  it('never writes the message text or names to the logs', () => {
    const lines = harness.logLines.join('\n');
    expect(lines).toContain('conversation started');
    expect(lines).not.toMatch(/hello|Resident|Welcome/);
  });
});
