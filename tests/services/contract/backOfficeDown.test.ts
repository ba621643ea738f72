/**
 * The whole assistant with its back office behind the back-office API (a local fake speaking
 * it): it answers through the API while the server is up, and once the server is down a
 * resident asking their council tax balance, a bin day or a tip booking is told, in the
 * council's words, that the system is not available right now, with the phone number, the
 * hours and a person to ask, on the web and by SMS. Never the generic error, never a dead end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPounds } from '../../../services/councilTax/money.js';
import { escapeRegExp } from '../../../intents/entities/words.js';
import { greetedResident, startTestCouncil, type TestCouncil } from '../../helpers/residents.js';
import { runConversation } from '../../helpers/conversationTable.js';
import type { FakeBackOffice } from '../../helpers/fakeBackOffice.js';
import { startFakeBackOffice } from '../../helpers/fakeBackOffice.js';
import { councilTaxData, embeddedPorts, type PortsUnderTest } from './backOfficePorts.js';

/** Monday 23 November 2026, 10am: the contact centre is open. */
const NOW = new Date('2026-11-23T10:00:00Z');
const PHONE = /01632 960000/;
const HOURS = /Monday to Friday, 9am to 5pm/;
const PERSON = { web: /say "person"/i, sms: /text PERSON/ };
const GENERIC_ERROR = /went wrong/i;

const account = councilTaxData.accounts.get('50001234');
if (!account) throw new Error('the 50001234 fixture account is missing');
const balance = new RegExp(escapeRegExp(formatPounds(account.balance)));

let behind: PortsUnderTest;
let server: FakeBackOffice;
let council: TestCouncil;

beforeAll(async () => {
  behind = await embeddedPorts();
  server = await startFakeBackOffice(behind.ports);
  council = await startTestCouncil(
    {
      // The address list stays the council's data file; everything else is the API's.
      BACK_OFFICE_BINS: 'http',
      BACK_OFFICE_PERMITS: 'http',
      BACK_OFFICE_COUNCIL_TAX: 'http',
      BACK_OFFICE_CASES: 'http',
      BACK_OFFICE_URL: server.url,
      BACK_OFFICE_TIMEOUT_MS: '15000',
      BACK_OFFICE_RETRIES: '1',
    },
    undefined,
    () => NOW,
  );
});
afterAll(async () => {
  await council?.close();
  await server?.stop();
  await behind?.close();
});

describe('a back office behind the API', () => {
  it("answers a balance from the council's system while it is up", async () => {
    const resident = await greetedResident(council, 'web');
    await runConversation(resident, [
      { say: "what's my council tax balance", expect: [/account number/i] },
      { say: '50001234 DF1 1AA', expect: [balance], never: [GENERIC_ERROR] },
    ]);
    expect(server.requests).toContain('POST /council-tax/accounts/match');
  });
});

describe('with the back office down', () => {
  beforeAll(async () => server.stop());

  for (const channel of ['web', 'sms'] as const) {
    describe(`on ${channel}`, () => {
      it('tells a resident asking their balance that the council tax system is not available, and how to reach us', async () => {
        const resident = await greetedResident(council, channel, channel === 'sms' ? '+447700900611' : undefined);
        await runConversation(resident, [
          { say: "what's my council tax balance", expect: [/account number/i] },
          {
            say: '50001234 DF1 1AA',
            expect: [/council tax system isn't available right now/i, PHONE, HOURS, PERSON],
            never: [GENERIC_ERROR, balance],
          },
          // Not a dead end: the person offered is there.
          { say: 'person', expect: [/contact centre|someone|queue/i], never: [GENERIC_ERROR] },
        ]);
      });

      it('tells a resident asking for their bin day that the bin system is not available', async () => {
        const resident = await greetedResident(council, channel, channel === 'sms' ? '+447700900612' : undefined);
        await runConversation(resident, [
          {
            say: 'when is my bin collected 1 High Street DF1 1AA',
            expect: [/bin .*system isn't available right now/i, PHONE, HOURS, PERSON],
            never: [GENERIC_ERROR],
          },
        ]);
      });

      it('tells a resident booking a van permit that the booking system is not available', async () => {
        const resident = await greetedResident(council, channel, channel === 'sms' ? '+447700900613' : undefined);
        const replies = (
          await runConversation(resident, [
            { say: 'I need a van permit for the tip', never: [GENERIC_ERROR] },
            { say: '1 High Street DF1 1AA', never: [GENERIC_ERROR] },
          ])
        )
          .flat()
          .join('\n');
        expect(replies).toMatch(/booking system isn't available right now/i);
        expect(replies).toMatch(PHONE);
      });
    });
  }
});
