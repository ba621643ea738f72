/**
 * A resident at risk is given the contacts that help now, first, at any hour, on the web and by
 * SMS, with nothing in front (no welcome or menu line): in the contact centre's hours they join
 * the urgent queue; out of hours they get the contacts, then a callback offer. Someone who speaks
 * of abuse is asked whether it is safe to call or text before any contact is offered. The
 * contacts expected come from the council's own data file, so a council changing a number
 * changes no test.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeRegExp } from '../../intents/entities/words.js';
import { runConversation } from '../helpers/conversationTable.js';
import { startTestCouncil, type Resident, type TestCouncil } from '../helpers/residents.js';
import { summarise } from '../../adapters/agent/context.js';

const data = JSON.parse(readFileSync('data/demo/safeguarding/topics.json', 'utf8')) as {
  contacts: Record<string, { phone: string }>;
  topics: { id: string; label: string; contacts: string[] }[];
};
const phone = (id: string) => new RegExp(escapeRegExp(data.contacts[id]?.phone ?? `missing contact ${id}`));
const contactsOf = (topic: string) => (data.topics.find((t) => t.id === topic)?.contacts ?? []).map(phone);
const labelOf = (topic: string) => data.topics.find((t) => t.id === topic)?.label;

/** Monday 23 November 2026, 10am in London: the contact centre is open. */
const IN_HOURS = new Date('2026-11-23T10:00:00Z');
/** Saturday 28 November 2026, 11pm: closed. */
const OUT_OF_HOURS = new Date('2026-11-28T23:00:00Z');
let now = IN_HOURS;
let council: TestCouncil;

beforeAll(async () => {
  council = await startTestCouncil({}, undefined, () => now);
});
afterAll(async () => {
  await council?.close();
});

/** A new resident: by SMS a number never seen before, so the first reply is where a welcome would go. */
async function resident(channel: 'web' | 'sms'): Promise<Resident> {
  return channel === 'web' ? council.webResident() : council.smsResident();
}

const WELCOME_OR_MENU = /I can help with|bin days, missed bins|What would you like to do/i;

const URGENT: [topic: string, message: string][] = [
  ['self_harm', 'i want to end my life'],
  ['self_harm', "I can't cope any more, I've been thinking about suicide"],
  ['self_harm', 'feeling suicidel tonight tbh'],
  ['self_harm', 'i dont want to live anymore'],
  ['homeless', "I'm going to be homeless tonight"],
  ['homeless', 'homless tonite'],
  ['homeless', 'landlord kicked me out and ive got nowhere to sleep'],
  ['homeless', 'me and the kids are sleeping in the car, what do i do'],
  ['homeless', 'im going to be evicted'],
  ['homeless', 'landlord gave me a section 21 notice what do i do'],
  ['danger', 'someone is trying to break in, help'],
  ['bailiffs', 'there are bailiffs at my door right now about council tax'],
  ['bailiffs', 'Bailiffs are coming to my house'],
  ['bailiffs', 'the bailiffs r at the door'],
  ['bailiffs', 'enforcement agents coming tomorrow'],
  ['bailiffs', "bailiff letter says they'll take my stuff"],
  ['hardship', 'I have no money for food for the kids'],
];

const ABUSE = [
  'my partner hits me and I need to get out',
  'my husband beats me',
  'i am in an abusive relationship and need help',
  'domestic violence',
];

