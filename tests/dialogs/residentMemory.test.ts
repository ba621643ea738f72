/**
 * What the resident already told the assistant is offered again instead of asked afresh: the
 * address for the next question, the vehicle and registration for the next permit; and by SMS a
 * returning number is offered its last address only within REMEMBER_HOURS. The clock starts at
 * Monday 23 November 2026, 10am, and moves on where a test says so.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { REMEMBER_HOURS } from '../../dialogs/memory/residentMemory.js';
import { runConversation } from '../helpers/conversationTable.js';
import type { Resident, TestCouncil } from '../helpers/residents.js';
import { startTestCouncil } from '../helpers/residents.js';

const START = new Date('2026-11-23T10:00:00Z');
let now = START;
let council: TestCouncil;

beforeAll(async () => {
  council = await startTestCouncil({}, undefined, () => now);
});
afterAll(async () => {
  await council?.close();
});

const resident = (channel: 'web' | 'sms', number?: string): Promise<Resident> =>
  channel === 'web' ? council.webResident() : Promise.resolve(council.smsResident(number));

describe.each(['web', 'sms'] as const)('within a conversation, on %s', (channel) => {
  it('offers the vehicle and registration of the permit just booked for the next one', async () => {
    now = START;
    const r = await resident(channel, '+447700900611');
    await runConversation(r, [
      {
        say: `van permit for AB12 CDE, ${channel === 'web' ? '25' : '29'} High Street DF1 1PH, quarry road 1 december morning`,
        expect: [/household waste/i],
      },
      { say: 'yes', expect: [{ web: /mobile/i, sms: /Tue\w* 1 Dec/ }] },
      ...(channel === 'web' ? [{ say: 'no thanks', expect: [/Tue\w* 1 Dec/] }] : []),
      { say: 'yes', expect: [/TP-\d{6}/] },
      {
        say: 'i need another tip permit for thursday 3rd dec pls',
        expect: [/High Street/, /Is this for the van AB12 CDE again\?/],
        never: [/what's the postcode/i],
      },
      { say: 'yep', expect: [/Thu\w* 3 Dec/], never: [/registration/i, /What will you bring/i] },
    ]);
  });

  it('asks afresh when the resident says it is another vehicle this time', async () => {
    now = START;
    const r = await resident(channel, '+447700900612');
    await runConversation(r, [
      {
        say: `van permit for KX19 ABC, ${channel === 'web' ? '37' : '45'} High Street DF1 1PH, quarry road 2 december morning`,
        expect: [/household waste/i],
      },
      { say: 'yes', expect: [{ web: /mobile/i, sms: /Wed\w* 2 Dec/ }] },
      ...(channel === 'web' ? [{ say: 'no thanks', expect: [/Wed\w* 2 Dec/] }] : []),
      { say: 'yes', expect: [/TP-\d{6}/] },
      { say: 'i need another permit for friday', expect: [/Is this for the van KX19 ABC again\?/] },
      {
        say: 'no its my mates pickup this time, reg LM65 XYZ',
        expect: [/tip|free|time/i],
        never: [/KX19 ABC/, /What will you bring/i],
      },
    ]);
  });
});

describe('a returning SMS number', () => {
  it(`is offered its last address within ${REMEMBER_HOURS} hours, and asked afresh after`, async () => {
    now = START;
    const r = council.smsResident('+447700900613');
    await runConversation(r, [{ say: 'bin day for 1 High Street DF1 1AA', expect: [/1 High Street/] }]);
    now = new Date(START.getTime() + 3 * 3_600_000);
    await runConversation(r, [
      { say: 'when is my bin day', expect: [/For 1 High Street/], never: [/what's the postcode/i] },
    ]);
    now = new Date(START.getTime() + (3 + REMEMBER_HOURS + 1) * 3_600_000);
    await runConversation(r, [
      { say: 'when is my bin day', expect: [/what's the postcode/i], never: [/1 High Street/] },
    ]);
  });
});
