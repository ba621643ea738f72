/**
 * The demo council page with Web Chat, in Debian's Chromium, the way residents use it: a whole
 * tip permit booked on a 320 px phone and at 200% zoom (a 1280 px screen zoomed in is a 640 px
 * wide page) without the page ever scrolling sideways (WCAG 1.4.10 reflow); the message box on
 * the first screen at 1280x720 and on a phone; a list in an answer ends before the sentence
 * after it; phone numbers are tel: links; a lost connection shows a banner with the council's
 * number; and axe finds nothing. One assistant and one browser for the file; screenshots in
 * var/test-artefacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { axeViolations, keepScreenshot } from '../helpers/browserChecks.js';
import { startHandoffCouncil, type HandoffCouncil } from '../handoff/harness.js';

let council: HandoffCouncil;
let browser: Browser;
const WAIT = { timeout: 20_000 };

beforeAll(async () => {
  council = await startHandoffCouncil();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await council?.stop();
  await council?.fakeTwilio.close();
});

async function openPage(width: number, height: number): Promise<Page> {
  // bypassCSP: the page allows only its own scripts; axe is injected by the test.
  const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  Object.assign(page, { errors });
  return page;
}

/** Nothing wider than the screen: the page does not scroll sideways and every button is on screen. */
async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    const width = window.innerWidth;
    // What a resident sees: the buttons offered and the messages (not Web Chat's hidden copies for screen readers).
    const wide = [...document.querySelectorAll('.webchat__suggested-actions button, .webchat__bubble')]
      .filter((b) => b.getBoundingClientRect().right > width + 1)
      .map((b) => b.textContent);
    // Nor do the buttons spill over the message box: it is what is under its middle.
    const input = document.querySelector('[data-id="webchat-sendbox-input"]');
    // As a resident would: scrolled (up and down only) to where they type.
    input?.scrollIntoView({ block: 'nearest' });
    const box = input?.getBoundingClientRect();
    const top = box ? document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) : null;
    // Within a pixel, as for the width: layout positions are fractional and scrolling is whole pixels.
    const sendBoxCovered =
      !box || box.bottom > window.innerHeight + 1 || box.top < -1
        ? 'off screen'
        : top !== input && !input?.contains(top)
          ? 'covered'
          : 'clear';
    return { scrollWidth: document.documentElement.scrollWidth, width, wide, sendBoxCovered };
  });
  expect(overflow, where).toEqual({
    scrollWidth: overflow.width,
    width: overflow.width,
    wide: [],
    sendBoxCovered: 'clear',
  });
}

const sendBox = (page: Page) => page.locator('[data-id="webchat-sendbox-input"]');

async function say(page: Page, text: string, expected: RegExp): Promise<void> {
  const before = await page.locator('.webchat__bubble').count();
  await sendBox(page).fill(text);
  await sendBox(page).press('Enter');
  await waitForReply(page, before, expected);
}

async function tap(page: Page, name: string | RegExp, expected: RegExp): Promise<void> {
  const before = await page.locator('.webchat__bubble').count();
  await page.locator('.webchat__suggested-actions').getByRole('button', { name }).first().click();
  await waitForReply(page, before, expected);
}

async function waitForReply(page: Page, before: number, expected: RegExp): Promise<void> {
  await expect
    .poll(
      async () =>
        (await page.locator('.webchat__bubble').allTextContents()).slice(before).some((t) => expected.test(t)),
      WAIT,
    )
    .toBe(true);
}

describe('the demo page', () => {
  it.each([
    { name: 'a 320 px phone', width: 320, height: 640 },
    { name: '200% zoom on a 1280x720 screen', width: 640, height: 360 },
  ])(
    'books a whole tip permit on $name without sideways scrolling',
    async ({ name, width, height }) => {
      const page = await openPage(width, height);
      await page.goto(council.url);
      await page
        .getByText(/I can tell you your bin collection days/)
        .first()
        .waitFor(WAIT);
      await expectNoSidewaysScroll(page, `${name}: first load`);
      const street = width === 320 ? '4 High Street' : '6 High Street';
      await say(page, 'book a van permit', /postcode/i);
      await say(page, `${street} DF1 1HN`, /registration/i);
      await say(page, 'AB12 CDE', /which tip/i);
      await expectNoSidewaysScroll(page, `${name}: which tip`);
      await tap(page, /Quarry Road/, /free times|which day|when/i);
      await expectNoSidewaysScroll(page, `${name}: time slots`);
      await keepScreenshot(page, `demo-slots-${width}px`);
      await tap(page, /\w/, /household waste/i);
      await expectNoSidewaysScroll(page, `${name}: declaration`);
      await say(page, 'yes', /mobile|text/i);
      await say(page, 'no thanks', /check your permit/i);
      // A list ends before the sentence after it (a blank line in the content).
      const summary = page.locator('.webchat__bubble').filter({ hasText: 'Please check your permit' }).last();
      await expect(summary.locator('li').filter({ hasText: 'Shall I book it?' }).count()).resolves.toBe(0);
      await expect(summary.locator('p').filter({ hasText: 'Shall I book it?' }).count()).resolves.toBe(1);
      await expectNoSidewaysScroll(page, `${name}: summary`);
      await tap(page, /Yes, book it/, /TP-\d{6}/);
      await expectNoSidewaysScroll(page, `${name}: booked`);
      await keepScreenshot(page, `demo-booked-${width}px`, true);
      expect((page as unknown as { errors: string[] }).errors).toEqual([]);
      await page.context().close();
    },
    120_000,
  );

  it('shows the message box on the first screen, links phone numbers, and passes axe', async () => {
    for (const [width, height] of [
      [1280, 720],
      [390, 844],
    ] as const) {
      const page = await openPage(width, height);
      await page.goto(council.url);
      await page
        .getByText(/I can tell you your bin collection days/)
        .first()
        .waitFor(WAIT);
      const box = await sendBox(page).boundingBox();
      expect(box, `${width}x${height}`).not.toBeNull();
      expect((box?.y ?? 0) + (box?.height ?? 0), `message box at ${width}x${height}`).toBeLessThanOrEqual(height);
      if (width === 1280) {
        expect(await axeViolations(page)).toEqual([]);
        await keepScreenshot(page, 'demo-1280x720');
      } else {
        // The council's urgent line, given first, is a link that dials it.
        await say(page, "I'm going to be homeless tonight", /01632 960999/);
        await expect(page.locator('.webchat__bubble a[href="tel:01632960999"]').count()).resolves.toBeGreaterThan(0);
        expect(await axeViolations(page)).toEqual([]);
      }
      await page.context().close();
    }
  }, 90_000);

  it('says clearly, with the phone number, when the connection is lost', async () => {
    const page = await openPage(1280, 720);
    await page.goto(council.url);
    await page
      .getByText(/I can tell you your bin collection days/)
      .first()
      .waitFor(WAIT);
    const banner = page.getByRole('alert').filter({ hasText: "We've lost the connection to the assistant" });
    expect(await banner.isVisible()).toBe(false);
    await page.context().setOffline(true);
    await sendBox(page).fill('when is my bin day');
    await sendBox(page).press('Enter');
    await banner.waitFor(WAIT);
    await expect(banner.getByRole('link', { name: '01632 960000' }).getAttribute('href')).resolves.toBe(
      'tel:01632960000',
    );
    expect(await axeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'demo-connection-lost');
    await page.context().close();
  }, 60_000);
});
