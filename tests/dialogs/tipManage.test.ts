/**
 * Managing a permit through the whole assistant: the number that booked it (SMS) or its
 * reference with the postcode (web) can see, change and cancel it; a stranger gets "not
 * found". Cancelling gives the place and the visit back. Monday 23 November 2026, 10am.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConversation } from '../helpers/conversationTable.js';
import type { Resident, TestCouncil } from '../helpers/residents.js';
import type { DatabasePermits } from '../../services/tip/databasePermits.js';
import { councilWithPermits, FIXTURES, london } from '../tip/tipFixtures.js';

const now = new Date('2026-11-23T10:00:00Z');
let council: TestCouncil;
let permits: DatabasePermits;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ council, permits, close } = await councilWithPermits(now));
});
afterAll(async () => {
  await close?.();
});

const NOW = london('2026-11-23T10:00');
const placesLeft = async (date: string) =>
  (await permits.availableSlots({ siteId: 'quarry-road', from: date, days: 1, now: NOW })).find(
    (s) => s.window === 'morning',
  )?.placesLeft;

/** Books by SMS through the assistant; returns the reference. */
async function bookBySms(r: Resident, day: string): Promise<string> {
  await r.say(`van permit for AB12 CDE, 22 Mill Lane DF2 4QT, quarry road ${day} morning`);
  await r.say('yes');
  const replies = await r.say('yes');
  const reference = /TP-\d{6}/.exec(replies.join('\n'))?.[0];
  if (!reference) throw new Error(`no permit issued: ${replies.join(' | ')}`);
  return reference;
}

describe('managing a permit by SMS', () => {
  it('shows and cancels the permit booked from this number, giving back the place and the visit', async () => {
    const r = council.smsResident('+447700900501');
    const visitsBefore = (await permits.visitsUsed(FIXTURES.millLane22, NOW)).used;
    const placesBefore = await placesLeft('2026-12-01');
    const reference = await bookBySms(r, '1 december');
    expect(await placesLeft('2026-12-01')).toBe((placesBefore ?? 0) - 1);
    expect((await permits.visitsUsed(FIXTURES.millLane22, NOW)).used).toBe(visitsBefore + 1);

    await runConversation(r, [
      {
        say: 'what is the status of my tip permit',
        expect: [new RegExp(`Permit ${reference}: van AB12 CDE, Quarry Road tip, Tue 1 Dec 8am-12pm`), /1\. Cancel it/],
        never: [/CANCEL/],
      },
      { say: '1', expect: [new RegExp(`Cancel permit ${reference}`), /YES or NO/] },
      { say: 'yes', expect: [new RegExp(`${reference} is cancelled`)] },
    ]);
    expect(await placesLeft('2026-12-01')).toBe(placesBefore);
    expect((await permits.visitsUsed(FIXTURES.millLane22, NOW)).used).toBe(visitsBefore);
  });

  it('moves a permit to another time', async () => {
    const r = council.smsResident('+447700900502');
    const reference = await bookBySms(r, '2 december');
    const [offered] = await runConversation(r, [
      { say: `change the day of my permit ${reference}`, expect: [/Which time instead/] },
    ]);
    expect(offered?.join('\n')).toMatch(/^1\. /m);
    await runConversation(r, [{ say: '1', expect: [new RegExp(`Changed. Tip permit ${reference}`), /Mon 23 Nov/] }]);
  });

  it('does not show or cancel a permit to another number, even with its reference', async () => {
    const owner = council.smsResident('+447700900503');
    const reference = await bookBySms(owner, '3 december');
    const stranger = council.smsResident('+447700900504');
    await runConversation(stranger, [
      { say: `cancel my tip permit ${reference}`, expect: [/postcode/i], never: [/AB12 CDE/, /Cancel permit/] },
      { say: 'DF1 1AA', expect: [/couldn't find a permit/], never: [/AB12 CDE/] },
    ]);
    expect((await permits.findByReference(reference, 'DF2 4QT'))?.status).toBe('booked');
  });
});

describe('managing a permit on the web', () => {
  it('needs the reference and the right postcode; a stranger with the wrong one learns nothing', async () => {
    const owner = council.smsResident('+447700900505');
    const reference = await bookBySms(owner, '4 december');
    const placesBefore = await placesLeft('2026-12-04');

    const stranger = await council.webResident();
    await runConversation(stranger, [
      { say: 'cancel my tip permit', expect: [/reference/i] },
      { say: reference, expect: [/postcode/i] },
      { say: 'DF1 1AA', expect: [/couldn't find a permit/], never: [/AB12 CDE/] },
    ]);
    expect((await permits.findByReference(reference, 'DF2 4QT'))?.status).toBe('booked');

    const resident = await council.webResident();
    await runConversation(resident, [
      { say: `cancel my tip permit ${reference}`, expect: [/postcode/i] },
      { say: 'df2 4qt', expect: [new RegExp(`Cancel permit ${reference} for Friday 4 December`)] },
      { say: 'Yes, cancel it', expect: [new RegExp(`${reference} is cancelled`)] },
    ]);
    expect(await placesLeft('2026-12-04')).toBe((placesBefore ?? 0) + 1);
  });
});
