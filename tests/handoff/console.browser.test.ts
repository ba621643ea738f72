/**
 * Two real browsers: a resident in Web Chat on the demo page and an agent at /agent (separate
 * contexts, so separate cookies). The resident asks for a person; the agent signs in, sees them
 * queued with their context, accepts and replies; each sees the other's words; the agent ends
 * and the assistant carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { startHandoffCouncil, type HandoffCouncil } from './harness.js';

let council: HandoffCouncil;
let browser: Browser;

beforeAll(async () => {
  council = await startHandoffCouncil();
  await council.handoff.accounts.add('priya', 'priya-demo-password', { displayName: 'Priya' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await council?.stop();
  await council?.fakeTwilio.close();
});

describe('agent console with a Web Chat resident', () => {
  it('takes a resident from the queue, chats both ways and hands them back', async () => {
    const residentContext = await browser.newContext();
    const agentContext = await browser.newContext();
    const resident = await residentContext.newPage();
    const agent = await agentContext.newPage();
    const errors: string[] = [];
    for (const page of [resident, agent]) page.on('pageerror', (error) => errors.push(error.message));

    await resident.goto(council.url);
    await resident.getByText(/I can tell you your bin collection days/).first().waitFor({ timeout: 20_000 });
    const sendBox = resident.locator('[data-id="webchat-sendbox-input"]');
    await sendBox.fill('can I speak to a person');
    await sendBox.press('Enter');
    await resident.getByText(/number 1 in the queue/).first().waitFor({ timeout: 20_000 });

    await agent.goto(council.url + '/agent');
    await agent.getByLabel('Username').fill('priya');
    await agent.getByLabel('Password').fill('priya-demo-password');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByText('Signed in as Priya').waitFor();
    const row = agent.getByRole('row').filter({ hasText: 'agent.request' });
    await row.waitFor();
    await expect(row.getByRole('cell').nth(1).textContent()).resolves.toBe('Web Chat');
    await row.getByRole('button', { name: /View conversation/ }).click();
    // The context panel: channel, verification status and the transcript from the start.
    await agent.locator('#context').getByText('Not verified').waitFor();
    await agent.locator('#transcript').getByText('can I speak to a person').waitFor();
    await agent.getByRole('button', { name: 'Accept this conversation' }).click();
    await agent.getByLabel('Reply to the resident').waitFor();

    await resident.getByText(/Priya from the contact centre has joined/).first().waitFor({ timeout: 20_000 });
    await agent.getByLabel('Reply to the resident').fill('Hello, this is Priya. How can I help?');
    await agent.getByRole('button', { name: 'Send reply' }).click();
    await resident.getByText('Priya: Hello, this is Priya. How can I help?').first().waitFor({ timeout: 20_000 });

    await sendBox.fill('My green bin lid is broken');
    await sendBox.press('Enter');
    // Live over the WebSocket: no reload on the agent's side.
    await agent.locator('#transcript').getByText('My green bin lid is broken').waitFor({ timeout: 20_000 });

    await agent.getByLabel('Outcome').selectOption('resolved');
    await agent.getByRole('button', { name: 'End chat' }).click();
    await agent.getByText(/Chat ended/).waitFor();
    await resident.getByText(/Priya has ended the chat/).first().waitFor({ timeout: 20_000 });

    await sendBox.fill('5');
    await sendBox.press('Enter');
    await resident.getByText(/Thank you for your feedback/).first().waitFor({ timeout: 20_000 });
    await sendBox.fill('thank you');
    await sendBox.press('Enter');
    await resident.getByText(/You.re welcome/).first().waitFor({ timeout: 20_000 });
    await agent.screenshot({ path: 'var/agent-console.png', fullPage: true });
    expect(errors).toEqual([]);
  }, 90_000);

  it('does the same for an SMS resident, whose texts go out through Twilio', async () => {
    const number = '+447700900654';
    const text = council.sms(number);
    expect((await text('can I speak to a person')).join('\n')).toMatch(/number 1 in the queue/);
    const agentContext = await browser.newContext();
    const agent = await agentContext.newPage();
    await agent.goto(council.url + '/agent');
    await agent.getByLabel('Username').fill('priya');
    await agent.getByLabel('Password').fill('priya-demo-password');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    const row = agent.getByRole('row').filter({ hasText: 'SMS' });
    await row.getByRole('button', { name: /View conversation/ }).click();
    await agent.locator('#context').getByText(number, { exact: false }).waitFor();
    await agent.getByRole('button', { name: 'Accept this conversation' }).click();
    await agent.getByLabel('Reply to the resident').fill('Hi, Priya here. What is your postcode?');
    await agent.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => council.fakeTwilio.sentTo(number).map((m) => m.body)).toContain('Priya: Hi, Priya here. What is your postcode?');
    expect(await text('DF2 4QT')).toEqual([]);
    await agent.locator('#transcript').getByText('DF2 4QT').waitFor({ timeout: 20_000 });
    await agent.getByLabel('Outcome').selectOption('case_opened');
    await agent.getByRole('button', { name: 'End chat' }).click();
    await expect.poll(() => council.fakeTwilio.sentTo(number).some((m) => /Priya has ended the chat/.test(m.body))).toBe(true);
    expect((await text('hello')).join('\n').length).toBeGreaterThan(0);
    await agentContext.close();
  }, 90_000);
});
