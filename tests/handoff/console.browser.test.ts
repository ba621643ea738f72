/**
 * The agent workspace in a real browser (Debian's Chromium), with residents in Web Chat and by
 * SMS. One assistant and one browser for the file; each agent and resident has their own
 * context (their own cookies). Screenshots are kept in var/test-artefacts/.
 *
 * - A resident half-way through a tip permit asks for a person: the agent sees their address,
 *   registration and what the assistant was doing, in words; the waiting timer and the accept
 *   countdown move on their own; the agent accepts, sets themself busy, and an urgent resident
 *   texting "homeless tonight" still raises the tab title's count, a browser notification and
 *   a banner above everything; replies (Ctrl+Enter) reach the resident under the agent's name;
 *   new lines are appended, never rebuilt; ending asks for an outcome and a confirmation.
 * - An out-of-hours callback request is in the callbacks list, is claimed and closed.
 * - axe reports no violations in any of those states.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { axeViolations, keepScreenshot } from '../helpers/browserChecks.js';
import { MONDAY_10AM, startHandoffCouncil, type HandoffCouncil } from './harness.js';

let council: HandoffCouncil;
let browser: Browser;
let agentContext: BrowserContext;
let agent: Page;
const errors: string[] = [];
const WAIT = { timeout: 20_000 };

async function residentSays(page: Page, text: string, expected: RegExp): Promise<void> {
  const box = page.locator('[data-id="webchat-sendbox-input"]');
  await box.fill(text);
  await box.press('Enter');
  await page.getByText(expected).last().waitFor(WAIT);
}

beforeAll(async () => {
  council = await startHandoffCouncil();
  await council.handoff.accounts.add('priya', 'priya-demo-password', { displayName: 'Priya Shah' });
  await council.handoff.accounts.add('sam', 'sam-demo-password', { displayName: 'Sam Jones' });
  browser = await launchChromium();
  // bypassCSP: the console's policy allows only its own scripts; axe is injected by the test.
  agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  await agentContext.grantPermissions(['notifications'], { origin: council.url });
  // Every notification the page raises is recorded, whatever the headless browser does with it.
  await agentContext.addInitScript(() => {
    const record: string[] = [];
    const Real = window.Notification;
    const Recording = function (title: string, options?: NotificationOptions) {
      record.push(title);
      return new Real(title, options);
    } as unknown as typeof Notification;
    Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
    Recording.requestPermission = Real.requestPermission.bind(Real);
    Object.assign(window, { Notification: Recording, notified: record });
  });
  agent = await agentContext.newPage();
  agent.on('pageerror', (error) => errors.push(error.message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await council?.stop();
  await council?.fakeTwilio.close();
});

describe('the agent workspace', () => {
  it('shows who is waiting with their context, alerts on urgent arrivals, and chats both ways', async () => {
    await agent.goto(council.url + '/agent');
    expect(await axeViolations(agent)).toEqual([]);
    await agent.getByLabel('Username').fill('priya');
    await agent.getByLabel('Password').fill('priya-demo-password');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByText('Signed in as Priya Shah').waitFor();
    await agent.getByText('Nobody is waiting.').waitFor();
    expect(await axeViolations(agent)).toEqual([]);

    // A resident half-way through booking a tip permit asks for a person.
    const residentContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const resident = await residentContext.newPage();
    resident.on('pageerror', (error) => errors.push(error.message));
    await resident.goto(council.url);
    await resident
      .getByText(/I can tell you your bin collection days/)
      .first()
      .waitFor(WAIT);
    await residentSays(resident, 'book a van permit', /postcode/i);
    await residentSays(resident, 'DF2 4QT', /which address/i);
    await residentSays(resident, '22 Mill Lane', /registration/i);
    await residentSays(resident, 'AB12 CDE', /which tip/i);
    await residentSays(resident, 'can I speak to a person', /number 1 in the queue/);

    const card = agent.locator('#queue li').filter({ hasText: 'Asked to speak to a person' });
    await card.waitFor(WAIT);
    await expect.poll(() => agent.title()).toBe('(1) Agent console – Demoford Borough Council');
    // The waiting time and the accept countdown move every second with no event from the server.
    const waited = card.locator('[data-since]');
    const firstReading = await waited.textContent();
    await expect.poll(() => waited.textContent(), { timeout: 5_000 }).not.toBe(firstReading);
    await expect(card.locator('[data-due]').textContent()).resolves.toMatch(
      /callback offered in 9 min \d\d s|callback offered in 10 min 00 s/,
    );

    await card.getByRole('button').click();
    const panel = agent.getByRole('tabpanel');
    const facts = panel.locator('.facts');
    await facts.getByText('22 Mill Lane', { exact: false }).waitFor();
    await expect(facts.textContent()).resolves.toMatch(/Registration\s*AB12 CDE/);
    await expect(facts.textContent()).resolves.toMatch(/Assistant was\s*Booking a van or trailer permit for the tip/);
    await expect(facts.textContent()).resolves.toMatch(/Channel\s*Web Chat/);
    await expect(facts.textContent()).resolves.toMatch(/Identity\s*Not verified/);
    // Who said what, with a time on every line.
    await panel.locator('.line.resident').filter({ hasText: 'AB12 CDE' }).waitFor();
    expect(await panel.locator('.line time').count()).toBe(await panel.locator('.line').count());
    await expect(panel.locator('.line.assistant .who').first().textContent()).resolves.toBe('Assistant');
    expect(await axeViolations(agent)).toEqual([]);

    await panel.getByRole('button', { name: 'Accept this conversation' }).click();
    const reply = panel.getByLabel('Reply to the resident');
    await reply.waitFor();
    await resident
      .getByText(/Priya Shah from the contact centre has joined/)
      .first()
      .waitFor(WAIT);

    // Busy: an urgent resident still raises the title count, a notification and the banner.
    await agent.getByLabel('My availability').selectOption('busy');
    await agent.getByText('You are now busy.').waitFor();
    const texts = council.sms('+447700900888');
    await texts("I'm going to be homeless tonight");
    const banner = agent.getByRole('alert').filter({ hasText: 'Urgent: Homeless tonight' });
    await banner.waitFor(WAIT);
    await expect.poll(() => agent.title()).toBe('(1, 1 urgent) Agent console – Demoford Borough Council');
    await expect
      .poll(() => agent.evaluate(() => (window as unknown as { notified: string[] }).notified))
      .toEqual([
        // Announced while available; the urgent one while busy too.
        'Waiting: Asked to speak to a person',
        'Urgent: Homeless tonight',
      ]);
    await keepScreenshot(agent, 'console-urgent-while-busy');

    // Ctrl+Enter sends; the resident sees the words under the agent's own name.
    await panel
      .locator('.transcript li')
      .first()
      .evaluate((li) => li.setAttribute('data-first', 'kept'));
    await reply.fill(
      'Hello, I can finish the permit for you. Which tip would you like?\n- **Quarry Road**\n- Northfield',
    );
    await reply.press('Control+Enter');
    // Markdown rendered as a list and emphasis, never as raw asterisks.
    const sent = panel.locator('.line.agent').last();
    await sent.locator('li').nth(1).waitFor(WAIT);
    await expect(sent.locator('strong').textContent()).resolves.toBe('Quarry Road');
    await expect(sent.locator('.who').textContent()).resolves.toBe('Priya Shah');
    expect(await panel.locator('.transcript').textContent()).not.toContain('**');
    await resident.getByText('Hello, I can finish the permit for you.', { exact: false }).first().waitFor(WAIT);
    const agentRow = resident.locator('[data-agent="Priya Shah"]').last();
    await agentRow.waitFor(WAIT);
    await expect(agentRow.locator('.webchat__initialsAvatar__initials').textContent()).resolves.toBe('PS');
    await expect(agentRow.textContent()).resolves.toMatch(/Priya Shah from the contact centre said/);
    await residentSays(resident, 'Quarry Road please, on Friday', /Hello, I can finish/);
    await panel.locator('.line.resident').filter({ hasText: 'Quarry Road please' }).waitFor(WAIT);
    // Appended, not rebuilt: the first line is the same element it was.
    expect(await panel.locator('.transcript li[data-first="kept"]').count()).toBe(1);
    await expect(panel.locator('.transcript').getAttribute('aria-live')).resolves.toBe('polite');

    await panel.getByText('Note, transfer or end').click();
    await panel.getByLabel('Private note (not sent to the resident)').fill('Wants Friday at Quarry Road');
    await panel.getByRole('button', { name: 'Add note' }).click();
    await panel.locator('.line.note').waitFor();
    const whoInOrder = await panel.locator('.transcript .who').allTextContents();
    expect(whoInOrder.slice(-2)).toEqual(['Resident', 'Note by Priya Shah']);

    // Transfer and end say what is missing, and ending is confirmed.
    await panel.getByRole('button', { name: 'Transfer' }).click();
    await panel.getByText('Choose who to transfer to: the queue or a named agent.').waitFor();
    await panel.getByRole('button', { name: 'End chat' }).click();
    await panel.getByText('Choose an outcome before ending the chat.').waitFor();
    await panel.getByLabel('Outcome').selectOption({ label: 'Resolved' });
    await panel.getByRole('button', { name: 'End chat' }).click();
    await panel.getByText(/End the chat as “Resolved”\?/).waitFor();
    expect(await axeViolations(agent)).toEqual([]);
    await keepScreenshot(agent, 'console-conversation');
    await panel.getByRole('button', { name: 'Yes, end the chat' }).click();
    await agent.getByText('Chat ended. The resident is back with the assistant.').waitFor();
    await resident
      .getByText(/Priya Shah has ended the chat/)
      .first()
      .waitFor(WAIT);

    // The urgent texter next, from the banner: their number to call, a saved reply, and what
    // the reply costs in texts.
    await banner.getByRole('button', { name: 'Open urgent conversation' }).click();
    const urgentPanel = agent.getByRole('tabpanel');
    await expect(urgentPanel.getByRole('link', { name: '+447700900888' }).getAttribute('href')).resolves.toBe(
      'tel:+447700900888',
    );
    await urgentPanel.getByRole('button', { name: 'Accept this conversation' }).click();
    const urgentReply = urgentPanel.getByLabel('Reply to the resident');
    await urgentReply.waitFor();
    await urgentPanel.getByLabel('Saved reply').selectOption({ label: 'Hello' });
    await expect(urgentReply.inputValue()).resolves.toMatch(/^Hello, thanks for waiting\./);
    await expect(urgentPanel.locator('.counter').textContent()).resolves.toMatch(/^\d+ characters · 1 text$/);
    await urgentReply.fill('x'.repeat(200));
    await expect(urgentPanel.locator('.counter').textContent()).resolves.toBe('212 characters · 2 texts');
    await expect.poll(() => agent.title()).toBe('Agent console – Demoford Borough Council');
    expect(errors).toEqual([]);
    await residentContext.close();
  }, 150_000);

  it('lists an out-of-hours callback request, which an agent claims and closes', async () => {
    // 5.30pm: the contact centre has closed, and the agent's 8-hour session has not expired.
    council.clock.now = MONDAY_10AM + 7.5 * 3_600_000;
    const texts = council.sms('+447700900321');
    await texts('can I speak to a person');
    await texts('yes');
    expect((await texts('changing the date of my tip permit, mornings are best')).join('\n')).toMatch(
      /which (property|address)/i,
    );
    const booked = (await texts('22 Mill Lane DF2 4QT')).join('\n');
    const reference = /HC-\d{6}/.exec(booked)?.[0] ?? '';
    expect(reference).toMatch(/^HC-\d{6}$/);
    council.clock.now = MONDAY_10AM;

    await agent.getByRole('button', { name: /Callback requests/ }).click();
    const item = agent.locator('#callback-list li').filter({ hasText: reference });
    await item.waitFor(WAIT);
    await expect(item.textContent()).resolves.toMatch(
      /In their words\s*changing the date of my tip permit, mornings are best/,
    );
    await expect(item.textContent()).resolves.toMatch(/Preferred time\s*mornings/);
    await expect(item.getByRole('link', { name: /7700 ?900321/ }).getAttribute('href')).resolves.toBe(
      'tel:+447700900321',
    );
    expect(await axeViolations(agent)).toEqual([]);

    await item.getByRole('button', { name: `Claim ${reference}` }).click();
    await item.getByText(/Claimed by\s*You/).waitFor();
    await item.getByRole('button', { name: `Close ${reference}` }).click();
    await item.getByText('Choose what happened on the call first.').waitFor();
    await item.getByLabel(`How did the call go? (${reference})`).selectOption({ label: 'Resolved' });
    expect(await axeViolations(agent)).toEqual([]);
    await keepScreenshot(agent, 'console-callbacks');
    await item.getByRole('button', { name: `Close ${reference}` }).click();
    await agent.getByText(`${reference} closed: Resolved.`).waitFor();
    await expect.poll(() => item.count()).toBe(0);
    const row = await council.database.db
      .selectFrom('cases')
      .select(['status', 'outcome', 'claimed_by'])
      .where('reference', '=', reference)
      .executeTakeFirst();
    expect(row).toMatchObject({ status: 'closed', outcome: 'resolved' });
    expect(errors).toEqual([]);
  }, 90_000);
});
