/**
 * Every callback case names the property a person must act on, whatever led to it (asking for a
 * person, frustration, a council tax account, an urgent topic, nobody free in time), on the
 * web and by SMS. An address given earlier is offered to confirm ("Is this about 1 High
 * Street?"); otherwise it is asked. Someone homeless tonight is never asked for an address
 * before help: their case carries one only when the conversation already knew it. A move whose
 * addresses match nothing in the borough asks for the one that does. (Other council tax request
 * cases are proved in tests/dialogs/councilTax.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../store/database.js';
import { DbCases } from '../../services/cases/dbCases.js';
import type { Case } from '../../services/cases/cases.js';
import { runConversation, type Turn } from '../helpers/conversationTable.js';
import { greetedResident, startTestCouncil, type Resident, type TestCouncil } from '../helpers/residents.js';
import { FIXTURES } from '../services/demoData.js';

/** Saturday 28 November 2026, 11pm: closed. Monday 23 November, 10am: open. */
const OUT_OF_HOURS = new Date('2026-11-28T23:00:00Z');
const IN_HOURS = new Date('2026-11-23T10:00:00Z');
let now = OUT_OF_HOURS;
let council: TestCouncil;
let store: Database;
let cases: DbCases;

beforeAll(async () => {
  council = await startTestCouncil({}, undefined, () => now);
  store = await openDatabase(council.assistant.database.url);
  cases = new DbCases(store.db);
});
afterAll(async () => {
  await store?.close();
  await council?.close();
});

const resident = (channel: 'web' | 'sms'): Promise<Resident> => greetedResident(council, channel);

async function caseIn(replies: string[] | undefined): Promise<Case> {
  const reference = /HC-\d{6}/.exec((replies ?? []).join('\n'))?.[0] ?? '';
  const found = await cases.get(reference);
  expect(found, `a case in: ${(replies ?? []).join('\n')}`).not.toBeNull();
  return found as Case;
}

const ASKS_PROPERTY = /which (property|address)/i;

