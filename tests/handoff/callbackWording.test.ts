/**
 * A callback a person can act on, in words a resident can trust: what it is about is asked and
 * kept; "1 working day", not "1 working day(s)"; numbers written as people write them
 * (07700 900123); a time the resident asks for is kept, and honoured or honestly declined; and
 * never "passing you to a person" straight before "we're closed". On the web and by SMS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../store/database.js';
import { DbCases } from '../../services/cases/dbCases.js';
import { runConversation } from '../helpers/conversationTable.js';
import { greetedResident, startTestCouncil, type Resident, type TestCouncil } from '../helpers/residents.js';
import { parseTimePreference } from '../../services/handoff/timePreference.js';

/** Saturday 28 November 2026, 11pm: the contact centre (Monday to Friday, 9am to 5pm) is closed. */
const OUT_OF_HOURS = new Date('2026-11-28T23:00:00Z');
let council: TestCouncil;
let store: Database;
let cases: DbCases;

beforeAll(async () => {
  council = await startTestCouncil({}, undefined, () => OUT_OF_HOURS);
  store = await openDatabase(council.assistant.database.url);
  cases = new DbCases(store.db);
});
afterAll(async () => {
  await store?.close();
  await council?.close();
});

const resident = (channel: 'web' | 'sms', number?: string): Promise<Resident> =>
  greetedResident(council, channel, number);

async function caseIn(replies: string[]) {
  const reference = /HC-\d{6}/.exec(replies.join('\n'))?.[0] ?? '';
  const found = await cases.get(reference);
  expect(found, `a case in: ${replies.join('\n')}`).not.toBeNull();
  return found;
}

describe.each(['web', 'sms'] as const)('callbacks on %s', (channel) => {
  it('asks what it is about, keeps it, and declines a time outside the hours honestly', async () => {
    const person = await resident(channel, channel === 'sms' ? '+447700900123' : undefined);
    const transcript = await runConversation(person, [
      { say: 'can I speak to someone', expect: [/closed/i], never: [/passing you|putting you/i] },
      { say: 'yes please', expect: [/what would you like us to contact you about/i] },
      { say: 'my council tax bill has the wrong name on it, ring me after 6pm', expect: [/which (property|address)/i] },
      { say: '22 Mill Lane DF2 4QT', expect: [channel === 'web' ? /phone number or email/i : /HC-\d{6}/] },
      ...(channel === 'web' ? [{ say: '07700900123', expect: [/HC-\d{6}/] }] : []),
    ]);
    const last = (transcript.at(-1) ?? []).join('\n');
    expect(last).toMatch(/within 1 working day\b/);
    expect(last).not.toMatch(/day\(s\)|1 working days/);
    if (channel === 'web') expect(last).toMatch(/07700 900123/);
    expect(last).not.toMatch(/\+44/);
    // Honest: the centre closes at 5pm, so "after 6pm" cannot be promised.
    expect(last).toMatch(/can't contact you after 6pm/);
    const opened = await caseIn(transcript.at(-1) ?? []);
    expect(opened?.details).toMatchObject({
      about: 'my council tax bill has the wrong name on it, ring me after 6pm',
      preferredTime: 'after 6pm',
      preferredTimeHonoured: false,
    });
  });

  it('honours a time inside the hours', async () => {
    const person = await resident(channel);
    const transcript = await runConversation(person, [
      { say: 'talk to a person', expect: [/closed/i] },
      { say: 'yes', expect: [/contact you about/i] },
      { say: 'a missed bin that nobody came back for, mornings are best', expect: [/which (property|address)/i] },
      { say: '1 high st df1 1aa', expect: [channel === 'web' ? /phone number or email/i : /HC-\d{6}/] },
      ...(channel === 'web' ? [{ say: 'sam@example.com', expect: [/HC-\d{6}/] }] : []),
    ]);
    const last = (transcript.at(-1) ?? []).join('\n');
    expect(last).toMatch(/aim to contact you mornings/i);
    expect(last).not.toMatch(/can't contact you/);
    expect((await caseIn(transcript.at(-1) ?? []))?.details).toMatchObject({ preferredTimeHonoured: true });
  });

  it('a time given with the number counts too', async () => {
    if (channel === 'sms') return; // by SMS the number is already known; nothing is asked
    const person = await resident(channel);
    const transcript = await runConversation(person, [
      { say: 'can I speak to someone', expect: [/closed/i] },
      { say: 'yes', expect: [/contact you about/i] },
      { say: 'my tip permit', expect: [/which property/i] },
      { say: '22 Mill Lane, DF2 4QT', expect: [/phone number or email/i] },
      {
        say: '07700 900456, before 10am please',
        expect: [/HC-\d{6}/, /aim to contact you before 10am/, /07700 900456/],
      },
    ]);
    expect((await caseIn(transcript.at(-1) ?? []))?.details).toMatchObject({
      about: 'my tip permit',
      preferredTime: 'before 10am',
    });
  });

  it('not understood twice out of hours: no "passing you to someone" before "we\'re closed"', async () => {
    const person = await resident(channel);
    await runConversation(person, [
      { say: 'flibble wobble grunk', expect: [/didn't understand/i] },
      { say: 'zorp quux blarg', expect: [/closed/i], never: [/pass you|passing you|putting you/i] },
    ]);
  });
});

describe('reading a time preference', () => {
  it.each([
    ['ring me after 6pm', { text: 'after 6pm', from: 18 * 60 }],
    ['after 6', { text: 'after 6', from: 18 * 60 }],
    ['call before 10am', { text: 'before 10am', until: 10 * 60 }],
    ['any time after 9.30am', { text: 'after 9.30am', from: 9 * 60 + 30 }],
    ['mornings are best', { text: 'mornings', until: 12 * 60 }],
    ['in the evening please', { text: 'in the evening', from: 18 * 60 }],
  ])('"%s"', (text, expected) => {
    expect(parseTimePreference(text)).toEqual(expected);
  });

  it('finds none where there is none', () => {
    expect(parseTimePreference('my bin was missed on Tuesday')).toBeUndefined();
  });
});