describe.each(['web', 'sms'] as const)('urgent topics on %s', (channel) => {
  describe('in hours', () => {
    it.each(URGENT)('%s: "%s" gets the contacts first, then the urgent queue', async (topic, message) => {
      now = IN_HOURS;
      const [replies] = await runConversation(await resident(channel), [
        {
          say: message,
          expect: [...contactsOf(topic), /straight through to a person/, /number \d+ in the queue/],
          never: [WELCOME_OR_MENU, /closed/i],
        },
      ]);
      // The contacts are the very first thing said, before the queue.
      expect(replies?.[0]).toMatch(contactsOf(topic)[0] as RegExp);
    });
  });

  describe('out of hours', () => {
    it.each(URGENT)('%s: "%s" gets the contacts first, then a callback offer', async (topic, message) => {
      now = OUT_OF_HOURS;
      const [replies] = await runConversation(await resident(channel), [
        {
          say: message,
          expect: [...contactsOf(topic), /closed/i, /numbers above/],
          never: [WELCOME_OR_MENU, /in the queue/],
        },
      ]);
      expect(replies?.[0]).toMatch(contactsOf(topic)[0] as RegExp);
      expect(replies?.at(-1)).toMatch(/closed/i);
    });

    it('a yes to the callback books it with a reference', async () => {
      now = OUT_OF_HOURS;
      await runConversation(await resident(channel), [
        { say: "I'm going to be homeless tonight", expect: [phone('homelessLine')] },
        { say: 'yes please', expect: [{ web: /phone number or email/i, sms: /HC-\d{6}/ }] },
        ...(channel === 'web' ? [{ say: '07700 900123', expect: [/HC-\d{6}/] }] : []),
      ]);
    });
  });

  describe('domestic abuse', () => {
    it.each(ABUSE)(
      '"%s": helpline and 999, then asks whether it is safe to call or text, before any contact',
      async (message) => {
        now = IN_HOURS;
        await runConversation(await resident(channel), [
          {
            say: message,
            expect: [phone('emergency'), phone('abuseHelpline'), /safe for us to call or text/i],
            never: [/in the queue/, WELCOME_OR_MENU],
          },
          {
            say: 'no',
            expect: [/won't call or text/i, phone('abuseHelpline')],
            never: [/in the queue/, /contact you when we reopen/],
          },
        ]);
        expect(await queuedFor(channel, 'abuse')).toBe(false);
      },
    );

    it('when it is safe: the urgent queue in hours, with "safe to contact" for the agent', async () => {
      now = IN_HOURS;
      await runConversation(await resident(channel), [
        { say: 'my partner hits me and I need to get out', expect: [/safe for us to call or text/i] },
        { say: "yes it's safe", expect: [/number \d+ in the queue/] },
      ]);
      const waiting = (await council.assistant.handoff.service.queue.waiting()).filter(
        (r) => r.topic === 'abuse' && r.channelId === channelId(channel),
      );
      expect(waiting.at(-1)?.collected.safeToContact).toBe(true);
    });

    it('when it is safe: out of hours a callback offer follows', async () => {
      now = OUT_OF_HOURS;
      await runConversation(await resident(channel), [
        { say: 'he hits me', expect: [phone('abuseHelpline'), /safe for us to call or text/i], never: [/closed/i] },
        { say: 'yes', expect: [/closed/i, /contact you (as soon as|when) we reopen/i] },
      ]);
    });

    it('an answer that is neither yes nor no is asked again, and in the end taken as not safe', async () => {
      now = IN_HOURS;
      await runConversation(await resident(channel), [
        { say: 'domestic abuse', expect: [/safe for us to call or text/i] },
        { say: 'maybe later', expect: [/yes.*no|YES.*NO/] },
        { say: 'idk', expect: [/yes.*no|YES.*NO/] },
        { say: 'whatever', expect: [/won't call or text/i], never: [/in the queue/] },
      ]);
    });
  });

  it('an urgent message in the middle of another job is answered first', async () => {
    now = IN_HOURS;
    const sms = await resident(channel);
    await runConversation(sms, [
      { say: 'when is my bin day', expect: [/postcode/i] },
      {
        say: 'actually forget that, im gonna be homless tonite',
        expect: [phone('homelessLine'), phone('shelter'), /in the queue/],
        never: [/postcode/i],
      },
    ]);
  });

  it('an urgent message while the handoff waits for a contact number is answered first', async () => {
    now = OUT_OF_HOURS;
    await runConversation(await resident(channel), [
      { say: 'can I talk to a person', expect: [/closed/i] },
      { say: 'yes', expect: [/contact you about/i] },
      // By SMS the urgent message comes where the property was asked for.
      { say: 'about my council tax', expect: [/which (property|address)/i] },
      ...(channel === 'web' ? [{ say: '1 High Street DF1 1AA', expect: [/phone number or email/i] }] : []),
      {
        say: 'I want to kill myself',
        expect: [phone('samaritans'), phone('emergency')],
        never: [/couldn't read that/i, /HC-\d{6}/],
      },
    ]);
  });

  describe('bailiffs', () => {
    const COUNCIL_HELP = /agree a (payment )?plan/i;

    it.each([IN_HOURS, OUT_OF_HOURS])(
      'the debt advice contacts come first, then what the council can do, then a person (%s)',
      async (at) => {
        now = at;
        const [replies] = await runConversation(await resident(channel), [
          {
            say: 'bailiffs are coming round tomorrow about my council tax',
            expect: [
              phone('stepChange'),
              phone('nationalDebtline'),
              COUNCIL_HELP,
              at === IN_HOURS ? /straight through to a person/ : /contact you/i,
            ],
            never: [WELCOME_OR_MENU, /Council tax is|paid in \d+ monthly/i],
          },
        ]);
        const all = (replies ?? []).join('\n');
        expect(all.search(phone('stepChange'))).toBeLessThan(all.search(COUNCIL_HELP));
      },
    );

    // A question is answered by the council tax job (its enforcement answer, and a person as that
    // job decides), not with the safeguarding reply for someone with bailiffs at the door.
    it.each(['what is a bailiff', 'do you use bailiffs for council tax', 'will bailiffs come if i dont pay'])(
      'a question about bailiffs gets information, not an urgent reply: "%s"',
      async (message) => {
        now = IN_HOURS;
        await runConversation(await resident(channel), [
          { say: message, expect: [/counciltax\/enforcement/], never: [/threatened/i, phone('emergency')] },
        ]);
      },
    );
  });

  it.each([
    "I'm not homeless, I just want my bin day",
    'my bin is homeless',
    'the bin men were abusive to me',
    'this council tax bill is killing me',
    "I'm starving, is the tip cafe open",
    'my recycling is in danger of blowing away',
    'I got kicked out of the tip for not having a permit',
  ])('a near miss is not urgent: "%s"', async (message) => {
    now = IN_HOURS;
    await runConversation(await resident(channel), [
      {
        say: message,
        never: [
          phone('emergency'),
          phone('samaritans'),
          phone('homelessLine'),
          phone('abuseHelpline'),
          /straight through to a person/,
        ],
      },
    ]);
  });
});

function channelId(channel: 'web' | 'sms'): string {
  return channel === 'web' ? 'directline' : 'sms';
}

async function queuedFor(channel: 'web' | 'sms', topic: string): Promise<boolean> {
  const since = now.getTime();
  const waiting = await council.assistant.handoff.service.queue.waiting();
  return waiting.some(
    (r) =>
      r.topic === topic &&
      r.channelId === channelId(channel) &&
      r.queuedAt >= since &&
      r.collected.safeToContact !== true,
  );
}

describe('the agent console and the logs', () => {
  it('marks an urgent conversation and names its topic in plain words; the logs say only "urgent"', async () => {
    now = IN_HOURS;
    const linesBefore = council.assistant.logLines.length;
    const web = await council.webResident();
    await web.say('i want to end my life');
    const service = council.assistant.handoff.service;
    const request = (await service.queue.waiting()).filter((r) => r.topic === 'self_harm').at(-1);
    expect(request).toBeDefined();
    if (!request) return;
    const summary = await summarise(service, request, now.getTime());
    expect(summary).toMatchObject({ priority: 'urgent', topicLabel: labelOf('self_harm') });

    const logs = council.assistant.logLines.slice(linesBefore).join('\n');
    expect(logs).toMatch(/"urgent":true/);
    for (const topic of data.topics) {
      expect(logs).not.toContain(`"${topic.id}"`);
      expect(logs).not.toContain(topic.label);
    }
    expect(logs).not.toMatch(/end my life/);
  });
});
