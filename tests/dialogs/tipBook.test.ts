/**
 * Booking a van or trailer permit through the whole assistant, on the web and by SMS. The
 * clock is fixed at Monday 23 November 2026, 10am. Places are taken directly through the
 * Permits service (over the assistant's own database) where a case needs a full slot or a
 * household that has used its allowance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConversation, type Turn } from '../helpers/conversationTable.js';
import type { Resident, TestCouncil } from '../helpers/residents.js';
import type { DatabasePermits } from '../../services/tip/databasePermits.js';
import { councilWithPermits, demo, london, placesIn, tipData } from '../tip/tipFixtures.js';
import { countSegments, encodingOf } from '../../services/channels/smsText.js';

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

const resident = async (channel: 'web' | 'sms', number?: string): Promise<Resident> =>
  channel === 'web' ? council.webResident() : council.smsResident(number);

function propertyAt(shortLabel: string, postcode: string): string {
  const entry = demo.gazetteer.entries.find(
    (e) => e.property.shortLabel === shortLabel && e.property.postcode === postcode,
  );
  if (!entry) throw new Error(`no ${shortLabel}, ${postcode} in the gazetteer`);
  return entry.property.id;
}

/** Takes every place in a window, for households other than the ones the conversations use. */
async function fill(siteId: string, date: string, window: string): Promise<void> {
  const households = demo.gazetteer.entries
    .map((e) => e.property.id)
    .filter((id) => !['10001001', '10013024'].includes(id));
  for (let i = 0; i < placesIn(siteId, window); i++) {
    const result = await permits.issue({
      propertyId: households[50 + i] ?? '',
      registration: 'XY12ZZZ',
      vehicleType: 'van',
      siteId,
      date,
      window,
      channel: 'agent',
      idempotencyKey: `fill-${siteId}-${date}-${window}-${i}`,
      declaredNoTradeWaste: true,
      now: london('2026-11-23T10:00'),
    });
    if (!result.ok) throw new Error(`could not fill: ${result.message}`);
  }
}

const PERMIT = { web: /Your reference is \*\*TP-\d{6}\*\*/, sms: /Tip permit TP-\d{6}: van AB12 CDE/ };
const BRING = /photo ID and proof of address/;

/** The choice the resident taps (web) or its number (SMS): the adapter turns "2" back into the label. */
function pick(channel: 'web' | 'sms', replies: string[], pattern: RegExp): string {
  const lines = replies.join('\n').split('\n');
  if (channel === 'web') {
    const label = lines.map((l) => /^\[(.*)\]$/.exec(l)?.[1]).find((l) => l !== undefined && pattern.test(l));
    if (!label) throw new Error(`no choice matching ${pattern} in ${replies.join(' | ')}`);
    return label;
  }
  const numbered = lines.find((l) => /^\d+\. /.test(l) && pattern.test(l));
  if (!numbered) throw new Error(`no numbered choice matching ${pattern} in ${replies.join(' | ')}`);
  return numbered.split('.')[0] ?? '';
}

