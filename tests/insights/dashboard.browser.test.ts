/**
 * The insights dashboard in a real browser (Debian's Chromium): a supervisor signs in, reads
 * the day's figures as tiles, charts and their tables, labels a message the assistant did not
 * understand; an agent signing in is told the page is for supervisors. axe reports no
 * violations in any of those states. Screenshots are kept in docs/ for the README.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { axeViolations, keepScreenshot } from '../helpers/browserChecks.js';
import { startHandoffCouncil, type HandoffCouncil } from '../handoff/harness.js';

let council: HandoffCouncil;
let browser: Browser;
const errors: string[] = [];
const DAY = '2026-11-23';

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

function keepInDocs(path: string, name: string): void {
  mkdirSync('docs', { recursive: true });
  copyFileSync(path, join('docs', name));
}

beforeAll(async () => {
  council = await startHandoffCouncil({ env: { DEMO_SUPERVISOR_PASSWORD: 'supervisor password 123' } });
  await council.handoff.accounts.add('sam', 'sam-demo-password', { displayName: 'Sam Jones' });
  // A little of a day: a contained web conversation, a text not understood, a greeting left alone.
  const web = await council.web();
  await web.say('bin day for 1 High Street DF1 1AA');
  await web.say('Yes');
  await council.sms('+447700900501')('my name is Sarah Jones, my fridge is making a noise');
  await council.sms('+447700900502')('bin day for 22 Mill Lane DF2 4QT');
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await council?.stop();
  await council?.fakeTwilio.close();
});

describe('the insights dashboard', () => {
  it('shows a supervisor the figures, as charts with their numbers, and takes a label', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${council.url}/agent/insights?from=${DAY}&to=${DAY}`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await signIn(page, 'demo-supervisor', 'supervisor password 123');
    await page.getByText(`Showing ${DAY} to ${DAY}.`).waitFor({ timeout: 20_000 });
    const conversations = page.locator('.tile', { hasText: 'Conversations' });
    await expect.poll(() => conversations.locator('.tile-value').textContent()).toBe('3');
    expect(await conversations.locator('.tile-detail').textContent()).toBe('1 Web chat, 2 SMS');
    expect(await page.locator('.tile', { hasText: 'Contained' }).locator('.tile-value').textContent()).toBe('67%');
    expect(
      await page.locator('.tile', { hasText: 'Answered their question' }).locator('.tile-detail').textContent(),
    ).toBe('1 yes, 0 no');
    // Every chart is an image with a text equivalent, and its numbers are a table.
    const perDay = page.getByRole('img', { name: /Conversations per day, by channel/ });
    await perDay.waitFor();
    expect(await perDay.locator('desc').textContent()).toBe(`${DAY}: 1 Web chat, 2 SMS`);
    await page.locator('#jobs').getByText('Show the numbers').click();
    expect(
      await page
        .locator('#jobs table')
        .getByRole('row', { name: /Bin days answered/ })
        .textContent(),
    ).toContain('2');
    expect(await axeViolations(page)).toEqual([]);

    // The inbox: masked, and labelled from the page.
    const row = page.getByRole('row', { name: /my name is \[name\], my fridge is making a noise/ });
    await row.waitFor();
    expect(await page.locator('#inbox').textContent()).not.toContain('Sarah');
    await row.getByRole('combobox').selectOption({ label: 'Out of scope (None)' });
    await row.getByRole('button', { name: 'Save' }).click();
    await row.getByText('Saved').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const labels = await council.database.db.selectFrom('insight_inbox').select(['label', 'labelled_by']).execute();
    expect(labels).toEqual([{ label: 'None', labelled_by: 'demo-supervisor' }]);

    keepInDocs(await keepScreenshot(page, 'insights-dashboard', true), 'insights-dashboard.png');
    await context.close();
  }, 120_000);

  it('tells an agent the page is for supervisors', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true });
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${council.url}/agent/insights`);
    await signIn(page, 'sam', 'sam-demo-password');
    await page.getByRole('heading', { name: 'Supervisors only' }).waitFor();
    expect(await page.locator('#dashboard').isHidden()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    keepInDocs(await keepScreenshot(page, 'insights-agent-refused'), 'insights-agent-refused.png');
    await context.close();
  }, 60_000);

  it('raised no script errors', () => {
    expect(errors).toEqual([]);
  });
});
