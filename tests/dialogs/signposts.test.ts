/**
 * Questions the assistant cannot do get where to go instead, not "say it another way";
 * frustration gets an apology and a person at once; small talk never leads to a person or a
 * callback; Welsh and Polish get a short answer in that language. On the web and by SMS, with
 * links taken from the council's own signpost table.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeRegExp } from '../../intents/entities/words.js';
import { runConversation } from '../helpers/conversationTable.js';
import { greetedResident, startTestCouncil, type Resident, type TestCouncil } from '../helpers/residents.js';

const table = JSON.parse(readFileSync('data/demo/signposts/signposts.json', 'utf8')) as {
  signposts: { id: string; url: string }[];
};
/** On SMS the link is given too (as text), so both channels show the page. */
const linkOf = (id: string) =>
  new RegExp(escapeRegExp(table.signposts.find((s) => s.id === id)?.url ?? `no signpost ${id}`));

/** Monday 10am: open. Saturday 11pm: closed. */
const IN_HOURS = new Date('2026-11-23T10:00:00Z');
const OUT_OF_HOURS = new Date('2026-11-28T23:00:00Z');
let now = IN_HOURS;
let council: TestCouncil;

beforeAll(async () => {
  council = await startTestCouncil({}, undefined, () => now);
});
afterAll(async () => {
  await council?.close();
});

const resident = (channel: 'web' | 'sms'): Promise<Resident> => greetedResident(council, channel);

const NOT_UNDERSTOOD = /didn't understand|say it another way/i;

const SIGNPOSTS: [id: string, message: string][] = [
  ['new_bin', 'I need a new bin'],
  ['new_bin', 'my bin is broken can I get a replacement'],
  ['new_bin', 'someone has stolen my bin, bin was stolen last night'],
  ['new_bin', 'can i order a bigger bin'],
  ['bulky_waste', 'can you collect my old sofa'],
  ['bulky_waste', 'how do i book a bulky waste collection'],
  // Any order, words between, endings, other words for the same thing, slips.
  ['bulky_waste', 'can you collect an old sofa from my house'],
  ['bulky_waste', 'pick up my old fridge'],
  ['bulky_waste', 'get rid of a mattress'],
  ['bulky_waste', 'sofa collection'],
  ['bulky_waste', 'can i get my settee collected'],
  ['bulky_waste', 'wardrobe collected pls'],
  ['bulky_waste', 'can u take away my old matress'],
  ['new_bin', 'my wheelie bin has been stolen'],
  ['new_bin', 'need a bigger recycling bin'],
  ['garden_waste', 'how much is the brown bin subscription'],
  ['recycling_guide', 'can glass bottles go in my recycling'],
  ['parking', 'how do i appeal a parking fine'],
  ['roads', 'potholes on my road are awful'],
  ['housing_repairs', 'my council flat has a leak that needs fixing'],
  ['complaints', 'i wanna complain about the bin men'],
  ['benefits', 'help with free school meals'],
  ['garden_waste', 'garden waste subscription'],
  ['garden_waste', 'how do I renew my garden waste'],
  ['recycling_guide', 'do you collect glass?'],
  ['recycling_guide', 'can i recycle batteries'],
  ['planning', 'do I need planning permission for an extension'],
  ['parking', 'parking permit'],
  ['parking', 'i got a parking ticket and want to appeal'],
  ['roads', 'report a pothole'],
  ['roads', 'theres a massive pothol on my road'],
  ['roads', 'the street light outside my house is broken'],
  ['housing_repairs', 'damp and mould in my council flat'],
  ['housing_repairs', 'my boiler is broken and I rent from the council'],
  ['complaints', 'I want to make a complaint'],
  ['complaints', 'how do i complain about the bin men'],
  ['benefits', 'housing benefit'],
  ['benefits', 'how do I claim universal credit'],
];

