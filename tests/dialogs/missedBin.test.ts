/**
 * Reporting a missed bin through the whole assistant. 1 High Street (DF1 1AA) has rubbish and
 * food waste collected on Friday 27 November 2026 and recycling on Friday 20 November; crews
 * work until 6pm, and reports close two working days after the collection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCouncil, type TestCouncil } from '../helpers/residents.js';
import { runConversation } from '../helpers/conversationTable.js';

let now = new Date('2026-11-27T19:00:00Z');
let council: TestCouncil;

beforeAll(async () => {
  council = await startTestCouncil({}, undefined, () => now);
});
afterAll(async () => {
  await council?.close();
});

describe('missed bins', () => {
  it('is too early while the crews may still come on the day', async () => {
    now = new Date('2026-11-27T10:00:00Z');
    await runConversation(await council.webResident(), [
      { say: 'my black bin was missed, 1 High Street DF1 1AA', expect: [/due today/i, /6pm/], never: [/MB-\d{6}/] },
    ]);
  });

  it('takes a valid report with a reference and when it will be collected, and gives a duplicate the same reference', async () => {
    now = new Date('2026-11-27T19:00:00Z');
    const [first] = await runConversation(await council.webResident(), [
      { say: 'they missed my bin today', expect: [/postcode/i] },
      { say: 'DF1 1AA', expect: [/which address/i] },
      { say: '1', expect: [/which bin/i, /\[Rubbish \(black bin\)\]/] },
    ]).then(async () =>
      runConversation(await council.webResident(), [
        {
          say: 'rubbish not collected at 1 High Street DF1 1AA',
          expect: [/MB-\d{6}/, /Friday 27 November/, /Tuesday 1 December/],
        },
      ]),
    );
    const reference = /MB-\d{6}/.exec(first?.join(' ') ?? '')?.[0];
    expect(reference).toBeDefined();

    // A neighbour in the same house reports it again by text: same report, same reference.
    const [again] = await runConversation(council.smsResident(), [
      { say: 'bin not emptied 1 high st df1 1aa black bin', expect: [/Already reported/i] },
    ]);
    expect(again?.join(' ')).toContain(reference);
  });

  it('asks which bin, and accepts the answer by its number on SMS', async () => {
    now = new Date('2026-11-27T19:00:00Z');
    const sms = council.smsResident();
    const [list] = await runConversation(sms, [
      { say: 'missed collection 1 High Street DF1 1AA', expect: [/which bin/i, /^\d\. Food waste \(food caddy\)/m] },
    ]);
    const number = /^(\d)\. Food waste/m.exec(list?.join('\n') ?? '')?.[1] ?? '';
    await runConversation(sms, [{ say: number, expect: [/Reported: missed food waste/, /Ref MB-\d{6}/] }]);
  });

  it('says a bin was not due on the day given, with the last and next collections', async () => {
    now = new Date('2026-11-27T19:00:00Z');
    await runConversation(await council.webResident(), [
      {
        say: 'my black bin was not collected on wednesday, 1 High Street DF1 1AA',
        expect: [/wasn't due/i, /next collection is/i],
        never: [/MB-\d{6}/],
      },
    ]);
  });

  it('says when it is too late to report, and when the next collection is', async () => {
    now = new Date('2026-11-27T19:00:00Z');
    await runConversation(await council.webResident(), [
      {
        say: 'my recycling was missed last week, 1 High Street DF1 1AA',
        expect: [/too late/i, /Friday 20 November/, /4 December/],
      },
    ]);
  });

  it('explains there is no garden waste collection without a subscription', async () => {
    await runConversation(await council.webResident(), [
      { say: 'garden waste bin missed at 1 High Street DF1 1AA', expect: [/garden waste subscription/i] },
    ]);
  });
});
