/**
 * Council tax conversations through the whole assistant, on the web and by SMS, with the clock
 * fixed at Monday 23 November 2026, 10am. Expected bands, charges and balances come from the
 * council's data files, so a change of charges does not need a change here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../store/database.js';
import { DbCases } from '../../services/cases/dbCases.js';
import { HandoffQueue } from '../../services/handoff/handoffQueue.js';
import type { Case } from '../../services/cases/cases.js';
import { formatPounds } from '../../services/councilTax/money.js';
import { escapeRegExp } from '../../intents/entities/words.js';
import { startTestCouncil, type Resident, type TestCouncil } from '../helpers/residents.js';
import { runConversation } from '../helpers/conversationTable.js';
import { councilTax, data, FIXTURES, HIGH_STREET_ACCOUNT } from '../councilTax/councilTaxData.js';

const START = new Date('2026-11-23T10:00:00Z');
let now = START;
let council: TestCouncil;
let store: Database;
let cases: DbCases;
let queue: HandoffQueue;
let supportNumber = 800;

beforeAll(async () => {
  council = await startTestCouncil({}, undefined, () => now);
  store = await openDatabase(council.assistant.database.url);
  cases = new DbCases(store.db);
  queue = new HandoffQueue(store.db);
});
afterAll(async () => {
  await store?.close();
  await council?.close();
});

/** A resident on the channel; by SMS past the first-contact greeting, so each reply below is the answer alone. */
async function resident(channel: 'web' | 'sms', number?: string): Promise<Resident> {
  if (channel === 'web') return council.webResident();
  const sms = council.smsResident(number);
  await sms.say('hello');
  return sms;
}

async function caseIn(replies: string[]): Promise<Case> {
  const reference = /HC-\d{6}/.exec(replies.join('\n'))?.[0];
  expect(reference, `a reference in: ${replies.join('\n')}`).toBeDefined();
  const found = await cases.get(reference ?? '');
  expect(found).not.toBeNull();
  return found as Case;
}

const account = data.accounts.get(HIGH_STREET_ACCOUNT.accountNumber);
if (!account) throw new Error('the 50001234 fixture account is missing');
const balance = new RegExp(escapeRegExp(formatPounds(account.balance)));

