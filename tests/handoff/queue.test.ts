/**
 * The queue's guarantees: one winner when agents accept at once (on SQLite and PostgreSQL),
 * nothing lost across a restart, urgent first, and the accept timer offering a callback.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINES, testDatabase } from '../helpers/databases.js';
import { startFakeTwilio } from '../helpers/fakeTwilio.js';
import { TEST_TWILIO } from '../helpers/residents.js';
import { openConversation } from '../helpers/directLineRest.js';
import {
  AgentClient,
  MONDAY_10AM,
  MONDAY_7PM,
  eventually,
  startHandoffCouncil,
  type HandoffCouncil,
} from './harness.js';

interface QueueView {
  waiting: {
    id: string;
    channel: string;
    topic: string;
    topicLabel: string;
    priority: string;
    position: number;
    callbackOffered: boolean;
  }[];
}

const running: HandoffCouncil[] = [];
afterAll(async () => {
  for (const council of running) await council.stop().catch(() => undefined);
});

async function signedIn(council: HandoffCouncil, username: string): Promise<AgentClient> {
  await council.handoff.accounts.add(username, `${username}-password-123`, { displayName: username });
  const client = new AgentClient(council.url);
  expect((await client.signIn(username, `${username}-password-123`)).status).toBe(200);
  return client;
}

describe.each(ENGINES)('accepting on $name', ({ create }) => {
  it('gives a conversation to exactly one of two agents accepting at once', async () => {
    const db = await create();
    const council = await startHandoffCouncil({ db });
    running.push(council);
    const [ana, ben] = await Promise.all([signedIn(council, 'ana'), signedIn(council, 'ben')]);
    for (let round = 0; round < 5; round += 1) {
      const resident = await council.web();
      await resident.say('can I speak to a person');
      const id = (await ana.json<QueueView>('/queue')).waiting[0]?.id ?? '';
      const answers = await Promise.all([ana.post(`/handoffs/${id}/accept`), ben.post(`/handoffs/${id}/accept`)]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
      const request = await council.handoff.service.queue.get(id);
      expect(request?.status).toBe('assigned');
      // Only one "has joined" for the resident.
      await eventually(async () => (await resident.botMessages()).some((m) => /has joined/.test(m.text ?? '')));
      expect((await resident.botMessages()).filter((m) => /has joined/.test(m.text ?? ''))).toHaveLength(1);
    }
    await council.stop();
    running.splice(running.indexOf(council), 1);
    await council.fakeTwilio.close();
    await db.drop();
  }, 60_000);
});

describe('a restart', () => {
  it('keeps three queued residents, in order, and their messages', async () => {
    const db = await testDatabase();
    const fakeTwilio = await startFakeTwilio(TEST_TWILIO.accountSid, TEST_TWILIO.authToken);
    const clock = { now: MONDAY_10AM };
    const first = await startHandoffCouncil({ db, fakeTwilio, clock });
    running.push(first);
    const web1 = await first.web();
    await web1.say('can I speak to a person');
    clock.now += 1000;
    await first.sms('+447700900501')('talk to a human please');
    clock.now += 1000;
    const web2 = await first.web();
    await web2.say('I want to talk to someone');
    await web2.say('it is about a parking permit');
    const before = (await (await signedIn(first, 'cat')).json<QueueView>('/queue')).waiting;
    expect(before).toHaveLength(3);
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await startHandoffCouncil({ db, fakeTwilio, clock });
    running.push(second);
    const cat = new AgentClient(second.url);
    expect((await cat.signIn('cat', 'cat-password-123')).status).toBe(200);
    const after = (await cat.json<QueueView>('/queue')).waiting;
    expect(after.map((w) => [w.id, w.channel, w.position])).toEqual(before.map((w, i) => [w.id, w.channel, i + 1]));
    expect(after.map((w) => w.channel)).toEqual(['web', 'sms', 'web']);
    const third = await cat.json<{ messages: { text: string }[] }>(`/handoffs/${after[2]?.id}`);
    expect(third.messages.map((m) => m.text)).toContain('it is about a parking permit');

    // And the resident is still in the queue after the restart: their next message is kept too.
    const resumed = await openConversation(second.url, { conversationId: web2.conversationId, token: web2.token });
    expect((await resumed.say('are you still there?')).join('\n')).toMatch(/number 3 in the queue/);
    await second.stop();
    running.splice(running.indexOf(second), 1);
    await fakeTwilio.close();
    await db.drop();
  }, 60_000);
});

describe('priority, hours and timers', () => {
  it('puts an urgent resident first, whatever they were doing', async () => {
    const council = await startHandoffCouncil();
    running.push(council);
    const agent = await signedIn(council, 'dee');
    const first = await council.web();
    await first.say('can I speak to a person');
    const urgent = await council.web();
    const reply = await urgent.say("I'm going to be homeless tonight");
    expect(reply.join('\n')).toMatch(/number 1 in the queue/);
    // The council's 24-hour homelessness line comes first, before the queue.
    expect(reply[0]).toMatch(/01632 960999/);
    const queue = (await agent.json<QueueView>('/queue')).waiting;
    expect(queue.map((w) => [w.priority, w.topic, w.topicLabel])).toEqual([
      ['urgent', 'homeless', 'Homeless tonight'],
      ['normal', 'agent.request', 'Asked to speak to a person'],
    ]);
    expect(queue.map((w) => w.position)).toEqual([1, 2]);
  });

  it("hands over when the resident says that didn't help", async () => {
    const council = await startHandoffCouncil();
    running.push(council);
    const resident = await council.web();
    expect((await resident.say("that didn't help")).join('\n')).toMatch(/number 1 in the queue/);
    expect((await council.handoff.service.queue.waiting())[0]).toMatchObject({
      reason: 'not_helped',
      priority: 'normal',
    });
  });

  it('offers a callback with an HC- reference when the contact centre is closed', async () => {
    const council = await startHandoffCouncil({ clock: { now: MONDAY_7PM } });
    running.push(council);
    const resident = await council.web();
    expect((await resident.say('can I speak to a person')).join('\n')).toMatch(
      /closed just now \(Monday to Friday, 9am to 5pm\)/,
    );
    expect((await resident.say('yes')).join('\n')).toMatch(/what would you like us to contact you about/i);
    expect((await resident.say('a refund on my council tax')).join('\n')).toMatch(/which property/i);
    expect((await resident.say('1 High Street DF1 1AA')).join('\n')).toMatch(/phone number or email/);
    const booked = (await resident.say('01632 960123')).join('\n');
    const reference = /HC-\d{6}/.exec(booked)?.[0];
    expect(reference).toBeDefined();
    expect(booked).toMatch(/call you on 01632 960123/);
    const row = await council.database.db
      .selectFrom('cases')
      .selectAll()
      .where('reference', '=', reference ?? '')
      .executeTakeFirst();
    expect(row).toMatchObject({ kind: 'callback', contact: '+441632960123', status: 'open', property_id: '10001001' });
    expect(await council.handoff.service.queue.waiting()).toEqual([]);
  });

  it('offers a callback when nobody accepts in time; an SMS resident is texted back on their number', async () => {
    const clock = { now: MONDAY_10AM };
    const council = await startHandoffCouncil({ clock });
    running.push(council);
    const number = '+447700900777';
    const text = council.sms(number);
    await text('can I speak to a person');
    clock.now += 9 * 60_000;
    expect(await council.handoff.service.sweep()).toBe(0);
    clock.now += 2 * 60_000;
    expect(await council.handoff.service.sweep()).toBe(1);
    // A second sweep (or another instance's) does not tell them twice.
    expect(await council.handoff.service.sweep()).toBe(0);
    await eventually(async () => council.fakeTwilio.sentTo(number).some((m) => /nobody is free yet/.test(m.body)));
    expect((await text('yes')).join('\n')).toMatch(/what would you like us to contact you about/i);
    expect((await text('changing the date of my tip permit')).join('\n')).toMatch(/which address/i);
    const booked = (await text('22 Mill Lane DF2 4QT')).join('\n');
    expect(booked).toMatch(/HC-\d{6}/);
    expect(booked).toMatch(/text you on this number/);
    const request = (
      await council.handoff.service.queue.history(
        (await council.database.db.selectFrom('handoff_requests').select('conversation_id').executeTakeFirstOrThrow())
          .conversation_id,
      )
    )[0];
    expect(request).toMatchObject({ status: 'callback', outcome: 'callback_arranged' });
    expect(request?.caseReference).toMatch(/^HC-\d{6}$/);
  });
});
