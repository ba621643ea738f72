/**
 * The official Web Chat bundle in Chromium against our Direct Line (echo bot, no council
 * content): the welcome arrives, the resident's message is delivered (no "Send failed", which
 * is what Web Chat shows when our echo lacks its clientActivityID) and the reply shows, over
 * the WebSocket stream; and a reload that resumes the conversation shows the history again.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type restify from 'restify';
import { launchChromium } from '../helpers/chromium.js';
import { testDatabase, type TestDatabase } from '../helpers/databases.js';
import { startHarness, type Harness } from './harness.js';

// The package's main is lib/index.js; the browser bundle sits beside lib/ in dist/.
const webChatBundle = join(
  dirname(createRequire(import.meta.url).resolve('botframework-webchat')),
  '..',
  'dist',
  'webchat.js',
);

const page = `<!doctype html><html><body>
<div id="webchat" style="height: 600px"></div>
<script src="/webchat.js"></script>
<script>
  const saved = JSON.parse(sessionStorage.getItem('dl') || 'null');
  (saved ? Promise.resolve({ ...saved, resumed: true }) : fetch('/token', { method: 'POST' }).then((r) => r.json())).then((session) => {
    sessionStorage.setItem('dl', JSON.stringify({ token: session.token, conversationId: session.conversationId }));
    window.WebChat.renderWebChat({
      directLine: window.WebChat.createDirectLine({
        domain: location.origin + '/v3/directline',
        token: session.token,
        conversationId: session.resumed ? session.conversationId : undefined,
        webSocket: true,
      }),
      styleOptions: { hideUploadButton: true },
    }, document.getElementById('webchat'));
  });
</script></body></html>`;

let harness: Harness;
let temp: TestDatabase;
let browser: Browser;

beforeAll(async () => {
  temp = await testDatabase();
  harness = await startHarness({
    storageUrl: temp.url,
    extraRoutes: (server: restify.Server, adapter) => {
      server.get('/', async (_req: restify.Request, res: restify.Response) => {
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.sendRaw(200, page);
      });
      server.get('/webchat.js', async (_req: restify.Request, res: restify.Response) => {
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        res.sendRaw(200, await readFile(webChatBundle));
      });
      server.post('/token', async (_req: restify.Request, res: restify.Response) => {
        res.send(200, await adapter.issueToken());
      });
    },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
  await temp?.drop();
});

describe('Web Chat in Chromium', () => {
  it('delivers the message, shows the reply, and resumes after a reload', async () => {
    const tab = await browser.newPage();
    const pageErrors: string[] = [];
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    await tab.goto(harness.baseUrl);
    await tab.getByText('Welcome to Demoford Borough Council.').first().waitFor({ timeout: 20_000 });

    const sendBox = tab.locator('[data-id="webchat-sendbox-input"]');
    await sendBox.fill('bin day please');
    await sendBox.press('Enter');
    await tab.getByText('echo: bin day please').first().waitFor({ timeout: 20_000 });
    await tab.waitForTimeout(500);
    expect(await tab.getByText(/send failed/i).count()).toBe(0);
    // One bubble for the resident's message: Web Chat matched our echo to what it sent by
    // clientActivityID (otherwise it shows the echo as a second message, then "Send failed").
    expect(await tab.locator('.webchat__bubble--from-user', { hasText: 'bin day please' }).count()).toBe(1);
    expect(harness.logLines.some((line) => line.includes('stream opened'))).toBe(true);

    await tab.reload();
    await tab.getByText('echo: bin day please').first().waitFor({ timeout: 20_000 });
    await sendBox.fill('second message');
    await sendBox.press('Enter');
    await tab.getByText('echo: second message').first().waitFor({ timeout: 20_000 });
    await tab.waitForTimeout(500);
    expect(await tab.locator('.webchat__bubble--from-user').count()).toBe(2);
    expect(await tab.getByText(/send failed/i).count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await tab.close();
  }, 60_000);
});
