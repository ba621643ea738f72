/**
 * One retry policy for every question of every job, walked through the whole assistant on the
 * web and by SMS: "help" gives the help and then the same question again (the job goes on); a
 * wrong answer is explained ("Sorry, …") and the question asked again; a second wrong answer
 * to the same question is not asked a third time, the resident is offered a person in the same
 * words whatever the job. Monday 23 November 2026, 10am.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resident, TestCouncil } from '../helpers/residents.js';
import type { DatabasePermits } from '../../services/tip/databasePermits.js';
import { councilWithPermits, demo, london } from '../tip/tipFixtures.js';

const now = new Date('2026-11-23T10:00:00Z');
let council: TestCouncil;
let permits: DatabasePermits;
let close: (() => Promise<void>) | undefined;
/**
 * Permits for 22 Mill Lane DF2 4QT, one per question about an existing permit, each booked from
 * its own number (an SMS conversation is its number's) and found on the web by reference.
 */
const PERMIT_PHONES = { status: '+447700900771', cancel: '+447700900772', change: '+447700900773' } as const;
const permitReference: Partial<Record<keyof typeof PERMIT_PHONES, string>> = {};

beforeAll(async () => {
  ({ council, permits, close } = await councilWithPermits(now));
  const property = demo.gazetteer.entries.find(
    (e) => e.property.shortLabel === '22 Mill Lane' && e.property.postcode === 'DF2 4QT',
  )?.property;
  if (!property) throw new Error('no 22 Mill Lane in the gazetteer');
  for (const [i, [use, phone]] of Object.entries(PERMIT_PHONES).entries()) {
    const issued = await permits.issue({
      propertyId: property.id,
      registration: 'AB12CDE',
      vehicleType: 'van',
      siteId: 'quarry-road',
      date: `2026-12-0${i + 1}`,
      window: 'morning',
      phone,
      channel: 'sms',
      idempotencyKey: `retry-policy-${use}`,
      declaredNoTradeWaste: true,
      now: london('2026-11-23T10:00'),
    });
    if (!issued.ok) throw new Error(`could not book the permit: ${issued.message}`);
    permitReference[use as keyof typeof PERMIT_PHONES] = issued.permit.reference;
  }
});
afterAll(async () => {
  await close?.();
});

type Channel = 'web' | 'sms';

interface Question {
  /** The job and the question, as the test is named. */
  name: string;
  /** What the resident says to be asked it; a function for what depends on the permit booked above. */
  reach: (channel: Channel) => string[];
  /** The question itself (its words or its choices), which "help" and a wrong answer must repeat. */
  asked: RegExp;
  channels?: Channel[];
  /** An SMS resident whose number matters (the permit's own). */
  phone?: string;
  /** A wrong answer to this question; "banana" unless it could be read as an answer. */
  wrong?: string;
}

const HIGH_STREET = '1 High Street DF1 1AA';
const MILL_LANE = '22 Mill Lane DF2 4QT';
const BOOKING = `van permit for AB12 CDE, ${MILL_LANE}, quarry road 1 december morning`;

const QUESTIONS: Question[] = [
  { name: 'address: the postcode', reach: () => ['when are my bins collected'], asked: /postcode/i },
  { name: 'address: which address', reach: () => ['when are my bins collected', 'DF2 4QT'], asked: /Mill Lane/ },
  { name: 'missed bin: which bin', reach: () => ['my bin wasnt emptied', HIGH_STREET], asked: /which bin/i },
  { name: 'tip booking: the vehicle', reach: () => ['I need a permit for the tip', MILL_LANE], asked: /van|vehicle/i },
  {
    name: 'tip booking: the trailer length',
    reach: () => [`trailer permit for ${MILL_LANE}`],
    asked: /how long/i,
    wrong: 'big enough',
  },
  {
    name: 'tip booking: the registration',
    reach: () => [`van permit for ${MILL_LANE}`],
    asked: /registration/i,
    wrong: 'the blue one',
  },
  { name: 'tip booking: which tip', reach: () => [`van permit for ${MILL_LANE}`, 'AB12 CDE'], asked: /which tip/i },
  {
    name: 'tip booking: the time',
    reach: () => [`van permit for ${MILL_LANE}`, 'AB12 CDE', 'quarry road'],
    asked: /8am/i,
  },
  { name: 'tip booking: household waste only', reach: () => [BOOKING], asked: /household waste/i },
  {
    name: 'tip booking: a mobile for the permit',
    reach: () => [BOOKING, 'yes'],
    asked: /mobile/i,
    channels: ['web'],
    wrong: 'dunno mate',
  },
  {
    name: 'tip booking: the summary',
    reach: (c) => (c === 'web' ? [BOOKING, 'yes', 'no thanks'] : [BOOKING, 'yes']),
    asked: /Tue\w* 1 Dec/,
  },
  {
    name: 'tip booking: the same vehicle again?',
    reach: (c) => [
      `van permit for AB12 CDE, 25 High Street DF1 1PH, quarry road ${c === 'web' ? '2' : '3'} december morning`,
      'yes',
      ...(c === 'web' ? ['no thanks'] : []),
      'yes',
      'i need another tip permit for friday',
    ],
    asked: /Is this for the van AB12 CDE again/,
  },
  { name: 'permit: the reference', reach: () => ['i want to cancel my tip permit'], asked: /reference/i },
  { name: 'permit: the postcode', reach: () => ['cancel my tip permit TP-123456'], asked: /postcode/i },
  {
    name: 'permit: what to do with it',
    reach: () => [`what is the status of my tip permit ${permitReference.status}`, 'DF2 4QT'],
    asked: /cancel it/i,
    channels: ['web'],
  },
  {
    name: 'permit: what to do with it',
    reach: () => ['what is the status of my tip permit'],
    asked: /cancel it/i,
    channels: ['sms'],
    phone: PERMIT_PHONES.status,
  },
  {
    name: 'permit: cancel it?',
    reach: () => [`cancel my tip permit ${permitReference.cancel}`, 'DF2 4QT'],
    asked: /Cancel permit/i,
    channels: ['web'],
  },
  {
    name: 'permit: cancel it?',
    reach: () => ['cancel my tip permit'],
    asked: /Cancel permit/i,
    channels: ['sms'],
    phone: PERMIT_PHONES.cancel,
  },
  {
    name: 'permit: another time',
    reach: () => [`change the day of my tip permit ${permitReference.change}`, 'DF2 4QT'],
    asked: /which time/i,
    channels: ['web'],
  },
  {
    name: 'permit: another time',
    reach: () => ['change the day of my tip permit'],
    asked: /which time/i,
    channels: ['sms'],
    phone: PERMIT_PHONES.change,
  },
  { name: 'council tax: the account check', reach: () => ['whats my council tax balance'], asked: /account number/i },
  {
    name: 'council tax: the property for a discount',
    reach: (c) => [
      'I live on my own, can I get a discount on my council tax',
      c === 'web' ? 'Apply for single person discount' : '1',
    ],
    asked: /property|address/i,
  },
];