describe.each(['web', 'sms'] as const)('on %s', (channel) => {
  it.each(SIGNPOSTS)('%s: "%s" gets the signpost', async (id, message) => {
    now = IN_HOURS;
    await runConversation(await resident(channel), [
      { say: message, expect: [linkOf(id)], never: [NOT_UNDERSTOOD, /HC-\d{6}/] },
    ]);
  });

  it.each(['what are my bin days for OX1 1AA', "I'm in OX1 1AA", 'my postcode is OX1 1AA, can you help'])(
    'another council\'s postcode: "%s"',
    async (message) => {
      now = IN_HOURS;
      await runConversation(await resident(channel), [
        {
          say: message,
          expect: [/OX1 1AA isn't in Demoford|OX1 1AA is not in Demoford/, /find-local-council/],
          never: [NOT_UNDERSTOOD],
        },
      ]);
    },
  );

  it.each(['this is useless', 'rubbish bot', 'you are a fucking waste of time', 'just let me talk to someone', 'ffs'])(
    'frustration "%s" gets an apology and a person at once (in hours)',
    async (message) => {
      now = IN_HOURS;
      await runConversation(await resident(channel), [
        { say: message, expect: [/sorry/i, /in the queue/], never: [NOT_UNDERSTOOD] },
      ]);
    },
  );

  it('frustration out of hours: an apology and a callback offer, never "passing you" then "closed"', async () => {
    now = OUT_OF_HOURS;
    await runConversation(await resident(channel), [
      {
        say: 'this bot is useless',
        expect: [/sorry/i, /closed/i],
        never: [/passing you|pass you|putting you/i, NOT_UNDERSTOOD],
      },
    ]);
  });

  it('an angry message that asks for a job still gets the job', async () => {
    now = IN_HOURS;
    await runConversation(await resident(channel), [
      { say: 'my bloody bin wasnt collected again', expect: [/postcode|address/i], never: [/in the queue/] },
    ]);
  });

  it('small talk, however much of it, never leads to a person or a callback', async () => {
    now = OUT_OF_HOURS;
    const chatty = await resident(channel);
    for (const message of ['lol', 'ok', 'haha', 'who are you', 'are you a robot', 'ok cool', 'hmm']) {
      await runConversation(chatty, [{ say: message, never: [/closed/i, /in the queue/, /HC-\d{6}/, /contact you/i] }]);
    }
    await runConversation(chatty, [{ say: 'yes', never: [/HC-\d{6}/, /phone number or email/i] }]);
  });

  it.each(['Shwmae, pryd mae fy miniau yn cael eu casglu?', 'Diolch', 'Dw i eisiau siarad yn Gymraeg'])(
    'Welsh "%s" gets a Welsh answer and says replies come in English',
    async (message) => {
      now = IN_HOURS;
      await runConversation(await resident(channel), [
        { say: message, expect: [/Diolch/, /Saesneg/, /English/, /01632 960000/], never: [NOT_UNDERSTOOD] },
      ]);
    },
  );

  it('Polish gets a Polish answer with the phone line', async () => {
    now = IN_HOURS;
    await runConversation(await resident(channel), [
      {
        say: 'Dzień dobry, kiedy jest odbiór śmieci?',
        expect: [/Dzi[eę]kujemy/, /01632 960000/],
        never: [NOT_UNDERSTOOD],
      },
    ]);
  });

  it.each([
    'when is my bin day',
    'is the tip open tomorrow',
    'what council tax band am I in',
    'I need a van permit for the tip',
    // Near misses: a signpost's thing without its action, or a job's words around it.
    'is my sofa covered by council tax',
    'when is my new bin day',
    'my bin was missed can you collect it',
    'do i need a permit to take a sofa to the tip',
    "i'm on universal credit, can i get council tax support",
  ])('a question the assistant does answer is not signposted: "%s"', async (message) => {
    now = IN_HOURS;
    const links = table.signposts.map((s) => linkOf(s.id));
    await runConversation(await resident(channel), [{ say: message, never: [...links, /Diolch|Dziękujemy/] }]);
  });
});

describe('by SMS, a first text in Welsh', () => {
  it('is answered in Welsh with no English menu in front', async () => {
    now = IN_HOURS;
    const replies = await council.smsResident().say('Shwmae, pryd mae fy miniau yn cael eu casglu?');
    expect(replies.join('\n')).not.toMatch(/I can help with/);
    expect(replies[0]).toMatch(/Diolch/);
  });
});