describe.each(['web', 'sms'] as const)('booking a tip permit on %s', (channel) => {
  it('completes a message with every detail in at most 4 more messages', async () => {
    const r = await resident(channel);
    const [first] = await runConversation(r, [
      {
        say: 'van permit for AB12 CDE, 1 High Street DF1 1AA, saturday',
        expect: [/Sat(urday)? 28 Nov/, /Quarry Road tip/],
        never: [/postcode\?/i, /registration\?/i, /which address/i],
      },
    ]);
    let more = 0;
    const answer = async (text: string) => {
      more += 1;
      return r.say(text);
    };
    let replies = await answer(pick(channel, first ?? [], /8am.*Quarry Road/));
    expect(replies.join('\n')).toMatch(/household waste/i);
    replies = await answer('yes');
    if (channel === 'web') {
      expect(replies.join('\n')).toMatch(/mobile number/i);
      replies = await answer('no thanks');
    }
    expect(replies.join('\n')).toMatch(/AB12 CDE/);
    expect(replies.join('\n')).toMatch(/Quarry Road tip/);
    replies = await answer('yes');
    expect(replies.join('\n')).toMatch(PERMIT[channel]);
    expect(replies.join('\n')).toMatch(BRING);
    expect(more).toBeLessThanOrEqual(4);
  });

  it('books from "van permit" alone, asking for each detail in turn', async () => {
    const phone = channel === 'web' ? '07700 900777' : undefined;
    const r = await resident(channel);
    const turns: Turn[] = [
      { say: 'van permit', expect: [/postcode/i] },
      { say: 'DF2 4QT', expect: [/which address/i] },
      { say: '22 Mill Lane', expect: [/registration/i] },
      { say: 'ab12cde', expect: [/which tip/i, /Quarry Road tip/, /Northfield tip/] },
      { say: channel === 'web' ? 'Northfield tip' : '2', expect: [/free times/i, /Northfield/] },
    ];
    const transcript = await runConversation(r, turns);
    const slot = pick(channel, transcript[4] ?? [], /Tue(sday)? 24 Nov.*(9am|morning)/);
    await runConversation(r, [
      { say: slot, expect: [/household waste/i] },
      {
        say: 'yes',
        expect:
          channel === 'web'
            ? [/mobile number/i]
            : [/Check: van AB12 CDE, 22 Mill Lane, Northfield tip, Tue 24 Nov 9am-12pm/],
      },
      ...(channel === 'web'
        ? [
            {
              say: phone ?? '',
              expect: [/22 Mill Lane/, /Northfield tip/, /Tuesday 24 November, morning/, /\+447700900777/],
            },
          ]
        : []),
      {
        say: 'yes',
        expect: [
          {
            web: /Your reference is \*\*TP-\d{6}\*\*/,
            sms: /Tip permit TP-\d{6}: van AB12 CDE, Northfield tip, Tue 24 Nov 9am-12pm/,
          },
          BRING,
        ],
      },
    ]);
    if (channel === 'web') {
      // The permit also went by text to the number given.
      const texts = council.fakeTwilio.sentTo('+447700900777').map((m) => m.body);
      expect(texts.join('\n')).toMatch(/Tip permit TP-\d{6}: van AB12 CDE, Northfield tip, Tue 24 Nov 9am-12pm/);
    }
  });

  it('explains an invalid registration and accepts it typed again, normalised', async () => {
    const r = await resident(channel);
    await runConversation(r, [
      { say: 'I need a van permit for the tip, 22 Mill Lane DF2 4QT', expect: [/registration/i] },
      { say: 'AB1 23CDEF', expect: [/doesn't look like a UK registration/, /AB12 CDE/] },
      { say: 'y 123  abc', expect: [/which tip/i] },
    ]);
  });

  it('refuses a tipper at once, with the rule and what to do instead', async () => {
    await runConversation(await resident(channel), [
      {
        say: 'permit for my tipper truck please',
        expect: [/Tippers can't use our tips/, /skip or use a licensed waste carrier/],
        never: [/postcode/i],
      },
    ]);
  });

  it('tells a car driver no permit is needed', async () => {
    await runConversation(await resident(channel), [
      { say: 'book a tip permit for my estate car', expect: [/don't need a permit for a car/] },
    ]);
  });

  it('refuses trade waste when the resident says it is from work', async () => {
    const r = await resident(channel);
    const [first] = await runConversation(r, [
      { say: 'van permit AB12 CDE 22 Mill Lane DF2 4QT tuesday', expect: [/Tue(sday)? 24 Nov/] },
    ]);
    await runConversation(r, [
      { say: pick(channel, first ?? [], /Quarry Road/), expect: [/household waste/i] },
      { say: 'no', expect: [/household waste only/, /Trade Waste Centre/] },
    ]);
  });

  it('says a tip is closed that day, why, and offers the soonest free times', async () => {
    await runConversation(await resident(channel), [
      {
        say: 'van permit for AB12 CDE, 22 Mill Lane DF2 4QT, northfield on wednesday',
        expect: [
          /Northfield tip is closed on Wednesday 25 November \(it closes every Wednesday\)/,
          /next open on Thursday 26 November/,
          /Thu(rsday)? 26 Nov/,
        ],
      },
    ]);
  });

  it('says a full slot is fully booked and offers the other times that day', async () => {
    const r = await resident(channel);
    const [first] = await runConversation(r, [
      {
        say: 'van permit for AB12 CDE, 22 Mill Lane DF2 4QT, northfield friday morning',
        expect: [
          /morning \(9am to 12 noon\) slot at Northfield tip on Friday 27 November is fully booked/,
          { web: /afternoon \(12 noon to 4pm\), Northfield/, sms: /12pm-4pm Northfield/ },
        ],
        never: [{ web: /\[.*morning.*Northfield.*\]/, sms: /\d\. .*9am-12pm Northfield/ }],
      },
    ]);
    expect(first?.join('\n')).toMatch(/Which would you like|Reply with a number/);
  });
});

describe('allowance', () => {
  it('refuses a household that has used its visits, saying when it can book again', async () => {
    const propertyId = propertyAt('14 Mill Lane', 'DF2 4QT');
    const dates = [
      '2026-11-23',
      '2026-11-24',
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
    ];
    expect(dates.length).toBe(tipData.policy.allowance.visitsPerHousehold);
    for (const date of dates) {
      const result = await permits.issue({
        propertyId,
        registration: 'AB12CDE',
        vehicleType: 'van',
        siteId: 'quarry-road',
        date,
        window: 'afternoon',
        channel: 'agent',
        idempotencyKey: `allowance-${date}`,
        declaredNoTradeWaste: true,
        now: london('2026-11-23T10:00'),
      });
      expect(result.ok).toBe(true);
    }
    for (const channel of ['web', 'sms'] as const) {
      await runConversation(await resident(channel), [
        {
          say: 'van permit for 14 Mill Lane DF2 4QT',
          expect: [
            /used all 12 van and trailer visits allowed in 12 months/,
            /on or after Tuesday 23 November 2027/,
            /car without a permit/,
          ],
          never: [/registration/i],
        },
      ]);
    }
  });
});

describe('SMS wording', () => {
  it('keeps every booking reply within two GSM-7 segments', async () => {
    const r = council.smsResident();
    const replies = [
      ...(await r.say('van permit for AB12 CDE, 1 High Street DF1 1AA, sunday')),
      ...(await r.say('1')),
      ...(await r.say('yes')),
      ...(await r.say('yes')),
    ];
    expect(replies.join('\n')).toMatch(/Tip permit TP-\d{6}/);
    for (const text of replies) {
      expect(encodingOf(text), text).toBe('GSM-7');
      expect(countSegments(text).segments, text).toBeLessThanOrEqual(2);
    }
  });
});

beforeAll(async () => {
  // The full-slot case: Northfield's Friday morning window is taken by other households.
  await fill('northfield', '2026-11-27', 'morning');
});