async function residentFor(channel: Channel, phone?: string): Promise<Resident> {
  return channel === 'web' ? council.webResident() : council.smsResident(phone);
}

const PERSON_OFFERED = {
  web: /Say "person" to talk to someone[^]*call us on 01632 960000/,
  sms: /Text PERSON to reach someone, or call 01632 960000/,
};

describe.each(['web', 'sms'] as const)('every question, on %s', (channel) => {
  const questions = QUESTIONS.filter((q) => !q.channels || q.channels.includes(channel));

  it.each(questions.map((q) => [q.name, q] as const))(
    '%s: "help" asks it again, two wrong answers offer a person',
    async (_name, question) => {
      const resident = await residentFor(channel, question.phone);
      let replies: string[] = [];
      for (const text of question.reach(channel)) replies = await resident.say(text);
      const transcript = () => replies.join('\n');
      expect(transcript(), 'the question is asked').toMatch(question.asked);

      replies = await resident.say('help');
      expect(transcript(), '"help" gives the help').toMatch(/I can help/);
      expect(transcript(), '"help" asks the same question again').toMatch(question.asked);

      const wrong = question.wrong ?? 'banana';
      replies = await resident.say(wrong);
      expect(transcript(), 'the first wrong answer is explained').toMatch(/sorry|doesn't look like/i);
      expect(transcript(), 'the first wrong answer is not given up on').not.toMatch(PERSON_OFFERED[channel]);

      replies = await resident.say(wrong);
      expect(transcript(), 'the second wrong answer offers a person').toMatch(PERSON_OFFERED[channel]);
      expect(transcript(), 'and the question is not asked a third time').not.toMatch(question.asked);
    },
  );
});

describe('"menu" in the middle of a question', () => {
  it.each(['web', 'sms'] as const)(
    'shows the menu and keeps the question on %s; an answer carries on',
    async (channel) => {
      const resident = await residentFor(channel);
      await resident.say(`van permit for ${MILL_LANE}`);
      const menu = (await resident.say('menu')).join('\n');
      expect(menu, 'the menu').toMatch(channel === 'web' ? /\[Report a missed bin\]/ : /BINS, TIP or COUNCIL TAX/);
      expect(menu, 'and the question again').toMatch(/to carry on:[^]*registration/i);
      expect((await resident.say('AB12 CDE')).join('\n'), 'the answer is taken').toMatch(/which tip/i);
    },
  );

  it.each(['web', 'sms'] as const)('goes where the menu choice says on %s', async (channel) => {
    const resident = await residentFor(channel);
    await resident.say(`van permit for ${MILL_LANE}`);
    await resident.say('menu');
    const choice = channel === 'web' ? 'Council tax' : 'council tax';
    const replies = (await resident.say(choice)).join('\n');
    expect(replies).toMatch(/council tax/i);
    expect(replies).not.toMatch(/registration|sorry/i);
  });

  it.each(['web', 'sms'] as const)(
    '"start again" leaves the question on %s, and the next message is a new question',
    async (channel) => {
      const resident = await residentFor(channel);
      await resident.say(`van permit for ${MILL_LANE}`);
      expect((await resident.say('start again')).join('\n')).toMatch(/start(ing)? again/i);
      expect((await resident.say('is the tip open tomorrow')).join('\n')).toMatch(/Quarry Road/);
    },
  );
});
