/**
 * The demo council page in a real browser with the official Web Chat bundle, talking to our
 * own Direct Line endpoint over its WebSocket stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { launchChromium } from '../helpers/chromium.js';

let assistant: TestAssistant;
let browser: Browser;

beforeAll(async () => {
  assistant = await startTestAssistant();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await assistant?.close();
});

describe('demo page with Web Chat', () => {
  it('welcomes the resident, sends their message and shows the reply, with no failed send', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // The page's Content-Security-Policy must allow everything Web Chat does: a refusal shows
    // in the console, and is as much a failure as an exception.
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    const response = await page.goto(assistant.url);
    expect(response?.headers()['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');

    await expect(page.getByRole('heading', { name: 'Ask us online' }).isVisible()).resolves.toBe(true);
    // The welcome arrives without the resident typing anything.
    await page
      .getByText(/I can tell you your bin collection days/)
      .first()
      .waitFor({ timeout: 20_000 });

    const sendBox = page.locator('[data-id="webchat-sendbox-input"]');
    await sendBox.fill('what can you do?');
    await sendBox.press('Enter');

    await page.getByText('what can you do?').first().waitFor();
    await page
      .getByText(/Just tell me what you need in your own words/)
      .first()
      .waitFor({ timeout: 20_000 });
    // Web Chat marks a message it could not deliver with "Send failed"; ours must be delivered.
    await page.waitForTimeout(500);
    expect(await page.getByText(/send failed/i).count()).toBe(0);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);

    // Quick replies are offered on the web; choosing one is like typing it.
    await page.getByRole('button', { name: 'Council tax' }).first().waitFor();
    await page.screenshot({ path: 'var/webchat-demo.png', fullPage: true });
    await page.close();
  }, 60_000);

  it('carries on the same conversation after the page is reloaded', async () => {
    const page = await browser.newPage();
    await page.goto(assistant.url);
    await page
      .getByText(/I can tell you your bin collection days/)
      .first()
      .waitFor({ timeout: 20_000 });
    const sendBox = page.locator('[data-id="webchat-sendbox-input"]');
    await sendBox.fill('thank you');
    await sendBox.press('Enter');
    await page
      .getByText(/You.re welcome/)
      .first()
      .waitFor({ timeout: 20_000 });

    await page.reload();
    await page
      .getByText(/You.re welcome/)
      .first()
      .waitFor({ timeout: 20_000 });
    await page.close();
  }, 60_000);
});
