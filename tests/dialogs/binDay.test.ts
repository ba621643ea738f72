/**
 * Bin days through the whole assistant, on the web and by SMS. The clock is fixed: Monday
 * 23 November 2026, 10am, unless a case says otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCouncil, type TestCouncil } from '../helpers/residents.js';
import { runConversation, type Turn } from '../helpers/conversationTable.js';

let now = new Date('2026-11-23T10:00:00Z');
let council: TestCouncil;

beforeAll(async () => {
  council = await startTestCouncil({}, undefined, () => now);
});
afterAll(async () => {
  await council?.close();
});

const resident = async (channel: 'web' | 'sms') => (channel === 'web' ? council.webResident() : council.smsResident());

describe.each(['web', 'sms'] as const)('bin day on %s', (channel) => {
  it('answers "bin day for 1 High Street DF1 1AA" in one turn with no questions', async () => {
    now = new Date('2026-11-23T10:00:00Z');
    const [replies] = await runConversation(await resident(channel), [
      {
        say: 'bin day for 1 High Street DF1 1AA',
        expect: [
          /1 High Street/,
          { web: /Friday 27 November\**: rubbish \(black bin\)/, sms: /Fri 27 Nov rubbish \(black bin\)/ },
          { web: /Friday 27 November\**: food waste \(food caddy\)/, sms: /Fri 27 Nov food waste/ },
          { web: /Friday 4 December\**: recycling \(blue bin\)/, sms: /Fri 4 Dec recycling/ },
        ],
        never: [/postcode\?/i, /which address/i],
      },
    ]);
    expect(replies?.join(' ')).not.toMatch(/garden/);
  });

  it('asks for the postcode, offers the addresses there and answers for the one chosen', async () => {
    now = new Date('2026-11-23T10:00:00Z');
    const turns: Turn[] = [
      { say: 'when is my bin day', expect: [/postcode/i] },
      { say: 'df2 4qt', expect: [/which address/i, /14 Mill Lane/, { web: /./, sms: /^1\. /m }] },
      channel === 'web'
        ? { say: 'More addresses', expect: [/which address/i] }
        : { say: 'MORE', expect: [/which address/i, /^1\. /m] },
      {
        say: '22',
        expect: [
          /22 Mill Lane/,
          /rubbish \(black bin\)/,
          { web: /today\**: rubbish/i, sms: /today rubbish/i },
          { web: /Monday 30 November\**: garden waste \(green bin\)/, sms: /Mon 30 Nov garden waste/ },
        ],
      },
    ];
    await runConversation(await resident(channel), turns);
  });

  it('explains a postcode it cannot read, and offers a person after the second try', async () => {
    await runConversation(await resident(channel), [
      { say: 'bin collection day please', expect: [/postcode/i] },
      { say: 'DF1 1A', expect: [/looks? like DF1 1AA/i] },
      { say: 'my house', expect: [/01632 960000/, { web: /person/i, sms: /PERSON/ }] },
      { say: 'thanks', expect: [/welcome/i] },
    ]);
  });

  it('takes a different question asked instead of a postcode as that question', async () => {
    now = new Date('2026-11-23T10:00:00Z');
    await runConversation(await resident(channel), [
      { say: 'when is my bin day', expect: [/postcode/i] },
      { say: 'is the tip open tomorrow', expect: [/open|closed/i], never: [/look like DF1 1AA/i] },
    ]);
  });

  it('says a postcode outside the borough is not in Demoford and where to go', async () => {
    await runConversation(await resident(channel), [
      { say: 'what day are my bins collected', expect: [/postcode/i] },
      { say: 'OX1 1AA', expect: [/not in Demoford/, /find-local-council/] },
    ]);
  });

  it('chooses a listed address by its number on SMS, or by house name on the web', async () => {
    const r = await resident(channel);
    await runConversation(r, [
      { say: 'bin day', expect: [/postcode/i] },
      { say: 'DF2 4QT', expect: [/which address/i] },
      channel === 'sms'
        ? { say: '1', expect: [/Mill Lane:/, /rubbish/] }
        : { say: 'rose cottage', expect: [/Rose Cottage/, /rubbish/] },
    ]);
  });
});

describe('collection dates that move', () => {
  it('gives the Christmas change with the reason', async () => {
    now = new Date('2026-12-21T10:00:00Z');
    const web = await council.webResident();
    await runConversation(web, [
      {
        say: 'bin day for 1 High Street DF1 1AA',
        expect: [
          /Monday 28 December\**: rubbish \(black bin\) \(moved from Friday 25 December because of Christmas and New Year\)/,
          /Monday 4 January 2027\**: recycling/,
        ],
      },
    ]);
  });

  it('moves collections in a bank-holiday week a day later, saying why', async () => {
    now = new Date('2026-08-28T10:00:00Z');
    await runConversation(await council.webResident(), [
      {
        say: 'bin day 1 Church Street DF1 1AN',
        expect: [
          /Tuesday 1 September\**: food waste \(food caddy\) \(moved from Monday 31 August because of Summer bank holiday\)/,
        ],
      },
    ]);
  });

  it('uses the day in Demoford, not UTC, just after midnight in British Summer Time', async () => {
    // 00:30 on Friday 23 October in Demoford is still Thursday in UTC.
    now = new Date('2026-10-22T23:30:00Z');
    await runConversation(await council.webResident(), [
      { say: 'bin day for 1 High Street DF1 1AA', expect: [/today\**: food waste/] },
    ]);
  });

  it('gives a collection today as today', async () => {
    now = new Date('2026-11-23T09:00:00Z');
    const sms = council.smsResident();
    await runConversation(sms, [
      { say: 'bin day 14 mill lane df2 4qt', expect: [/14 Mill Lane:/, /today rubbish \(black bin\)/] },
    ]);
  });
});
