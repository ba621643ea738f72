/**
 * Tip questions without a permit, on the web and by SMS, through the whole assistant. The
 * clock is fixed at Monday 23 November 2026, 10am (winter hours).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runConversation } from '../helpers/conversationTable.js';
import { startTestCouncil, type TestCouncil } from '../helpers/residents.js';

const now = new Date('2026-11-23T10:00:00Z');
let council: TestCouncil;
beforeAll(async () => {
  council = await startTestCouncil({}, undefined, () => now);
});
afterAll(async () => {
  await council?.close();
});

describe.each(['web', 'sms'] as const)('tip information on %s', (channel) => {
  const resident = async () => (channel === 'web' ? council.webResident() : council.smsResident());

  it("gives today's winter hours for each tip", async () => {
    await runConversation(await resident(), [
      {
        say: 'is the tip open today',
        expect: [
          { web: /Quarry Road tip is open today from 8am to 4pm/, sms: /Quarry Road tip: open today 8am-4pm/ },
          /Northfield tip.*9am/,
        ],
      },
    ]);
  });

  it('says which tip is closed on a Wednesday, why, and when it next opens', async () => {
    await runConversation(await resident(), [
      {
        say: 'is the tip open on wednesday',
        expect: [/Northfield tip.*closed.*it closes every Wednesday/, /Thu(rsday)? 26 Nov/, /Quarry Road tip.*open/],
      },
    ]);
  });

  it('answers for a named bank holiday from the bank-holiday list', async () => {
    await runConversation(await resident(), [
      // Boxing Day is the 26th (a Saturday in 2026), when both tips close; the bank holiday moves to Monday 28th.
      {
        say: 'is the tip open on boxing day',
        expect: [/Quarry Road tip.*closed.*26 Dec/, /Northfield tip.*closed.*26 Dec/, /27 Dec/],
      },
      {
        say: 'is the tip open on the bank holiday monday',
        expect: [/Northfield tip.*closed.*Boxing Day; it closes on bank holidays/, /Quarry Road tip.*open/],
      },
      { say: 'is the tip open on christmas day', expect: [/Quarry Road tip.*closed.*Christmas Day/] },
    ]);
  });

  it('says where each tip is', async () => {
    await runConversation(await resident(), [
      { say: 'where is the tip', expect: [/Quarry Road, Demoford, DF3 7QR/, /Station Approach, Northfield, DF4 2NR/] },
    ]);
  });

  it('says a fridge goes to one tip only, and what to do with asbestos', async () => {
    await runConversation(await resident(), [
      { say: 'can I take a fridge to the tip', expect: [/Quarry Road tip/, /not( to)? Northfield tip/] },
      { say: 'can I take asbestos to the tip', expect: [/can't take asbestos/, /licensed asbestos contractor/] },
    ]);
  });
});