describe.each(['web', 'sms'] as const)('callback cases on %s', (channel) => {
  /** The web asks how to reach the resident; by SMS the number texting us is used. */
  const contact = (expectReference: RegExp = /HC-\d{6}/): Turn[] =>
    channel === 'web' ? [{ say: '07700 900123', expect: [expectReference] }] : [];
  const bookedAfterProperty = channel === 'web' ? /phone number or email/i : /HC-\d{6}/;

  it('offers the address given earlier in the conversation, and the case carries it', async () => {
    now = OUT_OF_HOURS;
    const person = await resident(channel);
    await runConversation(person, [
      { say: 'when is my bin day', expect: [/postcode/i] },
      { say: '1 High Street DF1 1AA', expect: [/Fri/i] },
    ]);
    const transcript = await runConversation(person, [
      { say: 'can I talk to someone', expect: [/closed/i] },
      { say: 'yes', expect: [/contact you about/i] },
      { say: 'my recycling box keeps getting left behind', expect: [/Is this about 1 High Street, Demoford/i] },
      { say: 'yes', expect: [bookedAfterProperty] },
      ...contact(),
    ]);
    expect((await caseIn(transcript.at(-1))).propertyId).toBe(FIXTURES.highStreet1);
  });

  it('asks for the property when none is known, and explains an address it cannot find', async () => {
    now = OUT_OF_HOURS;
    const transcript = await runConversation(await resident(channel), [
      { say: 'this bot is useless', expect: [/sorry/i, /closed/i] },
      { say: 'yes please', expect: [/contact you about/i] },
      { say: 'my bins', expect: [ASKS_PROPERTY], never: [/HC-\d{6}/] },
      { say: '5 the street OX1 1AA', expect: [/OX1 1AA isn't in Demoford/], never: [/HC-\d{6}/] },
      { say: '22 mill lane df2 4qt', expect: [bookedAfterProperty] },
      ...contact(),
    ]);
    const opened = await caseIn(transcript.at(-1));
    expect(opened).toMatchObject({ kind: 'callback', propertyId: FIXTURES.millLane22 });
    expect(opened.details).toMatchObject({ about: 'my bins', address: '22 Mill Lane, Demoford, DF2 4QT' });
  });

  it('a "no" to the address offered asks for the right one', async () => {
    now = OUT_OF_HOURS;
    const person = await resident(channel);
    await runConversation(person, [{ say: 'bin day for 1 High Street DF1 1AA', expect: [/Fri/i] }]);
    const transcript = await runConversation(person, [
      { say: 'speak to a person', expect: [/closed/i] },
      { say: 'yes', expect: [/contact you about/i] },
      { say: "my mum's council tax", expect: [/Is this about 1 High Street, Demoford/i] },
      { say: 'no', expect: [ASKS_PROPERTY] },
      { say: '22 Mill Lane, DF2 4QT', expect: [bookedAfterProperty] },
      ...contact(),
    ]);
    expect((await caseIn(transcript.at(-1))).propertyId).toBe(FIXTURES.millLane22);
  });

  it('after as many addresses it cannot find as any question allows, gives the phone number and opens no case', async () => {
    now = OUT_OF_HOURS;
    await runConversation(await resident(channel), [
      { say: 'can someone call me', expect: [/closed/i] },
      { say: 'yes', expect: [/contact you about/i] },
      { say: 'a complaint about the bin men', expect: [ASKS_PROPERTY] },
      { say: 'my house', expect: [/couldn't find/i] },
      { say: 'the one on the corner', expect: [/call us on|call 01632/i], never: [/HC-\d{6}/] },
    ]);
  });

  it('a council tax callback after the account check carries the account and its property without asking', async () => {
    now = OUT_OF_HOURS;
    const transcript = await runConversation(await resident(channel), [
      { say: 'how much council tax do I owe', expect: [/account number/i] },
      { say: '50003014 DF2 4QT', expect: [/late/i, /Ask someone to contact me/i] },
      { say: channel === 'web' ? 'Ask someone to contact me' : '1', expect: [/closed/i] },
      { say: 'yes', expect: [channel === 'web' ? /phone number or email/i : /HC-\d{6}/], never: [ASKS_PROPERTY] },
      ...contact(),
    ]);
    expect(await caseIn(transcript.at(-1))).toMatchObject({
      verified: true,
      accountNumber: '50003014',
      propertyId: FIXTURES.millLane14,
    });
  });

  it('bailiffs out of hours: the contacts, then a callback about the property', async () => {
    now = OUT_OF_HOURS;
    const transcript = await runConversation(await resident(channel), [
      { say: 'the bailiffs r coming tomorrow', expect: [/0800 138 1111/, /closed/i] },
      { say: 'yes', expect: [ASKS_PROPERTY] },
      { say: '1 High Street, DF1 1AA', expect: [bookedAfterProperty] },
      ...contact(),
    ]);
    expect(await caseIn(transcript.at(-1))).toMatchObject({
      priority: 'urgent',
      topic: 'bailiffs',
      propertyId: FIXTURES.highStreet1,
    });
  });

  it('homeless tonight: never asked for an address; the case carries one only when it was already given', async () => {
    now = OUT_OF_HOURS;
    const unknown = await runConversation(await resident(channel), [
      { say: "i'm going to be homeless tonight", expect: [/01632 960999/] },
      { say: 'yes', expect: [channel === 'web' ? /phone number or email/i : /HC-\d{6}/], never: [ASKS_PROPERTY] },
      ...contact(),
    ]);
    expect((await caseIn(unknown.at(-1))).propertyId).toBeUndefined();

    const person = await resident(channel);
    await runConversation(person, [{ say: 'bin day for 22 Mill Lane DF2 4QT', expect: [/Mon/i] }]);
    const known = await runConversation(person, [
      { say: 'landlord kicked me out, nowhere to sleep', expect: [/01632 960999/] },
      {
        say: 'yes',
        expect: [channel === 'web' ? /phone number or email/i : /HC-\d{6}/],
        never: [ASKS_PROPERTY, /Is this about/i],
      },
      ...contact(),
    ]);
    expect(await caseIn(known.at(-1))).toMatchObject({
      priority: 'urgent',
      topic: 'homeless',
      propertyId: FIXTURES.millLane22,
    });
  });

  it('nobody free in time, in hours: the callback asks the property too', async () => {
    now = IN_HOURS;
    const person = await resident(channel);
    await runConversation(person, [{ say: 'can I talk to a person', expect: [/in the queue/] }]);
    // Past the accept timeout: the sweep offers a callback (told to the resident proactively).
    now = new Date(IN_HOURS.getTime() + 11 * 60_000);
    await council.assistant.handoff.service.sweep();
    const transcript = await runConversation(person, [
      { say: 'yes', expect: [/contact you about/i] },
      { say: 'my garden waste', expect: [ASKS_PROPERTY] },
      { say: '14 Mill Lane DF2 4QT', expect: [bookedAfterProperty] },
      ...contact(),
    ]);
    expect((await caseIn(transcript.at(-1))).propertyId).toBe(FIXTURES.millLane14);
  });

  it('a move whose addresses match nothing in the borough asks which Demoford property it is about', async () => {
    now = IN_HOURS;
    const transcript = await runConversation(await resident(channel), [
      { say: 'im moving house next month', expect: [/date you move/] },
      { say: channel === 'web' ? "Tell us you're moving" : '1', expect: [/full name/i] },
      { say: 'Chris Lee', expect: [/into, out of, or within/i] },
      { say: channel === 'web' ? 'Moving within Demoford' : '3', expect: [/moving from/i] },
      { say: 'flat 2 over the chip shop', expect: [/moving to/i] },
      { say: 'my nans house on the estate', expect: [/Which Demoford address/i] },
      { say: '14 mill lane df2 4qt', expect: [/what date/i] },
      { say: '12 December', expect: [/phone number or email/i] },
      {
        say: channel === 'web' ? 'chris@example.com' : 'SAME',
        expect: [/Demoford property: 14 Mill Lane/, /Is that right/i],
      },
      { say: 'yes', expect: [/HC-\d{6}/] },
    ]);
    expect(await caseIn(transcript.at(-1))).toMatchObject({
      kind: 'council_tax_request',
      topic: 'report_move',
      propertyId: FIXTURES.millLane14,
    });
  });
});
