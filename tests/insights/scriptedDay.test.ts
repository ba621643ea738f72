/**
 * A scripted day of conversations through the whole assistant, on the web and by SMS:
 * contained, handed over (asked for, not understood), abandoned, rated, "did this answer your
 * question?" answered both ways. The supervisor's figures (JSON and CSV) must add up exactly,
 * survive a restart, and be closed to agents and to anyone signed out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentClient,
  eventually,
  MONDAY_10AM,
  startHandoffCouncil,
  type HandoffCouncil,
  type TestClock,
} from '../handoff/harness.js';
import { testDatabase, type TestDatabase } from '../helpers/databases.js';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio.js';
import { TEST_TWILIO } from '../helpers/residents.js';
import type { InsightsReport } from '../../services/insights/report.js';

const SUPERVISOR_PASSWORD = 'supervisor password 123';
const ENV = {
  DEMO_SUPERVISOR_PASSWORD: SUPERVISOR_PASSWORD,
  SMS_SEGMENT_PRICE_GBP: '0.05',
  INSIGHTS_ABANDONED_AFTER_MINUTES: '30',
};
const DAY = '2026-11-23';
const NUMBERS = ['+447700900401', '+447700900402', '+447700900403'] as const;

let db: TestDatabase;
let fakeTwilio: FakeTwilio;
let council: HandoffCouncil;
let supervisor: AgentClient;
let agent: AgentClient;
const clock: TestClock = { now: MONDAY_10AM };
const minutes = (n: number) => n * 60_000;
const joined = (replies: string[]) => replies.join('\n');

interface Waiting {
  waiting: { id: string; channel: string }[];
}

async function acceptAndEnd(channel: 'web' | 'sms', waitMs: number): Promise<string> {
  const queue = await agent.json<Waiting>('/queue');
  const id = queue.waiting.find((w) => w.channel === channel)?.id;
  if (!id) throw new Error(`nobody waiting on ${channel}`);
  clock.now += waitMs;
  expect((await agent.post(`/handoffs/${id}/accept`)).status).toBe(200);
  expect((await agent.post(`/handoffs/${id}/end`, { outcome: 'resolved' })).status).toBe(200);
  return id;
}

async function report(client: AgentClient = supervisor): Promise<InsightsReport> {
  return client.json<InsightsReport>(`/insights?from=${DAY}&to=${DAY}`);
}

beforeAll(async () => {
  db = await testDatabase();
  fakeTwilio = await startFakeTwilio(TEST_TWILIO.accountSid, TEST_TWILIO.authToken);
  council = await startHandoffCouncil({ db, clock, fakeTwilio, env: ENV });
  await council.handoff.accounts.add('sam', 'correct horse battery', { displayName: 'Sam' });
  agent = new AgentClient(council.url);
  expect((await agent.signIn('sam', 'correct horse battery')).status).toBe(200);
  supervisor = new AgentClient(council.url);
  expect((await supervisor.signIn('demo-supervisor', SUPERVISOR_PASSWORD)).status).toBe(200);

  // 10:00 web: a bin day answered at once; yes, it answered the question.
  const w1 = await council.web();
  const binDay = joined(await w1.say('bin day for 1 High Street DF1 1AA'));
  expect(binDay).toMatch(/recycling/i);
  expect(binDay).toMatch(/Did this answer your question\?/);
  expect(joined(await w1.say('Yes'))).toMatch(/glad it helped/);

  // 10:02 web: asks for a person, accepted after 90 seconds, rates the chat 5.
  clock.now += minutes(2);
  const w2 = await council.web();
  expect(joined(await w2.say('can I speak to a person'))).toMatch(/in the queue/);
  await acceptAndEnd('web', 90_000);
  await eventually(async () => (await w2.botMessages()).some((m) => /How did we do/.test(m.text ?? '')));
  expect(joined(await w2.say('5'))).toMatch(/Thank you for your feedback/);

  // 10:05 web: says hello and goes away.
  clock.now += minutes(3);
  const w3 = await council.web();
  expect((await w3.say('hello')).length).toBeGreaterThan(0);
}, 240_000);

afterAll(async () => {
  await council?.stop();
  await fakeTwilio?.close();
  await db?.drop();
});

describe('a conversation still going', () => {
  it('is in progress, not abandoned, until the resident has been quiet for the set minutes', async () => {
    const early = await report();
    expect(early).toMatchObject({ conversations: 3, contained: 1, abandoned: 0, inProgress: 1 });
    expect(early.handedOver.total).toBe(1);
  });
});

describe('the scripted day', () => {
  beforeAll(async () => {
    // 10:10 web: not understood twice (personal details in both), so handed to a person; leaves the queue.
    clock.now += minutes(5);
    const w4 = await council.web();
    expect(joined(await w4.say('my name is Sarah Jones, my fridge is making a noise'))).toMatch(
      /sorry|didn't understand|not sure/i,
    );
    expect(joined(await w4.say('John Smith here 07700 900123 blargh frobnicate wibble'))).toMatch(
      /in the queue|person/i,
    );
    clock.now += 45_000;
    expect(joined(await w4.say('back'))).toMatch(/left the queue/);

    // 10:20 SMS: a bin day answered; no, it did not answer the question.
    clock.now += minutes(10);
    const s1 = council.sms(NUMBERS[0]);
    const smsAnswer = joined(await s1('bin day for 1 High Street DF1 1AA'));
    expect(smsAnswer).toMatch(/Reply YES or NO/);
    expect(joined(await s1('no'))).toMatch(/Thanks for telling us/);

    // 10:25 SMS: not understood once, then silence.
    clock.now += minutes(5);
    const s2 = council.sms(NUMBERS[1]);
    expect(joined(await s2('I want to register a dog licence for Rex, call me on 07700 900124'))).not.toMatch(
      /answer your question/,
    );

    // 10:30 SMS: asks for a person, accepted after 30 seconds, rates the chat 4.
    clock.now += minutes(5);
    const s3 = council.sms(NUMBERS[2]);
    expect(joined(await s3('can I speak to a person'))).toMatch(/in the queue/);
    await acceptAndEnd('sms', 30_000);
    await eventually(async () => fakeTwilio.sentTo(NUMBERS[2]).some((m) => /Reply 1 \(poor\) to 5/.test(m.body)));
    expect(joined(await s3('4'))).toMatch(/Thank you/);

    // An hour later: everyone who went quiet has been quiet long enough to count as abandoned.
    clock.now += minutes(60);
  }, 240_000);

  it('adds up exactly on the API', async () => {
    const texts = NUMBERS.reduce((n, number) => n + fakeTwilio.sentTo(number).length, 0);
    // Texts are sent by the outbox worker after each turn: wait until every one is counted.
    const figures = await eventually(async () => {
      const r = await report();
      return r.smsTexts === texts ? r : undefined;
    });
    const segments = await sentSegments();
    expect(figures).toMatchObject({
      from: DAY,
      to: DAY,
      conversations: 7,
      byChannel: { web: 4, sms: 3 },
      contained: 2,
      handedOver: { total: 3, byReason: { asked: 2, not_understood: 1, urgent: 0, job_needs_person: 0 } },
      abandoned: 2,
      inProgress: 0,
      notUnderstood: 3,
      ratings: { count: 2, mean: 4.5, byScore: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 1 } },
      answeredQuestion: { yes: 1, no: 1 },
      handoffs: {
        accepted: 2,
        meanSecondsToAccept: 60,
        waited: 3,
        left: 1,
        callbackOffered: 0,
        meanSecondsWaiting: 55,
      },
      smsTexts: texts,
      smsSegments: segments,
      smsCost: { segmentPrice: 0.05, total: Math.round(segments * 5) / 100, currency: 'GBP' },
    });
    expect(segments).toBeGreaterThanOrEqual(texts);
    expect(figures.jobsCompleted.bin_day_answered).toBe(2);
    expect(figures.topIntents).toEqual([
      { intent: 'agent.request', conversations: 2 },
      { intent: 'bins.next_collection', conversations: 2 },
      { intent: 'None', conversations: 2 },
      { intent: 'smalltalk.greeting', conversations: 1 },
    ]);
    expect(figures.days).toHaveLength(1);
    expect(figures.days[0]).toMatchObject({
      day: DAY,
      conversations: 7,
      byChannel: { web: 4, sms: 3 },
      contained: 2,
      handedOver: 3,
      abandoned: 2,
    });
  });

  it('gives the same figures in the CSV', async () => {
    const response = await supervisor.get(`/insights.csv?from=${DAY}&to=${DAY}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(
      /attachment; filename="insights-2026-11-23-to-2026-11-23.csv"/,
    );
    const lines = (await response.text()).split('\r\n');
    const header = (lines[0] ?? '').split(',');
    const row = (name: string) => {
      const cells = (lines.find((l) => l.startsWith(`${name},`)) ?? '').split(',');
      return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
    };
    const segments = await sentSegments();
    for (const name of [DAY, 'total']) {
      expect(row(name)).toMatchObject({
        conversations: '7',
        conversations_web: '4',
        conversations_sms: '3',
        contained: '2',
        handed_over: '3',
        abandoned: '2',
        in_progress: '0',
        ratings: '2',
        rating_mean: '4.50',
        sms_segments: String(segments),
        sms_cost_gbp: (segments * 0.05).toFixed(2),
      });
    }
    const measure = (name: string) => lines.find((l) => l.startsWith(`${name},`))?.split(',')[1];
    expect(measure('handed_over_asked')).toBe('2');
    expect(measure('handed_over_not_understood')).toBe('1');
    expect(measure('job_bin_day_answered')).toBe('2');
    expect(measure('answered_yes')).toBe('1');
    expect(measure('answered_no')).toBe('1');
    expect(measure('mean_seconds_to_accept')).toBe('60');
  });

  it('keeps what was not understood with the personal details masked', async () => {
    const inbox = await supervisor.json<{ entries: { text: string; channel: string; nextStep: string }[] }>(
      `/insights/inbox?from=${DAY}&to=${DAY}`,
    );
    expect(inbox.entries.map((e) => [e.channel, e.nextStep, e.text])).toEqual([
      ['sms', 'asked_again', 'I want to register a dog licence for Rex, call me on [phone]'],
      ['directline', 'handed_over', '[name] here [phone] blargh frobnicate wibble'],
      ['directline', 'asked_again', 'my name is [name], my fridge is making a noise'],
    ]);
  });

  it('survives a restart: the figures are in the database, not in memory', async () => {
    const before = await report();
    await council.stop();
    council = await startHandoffCouncil({ db, clock, fakeTwilio, env: ENV });
    supervisor = new AgentClient(council.url);
    expect((await supervisor.signIn('demo-supervisor', SUPERVISOR_PASSWORD)).status).toBe(200);
    expect(await report()).toEqual(before);
  });
});

describe('who may read the figures', () => {
  it('is supervisors only: 401 signed out, 403 for an agent', async () => {
    for (const path of [
      `/insights?from=${DAY}&to=${DAY}`,
      `/insights.csv?from=${DAY}&to=${DAY}`,
      `/insights/inbox?from=${DAY}&to=${DAY}`,
      '/insights/labels.txt',
    ]) {
      expect((await fetch(`${council.url}/agent/api${path}`)).status).toBe(401);
      const sam = new AgentClient(council.url);
      await sam.signIn('sam', 'correct horse battery');
      const response = await sam.get(path);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: 'Only supervisors can see the insights.' });
    }
  });

  it('answers bad dates with a clear 400', async () => {
    for (const [query, says] of [
      ['', /from is required/],
      ['?from=2026-11-23', /to is required/],
      ['?from=23/11/2026&to=2026-11-23', /YYYY-MM-DD/],
      ['?from=2026-02-30&to=2026-03-01', /not a real date/],
      ['?from=2026-11-24&to=2026-11-23', /from must be on or before to/],
      ['?from=2020-01-01&to=2026-11-23', /at most 366 days/],
    ] as const) {
      const response = await supervisor.get(`/insights${query}`);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(says);
    }
  });
});

/** What Twilio was asked to send, by the outbox's own count of segments. */
async function sentSegments(): Promise<number> {
  const rows = await council.database.db
    .selectFrom('sms_outbox')
    .select('segments')
    .where('state', '=', 'sent')
    .execute();
  return rows.reduce((n, r) => n + r.segments, 0);
}