describe.each(['web', 'sms'] as const)('council tax on %s', (channel) => {
  it('never calls a past instalment "next": the day after it fell due, the next one is the following month', async () => {
    // The accounts file says the next instalment is on 1 December; the resident asks on 2 December.
    now = new Date('2026-12-02T10:00:00Z');
    try {
      const r = await resident(channel);
      await runConversation(r, [
        { say: 'when is my next council tax payment due', expect: [/account number/i] },
        {
          say: '50001234 DF1 1AA',
          expect: [/next instalment of \W*£202\.66\W* is due on \W*Friday 1 January/],
          never: [/1 December/],
        },
      ]);
    } finally {
      now = START;
    }
  });

  it.each([
    ['what council tax band is 1 High Street DF1 1AA', FIXTURES.highStreet1],
    ['council tax band for 22 Mill Lane DF2 4QT', FIXTURES.millLane22],
  ])('gives the band and this year\'s charge for "%s"', async (text, propertyId) => {
    now = START;
    const band = await councilTax.bandFor(propertyId);
    if (!band) throw new Error(`no band for ${propertyId}`);
    await runConversation(await resident(channel), [
      {
        say: text,
        expect: [
          new RegExp(escapeRegExp(band.address.split(',')[0] ?? '')),
          new RegExp(`band \\**${band.band}\\b`),
          new RegExp(escapeRegExp(formatPounds(band.annualCharge))),
          new RegExp(escapeRegExp(band.year)),
        ],
        never: [/postcode\?/i],
      },
    ]);
  });

  it('asks for the address when the message has none, then explains how to challenge the band', async () => {
    now = START;
    const band = await councilTax.bandFor(FIXTURES.millLane22);
    await runConversation(await resident(channel), [
      { say: 'what council tax band am I in', expect: [/postcode/i] },
      { say: 'DF2 4QT', expect: [/which address/i] },
      { say: '22', expect: [/22 Mill Lane/, new RegExp(`band \\**${band?.band}\\b`), /I think my band is wrong/] },
      {
        say: channel === 'web' ? 'I think my band is wrong' : '2',
        expect: [/Valuation Office Agency/, /Keep paying/i, /gov\.uk\/challenge-council-tax-band/],
      },
    ]);
  });

  it.each([
    ['how do I pay my council tax', /Direct Debit/, /31926819/],
    ['can I pay council tax in 12 instalments', /10 monthly instalments/, /Pay in 12 instalments/],
    ['how do I get a single person discount', /25% off/, /Apply for single person discount/],
    ['what discounts are there on council tax', /only adult/, /Council Tax Support/],
    ["I'm moving house, what do I do about council tax", /date you move/, /Tell us you're moving/],
  ])('answers "%s"', async (text, answer, next) => {
    now = START;
    await runConversation(await resident(channel), [{ say: text, expect: [answer, next] }]);
  });

  it('takes a single person discount application for a property, reads it back and opens a case with a reference', async () => {
    now = START;
    const transcript = await runConversation(await resident(channel), [
      { say: 'I live on my own now', expect: [/25% off/, /Apply for single person discount/] },
      { say: channel === 'web' ? 'Apply for single person discount' : '1', expect: [/which property/i] },
      { say: 'somewhere in town', expect: [/couldn't find that address/i] },
      { say: '22 mill lane df2 4qt', expect: [/full name/i] },
      { say: 'Sam Taylor', expect: [/only adult/i] },
      { say: 'last week', expect: [/didn't recognise that as a date/i] },
      // "Since 16 November" looks back: this month, not next year's.
      { say: 'since 16 November', expect: [/phone number or email/i] },
      { say: 'not sure', expect: [/phone number or an email/i] },
      {
        say: 'sam.taylor@example.com',
        expect: [
          /check/i,
          /22 Mill Lane, Demoford, DF2 4QT/,
          /Sam Taylor/,
          /16 Nov/,
          /sam\.taylor@example\.com/,
          /Is that right/i,
        ],
        never: [/HC-\d{6}/],
      },
      { say: 'yes', expect: [/Your reference is \**HC-\d{6}/, /10 working days/] },
    ]);
    const opened = await caseIn(transcript.at(-1) ?? []);
    expect(opened).toMatchObject({
      kind: 'council_tax_request',
      topic: 'single_person_discount',
      priority: 'normal',
      contact: 'sam.taylor@example.com',
      verified: false,
      propertyId: FIXTURES.millLane22,
    });
    expect(opened.details).toMatchObject({ name: 'Sam Taylor', onlyAdultSince: '2026-11-16' });
  });

  it('lets the resident correct a detail before the reference is issued', async () => {
    now = START;
    const transcript = await runConversation(await resident(channel, channel === 'sms' ? '+447700900123' : undefined), [
      { say: 'I want to pay in 12 instalments', expect: [/Pay in 12 instalments/] },
      { say: channel === 'web' ? 'Pay in 12 instalments' : '1', expect: [/which property/i] },
      { say: '1 High Street, DF1 1AA', expect: [/full name/i] },
      { say: 'Jo Bloggs', expect: [/day of the month/i] },
      { say: '8th', expect: [/phone number or email/i] },
      {
        say: channel === 'web' ? '07700900123' : 'SAME',
        expect: [/Payment day: 8th/, /07700 900123/],
        never: [/HC-\d{6}/, /\+44/],
      },
      { say: 'no the payment day is wrong', expect: [/day of the month/i], never: [/HC-\d{6}/] },
      { say: '15th', expect: [/Payment day: 15th/, /Is that right/i], never: [/HC-\d{6}/] },
      { say: 'change my name', expect: [/full name/i] },
      { say: 'Joanna Bloggs', expect: [/Name: Joanna Bloggs/] },
      { say: "yes that's right", expect: [/HC-\d{6}/] },
    ]);
    const opened = await caseIn(transcript.at(-1) ?? []);
    expect(opened).toMatchObject({ topic: 'switch_to_12_instalments', propertyId: FIXTURES.highStreet1 });
    expect(opened.details).toMatchObject({ name: 'Joanna Bloggs', paymentDay: '15th' });
  });

  it('a case after the account check carries the account and its property without asking', async () => {
    now = START;
    const person = await resident(channel);
    await runConversation(person, [
      { say: 'how much council tax do I owe', expect: [/account number/i] },
      { say: `${HIGH_STREET_ACCOUNT.accountNumber} ${HIGH_STREET_ACCOUNT.postcode}`, expect: [balance] },
    ]);
    const transcript = await runConversation(person, [
      { say: 'I live on my own now', expect: [/Apply for single person discount/] },
      {
        say: channel === 'web' ? 'Apply for single person discount' : '1',
        expect: [/full name/i],
        never: [/which property/i],
      },
      { say: 'Priya Sharma', expect: [/only adult/i] },
      { say: '1 October', expect: [/phone number or email/i] },
      { say: channel === 'web' ? 'priya@example.com' : 'SAME', expect: [/1 High Street/] },
      { say: 'yes', expect: [/HC-\d{6}/] },
    ]);
    const opened = await caseIn(transcript.at(-1) ?? []);
    expect(opened).toMatchObject({
      verified: true,
      accountNumber: HIGH_STREET_ACCOUNT.accountNumber,
      propertyId: FIXTURES.highStreet1,
    });
  });

  it('a case opened in the conversation is in front of the agent who picks it up later', async () => {
    now = START;
    const person = await resident(channel);
    const transcript = await runConversation(person, [
      { say: 'can my kid be exempt, they are a student', expect: [/Tell us about students/] },
      { say: channel === 'web' ? 'Tell us about students' : '1', expect: [/which property/i] },
      { say: '22 Mill Lane DF2 4QT', expect: [/full name/i] },
      { say: 'Kim Lee', expect: [/phone number or email/i] },
      { say: channel === 'web' ? 'kim@example.com' : 'SAME', expect: [/Is that right/i] },
      { say: 'yes', expect: [/HC-\d{6}/] },
    ]);
    const opened = await caseIn(transcript.at(-1) ?? []);
    await runConversation(person, [{ say: 'can I speak to a person please', expect: [/in the queue/] }]);
    const waiting = (await queue.waiting()).filter((r) => r.collected.references?.includes(opened.reference));
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.collected).toMatchObject({
      propertyId: FIXTURES.millLane22,
      address: '22 Mill Lane, Demoford, DF2 4QT',
    });
  });

  it('takes a move, with the direction as a choice, and on SMS the number texting us as the contact', async () => {
    now = START;
    const number = '+447700900777';
    const transcript = await runConversation(await resident(channel, number), [
      { say: 'I am moving out next month', expect: [/date you move/] },
      { say: channel === 'web' ? "Tell us you're moving" : '1', expect: [/full name/i] },
      { say: 'Alex Morgan', expect: [/into, out of, or within/i] },
      { say: channel === 'web' ? 'Moving out of Demoford' : '2', expect: [/moving from/i] },
      { say: '22 Mill Lane DF2 4QT', expect: [/moving to/i] },
      { say: '5 Station Road, Othertown, OT1 2AB', expect: [/what date/i] },
      { say: '12 December', expect: [/phone number or email/i] },
      {
        say: channel === 'web' ? '07700 900777' : 'SAME',
        expect: [
          /Moving from: 22 Mill Lane DF2 4QT/,
          /Moving to: 5 Station Road, Othertown, OT1 2AB/,
          /Moving date: Sat(urday)? 12 Dec/,
          /07700 900777/,
        ],
        never: [/HC-\d{6}/],
      },
      { say: 'yep', expect: [/HC-\d{6}/] },
    ]);
    const opened = await caseIn(transcript.at(-1) ?? []);
    expect(opened.topic).toBe('report_move');
    expect(opened.contact).toBe(number);
    expect(opened.details).toMatchObject({
      movingDirection: 'Moving out of Demoford',
      movingDate: '2026-12-12',
      oldAddress: '22 Mill Lane DF2 4QT',
      newAddress: '5 Station Road, Othertown, OT1 2AB',
    });
    // The address in the borough is the property the council tax team acts on.
    expect(opened.propertyId).toBe(FIXTURES.millLane22);
  });

  it('shows nothing of an account before the check, and the balance after it', async () => {
    now = START;
    await runConversation(await resident(channel), [
      {
        say: "what's my council tax balance",
        expect: [/account number/i, /postcode/i],
        never: [balance, /£/, /Morgan/],
      },
      { say: HIGH_STREET_ACCOUNT.accountNumber, expect: [/postcode/i], never: [balance, /£/] },
      {
        say: 'DF2 4QT',
        expect: [/those details don't match/],
        never: [balance, /£/, /postcode (is|was) wrong/i, /account number (is|was) wrong/i],
      },
      { say: '5000 9999 DF1 1AA', expect: [/those details don't match/], never: [balance, /£/] },
      {
        say: `${HIGH_STREET_ACCOUNT.accountNumber} ${HIGH_STREET_ACCOUNT.postcode}`,
        expect: [/ending \**1234/, balance, /next instalment/i],
        never: [new RegExp(HIGH_STREET_ACCOUNT.accountNumber), /Morgan/],
      },
    ]);
  });

  it('locks the check after three wrong tries, and lets the resident in once the lock ends', async () => {
    now = START;
    const r = await resident(channel);
    await runConversation(r, [
      { say: 'how much council tax do I owe', expect: [/account number/i] },
      { say: '50001234 DF9 9ZZ', expect: [/don't match/] },
      { say: '50001234 DF2 4QT', expect: [/don't match/] },
      {
        say: '50001234 DF1 1AB',
        expect: [/can't check account details again until \**10:30am/],
        never: [/don't match/],
      },
      { say: 'what is my council tax balance', expect: [/account number/i] },
      {
        say: `${HIGH_STREET_ACCOUNT.accountNumber} ${HIGH_STREET_ACCOUNT.postcode}`,
        expect: [/until \**10:30am/],
        never: [balance, /£/],
      },
    ]);
    now = new Date(START.getTime() + 31 * 60_000);
    await runConversation(r, [
      { say: 'what is my council tax balance', expect: [/account number/i] },
      { say: `${HIGH_STREET_ACCOUNT.accountNumber} ${HIGH_STREET_ACCOUNT.postcode}`, expect: [balance] },
    ]);
    now = START;
  });

  it('passes a bill copy request to a person with the checked account', async () => {
    now = START;
    await runConversation(await resident(channel), [
      { say: 'can I have a copy of my council tax bill', expect: [/account number/i] },
      {
        say: `${HIGH_STREET_ACCOUNT.accountNumber} ${HIGH_STREET_ACCOUNT.postcode}`,
        expect: [balance, /number \d+ in the queue/i],
      },
    ]);
    const queued = await queue.waiting();
    const request = queued.find(
      (r) => r.topic === 'account_request' && r.channelId === (channel === 'web' ? 'directline' : 'sms'),
    );
    expect(request).toMatchObject({
      priority: 'normal',
      reason: 'Copy of a bill',
      collected: { verified: { accountNumber: HIGH_STREET_ACCOUNT.accountNumber } },
    });
  });

  it.each([
    ["I can't afford my council tax", 'Council Tax Support'],
    ['I lost my job and cant pay my council tax', "I can't pay"],
    ['I got a court summons for council tax', 'Summons or bailiffs'],
    // Bailiffs coming or at the door are an urgent topic first (tests/dialogs/urgent.test.ts); a letter is this job's.
    ['I have had a letter from the bailiffs about my council tax', 'Summons or bailiffs'],
  ])('answers "%s" kindly, with the help there is, and hands to a person first in the queue', async (text, reason) => {
    now = START;
    // A number of its own: one still queued from another case would just add to that request.
    supportNumber += 1;
    const number = `+447700900${String(supportNumber).padStart(3, '0')}`;
    const r = await resident(channel, number);
    await runConversation(r, [
      {
        say: text,
        expect: [
          /StepChange|Council Tax Support/,
          /putting you straight through to a person|Putting you through to a person/i,
        ],
      },
    ]);
    // Hardship, summonses and bailiffs go to the front of the contact centre's queue, with
    // what the resident said shown to the agent.
    const queued = await queue.waiting();
    const mine = [];
    for (const request of queued)
      if ((await queue.messages(request.id)).some((m) => m.text === text)) mine.push(request);
    expect(mine.at(-1)).toMatchObject({ priority: 'urgent', reason });
    expect(queued[0]?.priority).toBe('urgent');
  });

  it('hands a message that is not one of the choices back to be understood afresh', async () => {
    now = START;
    await runConversation(await resident(channel), [
      { say: 'how do I pay my council tax', expect: [/Direct Debit/] },
      { say: 'when is my bin day', expect: [/postcode/i], never: [/Direct Debit/] },
    ]);
  });
});

describe('council tax by SMS', () => {
  it('keeps each answer to one text of at most 2 segments, choices included', async () => {
    now = START;
    const number = '+447700900555';
    const sms = await resident('sms', number);
    const texts = [
      'what council tax band is 22 Mill Lane DF2 4QT',
      'I think my band is wrong',
      'how do I pay my council tax',
      'can I pay council tax in 12 instalments',
      'I live on my own now',
      'are students exempt from council tax',
      'carers council tax discount',
      'what discounts are there on council tax',
      "I'm moving house, what do I do about council tax",
      "what's my council tax balance",
      `${HIGH_STREET_ACCOUNT.accountNumber} ${HIGH_STREET_ACCOUNT.postcode}`,
    ];
    for (const text of texts) {
      const before = council.fakeTwilio.sentTo(number).length;
      await sms.say(text);
      const sent = council.fakeTwilio.sentTo(number).slice(before);
      expect(sent.length, `one text for "${text}": ${sent.map((m) => m.body).join(' | ')}`).toBe(1);
      expect(sent[0]?.numSegments, `"${text}" -> ${sent[0]?.body}`).toBeLessThanOrEqual(2);
    }
  });

  it('sends every support and handoff text within 2 segments', async () => {
    now = START;
    const number = '+447700900556';
    const sms = await resident('sms', number);
    const before = council.fakeTwilio.sentTo(number).length;
    await sms.say('bailiffs are coming to my house');
    const sent = council.fakeTwilio.sentTo(number).slice(before);
    expect(sent.length).toBeGreaterThan(0);
    for (const message of sent) expect(message.numSegments, message.body).toBeLessThanOrEqual(2);
  });

  it('keeps a passed check for this phone number for 15 minutes only', async () => {
    now = START;
    const number = '+447700900557';
    const sms = await resident('sms', number);
    await runConversation(sms, [
      { say: "what's my council tax balance", expect: [/account number/i] },
      { say: `${HIGH_STREET_ACCOUNT.accountNumber} ${HIGH_STREET_ACCOUNT.postcode}`, expect: [balance] },
    ]);
    now = new Date(START.getTime() + 10 * 60_000);
    await runConversation(sms, [
      { say: 'how much council tax do I owe', expect: [balance], never: [/account number/i] },
    ]);
    now = new Date(START.getTime() + 16 * 60_000);
    await runConversation(sms, [
      { say: 'how much council tax do I owe', expect: [/account number/i], never: [balance] },
    ]);
    now = START;
  });
});
