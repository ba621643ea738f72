/**
 * Nothing a resident texts is lost: every inbound text is in the inbox before its turn runs and
 * answered in the same transaction as its replies and the conversation's state; replies wait in
 * the outbox until Twilio takes them, through outages and restarts. A crashed instance is played
 * here by what it leaves in the database (a text under a lease nobody renews); the real kill -9
 * runs are in tests/reliability.
 */
import { ConversationState, TurnContext, type ConversationReference } from 'botbuilder';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_OUTBOX_SCHEDULE, scheduleWaits } from '../../adapters/twilio/outboxWorker.js';
import { conversationIdFor, toE164 } from '../../adapters/twilio/phone.js';
import { MAX_INBOUND_ATTEMPTS } from '../../adapters/twilio/smsInbox.js';
import { SmsStore } from '../../adapters/twilio/smsStore.js';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  COUNCIL_NUMBER,
  inboundParams,
  messageSid,
  residentNumber,
  sign,
  startHarness,
  testLogic,
  type Harness,
} from './harness.js';
import { scaled } from '../helpers/timeScale.js';

const PATH = '/api/sms/twilio';

/** Counts the resident's messages in conversation state: a turn run twice would count twice. */
function countingLogic(harness: () => Harness) {
  return async (context: TurnContext) => {
    if (context.activity.type !== 'message') return;
    const state = new ConversationState(harness().storage);
    const count = state.createProperty<number>('count');
    const n = (await count.get(context, 0)) + 1;
    await count.set(context, n);
    await state.saveChanges(context);
    await context.sendActivity(`Message number ${n}: ${context.activity.text}`);
  };
}

/** What a dead instance leaves behind: a text it took and never answered, its lease run out. */
async function leftByDeadInstance(
  h: Harness,
  from: string,
  body: string,
  leaseUntil = Date.now() - 1,
  attempts = 1,
): Promise<string> {
  const sid = messageSid();
  const conversationId = conversationIdFor(toE164(from) ?? '', await new SmsStore(h.database.db).conversationIdKey());
  await h.database.db
    .insertInto('sms_inbox')
    .values({
      message_sid: sid,
      conversation_id: conversationId,
      params: JSON.stringify(inboundParams(from, body, { MessageSid: sid })),
      state: 'processing',
      lease_owner: 'dead-instance',
      lease_until: leaseUntil,
      attempts,
      received_at: Date.now() - 5_000,
      answered_at: null,
    })
    .execute();
  return sid;
}

const inboxState = async (h: Harness, sid: string) =>
  (await h.database.db.selectFrom('sms_inbox').select('state').where('message_sid', '=', sid).executeTakeFirst())
    ?.state;

describe('SMS inbox: every text answered once', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const harness = () => {
    if (!h) throw new Error('no harness');
    return h;
  };

  it("Twilio's retry of a text whose instance died mid-turn is answered, not taken as a duplicate", async () => {
    h = await startHarness({ logic: countingLogic(harness), adapter: { sweepEveryMs: 3_600_000 } });
    const resident = residentNumber(60);
    const sid = await leftByDeadInstance(h, resident, 'when is my bin day');
    const params = inboundParams(resident, 'when is my bin day', { MessageSid: sid });
    expect((await h.post(PATH, params, sign(PATH, params))).status).toBe(200);
    expect(h.fake.sentTo(resident).map((m) => m.body)).toEqual(['Message number 1: when is my bin day']);
    expect(await inboxState(h, sid)).toBe('answered');
    // And a further retry of the same text is now a duplicate: one answer only.
    expect((await h.post(PATH, params, sign(PATH, params))).status).toBe(200);
    expect(h.fake.sentTo(resident)).toHaveLength(1);
  });

  it('a retry while the first delivery is still being answered waits for it, then is a duplicate', async () => {
    h = await startHarness({ delayMs: 300, adapter: { sweepEveryMs: 3_600_000 } });
    const resident = residentNumber(61);
    const params = inboundParams(resident, 'hello', { MessageSid: messageSid() });
    const [first, retry] = await Promise.all([
      h.post(PATH, params, sign(PATH, params)),
      h.post(PATH, params, sign(PATH, params)),
    ]);
    expect([first.status, retry.status]).toEqual([200, 200]);
    await h.adapter.outboxIdle();
    expect(h.fake.sentTo(resident).map((m) => m.body)).toEqual(['Hello from Demoford Council.\nYou said: hello']);
    expect(h.seen.filter((s) => s.type === 'message')).toHaveLength(1);
  });

  it('holding the number’s turn lock, a text left under a lease that has not run out is a dead instance’s and is taken over', async () => {
    h = await startHarness({ logic: countingLogic(harness), adapter: { sweepEveryMs: 3_600_000 } });
    const resident = residentNumber(66);
    const sid = await leftByDeadInstance(h, resident, 'hello', Date.now() + 60_000);
    const params = inboundParams(resident, 'hello', { MessageSid: sid });
    expect((await h.post(PATH, params, sign(PATH, params))).status).toBe(200);
    expect(h.fake.sentTo(resident).map((m) => m.body)).toEqual(['Message number 1: hello']);
    expect(await inboxState(h, sid)).toBe('answered');
  });

  it('the sweep answers a dead instance’s text nobody retried, once, at start-up on a single instance', async () => {
    h = await startHarness({
      logic: countingLogic(harness),
      adapter: { sweepEveryMs: 3_600_000, singleInstance: true },
    });
    const resident = residentNumber(62);
    // Under a lease that has not run out: on a single instance it can only be its own from before the restart.
    const sid = await leftByDeadInstance(h, resident, 'van permit', Date.now() + 60_000);
    await h.restart();
    await h.fake.waitForSent(1);
    await h.adapter.outboxIdle();
    expect(h.fake.sentTo(resident).map((m) => m.body)).toEqual(['Message number 1: van permit']);
    expect(await inboxState(h, sid)).toBe('answered');
    await h.restart();
    await h.adapter.outboxIdle();
    expect(h.fake.sentTo(resident)).toHaveLength(1);
  });

  it('a text that failed every attempt gets an apology asking the resident to text again, and is counted', async () => {
    let givenUp = 0;
    h = await startHarness({
      logic: countingLogic(harness),
      adapter: {
        sweepEveryMs: 3_600_000,
        singleInstance: true,
        givenUpText: 'Sorry, we could not process your last text. Please send it again, or call 01632 960000.',
        metrics: {
          textSent: () => undefined,
          textFailed: () => undefined,
          webhook: () => undefined,
          givenUp: () => (givenUp += 1),
        },
      },
    });
    const resident = residentNumber(63);
    // Every instance that took it died (or its turn kept failing): this is the last try.
    const sid = await leftByDeadInstance(h, resident, 'van permit', Date.now() + 60_000, MAX_INBOUND_ATTEMPTS);
    await h.restart();
    await h.fake.waitForSent(1);
    await h.adapter.outboxIdle();
    expect(h.fake.sentTo(resident).map((m) => m.body)).toEqual([
      'Sorry, we could not process your last text. Please send it again, or call 01632 960000.',
    ]);
    expect(await inboxState(h, sid)).toBe('failed');
    expect(givenUp).toBe(1);
    // Texted again, as asked, it is answered (the turn that kept failing never counted).
    expect((await h.sms(resident, 'van permit')).status).toBe(200);
    await h.adapter.outboxIdle();
    expect(
      h.fake
        .sentTo(resident)
        .map((m) => m.body)
        .at(-1),
    ).toBe('Message number 1: van permit');
  });

  it('the periodic sweep takes over a text once its lease has run out (several instances)', async () => {
    h = await startHarness({ logic: countingLogic(harness), adapter: { sweepEveryMs: 50 } });
    const resident = residentNumber(63);
    // A lease long enough to outlast this test's own steps on a busy machine.
    const leaseMs = scaled(2_000);
    const sid = await leftByDeadInstance(h, resident, 'council tax band', Date.now() + leaseMs);
    await new Promise((r) => setTimeout(r, 150));
    expect(h.fake.sentTo(resident)).toEqual([]);
    await h.fake.waitForSent(1, 20_000);
    expect(h.fake.sentTo(resident).map((m) => m.body)).toEqual(['Message number 1: council tax band']);
    await expect.poll(() => inboxState(harness(), sid)).toBe('answered');
  });

  it('a text a dead instance left unanswered is answered before the same number’s next text', async () => {
    h = await startHarness({ logic: countingLogic(harness), adapter: { sweepEveryMs: 3_600_000 } });
    const resident = residentNumber(64);
    await leftByDeadInstance(h, resident, 'first');
    await h.sms(resident, 'second');
    expect(h.fake.sentTo(resident).map((m) => m.body)).toEqual(['Message number 1: first', 'Message number 2: second']);
  });

  it('state, replies and "answered" commit together: a failure at the end runs the text again from the same state', async () => {
    h = await startHarness({ logic: countingLogic(harness) });
    const resident = residentNumber(65);
    await h.sms(resident, 'one');
    // The outbox refuses the next turn's replies, after the turn saved its state.
    const postgres = h.database.dialect === 'postgres';
    if (postgres) {
      await sql`CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'held back by the test'; END $$`.execute(
        h.database.db,
      );
      await sql`CREATE TRIGGER refuse_outbox BEFORE INSERT ON sms_outbox FOR EACH ROW EXECUTE FUNCTION refuse_outbox()`.execute(
        h.database.db,
      );
    } else {
      await sql`CREATE TRIGGER refuse_outbox BEFORE INSERT ON sms_outbox BEGIN SELECT RAISE(ABORT, 'held back by the test'); END`.execute(
        h.database.db,
      );
    }
    const params = inboundParams(resident, 'two', { MessageSid: messageSid() });
    expect((await h.post(PATH, params, sign(PATH, params))).status).toBe(500);
    await sql`DROP TRIGGER refuse_outbox${sql.raw(postgres ? ' ON sms_outbox' : '')}`.execute(h.database.db);
    // Twilio retries: the text runs again against the state before it, so it is message 2, not 3.
    expect((await h.post(PATH, params, sign(PATH, params))).status).toBe(200);
    expect(h.fake.sentTo(resident).map((m) => m.body)).toEqual(['Message number 1: one', 'Message number 2: two']);
  });
});

describe('SMS outbox: replies survive Twilio outages and restarts', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('the default schedule rides out a 2-minute outage with retries to spare, and gives up within minutes', () => {
    const { shortest, longest } = scheduleWaits(DEFAULT_OUTBOX_SCHEDULE);
    const total = (waits: number[]) => waits.reduce((a, b) => a + b, 0);
    // Waits double from 1 s and are capped at a minute.
    expect(shortest.slice(0, 7)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000]);
    expect(Math.max(...longest)).toBe(60_000);
    // Even the shortest draw keeps trying for over 5 minutes...
    expect(total(shortest)).toBeGreaterThan(5 * 60_000);
    // ...and covers 2 minutes before its last three retries.
    expect(total(shortest.slice(0, -3))).toBeGreaterThanOrEqual(2 * 60_000);
    // A resident is handed to a person within minutes, not hours.
    expect(total(longest)).toBeLessThan(7 * 60_000);
  });

  // The default schedule compressed 60 times (minutes become seconds), with an outage of 2 minutes
  // compressed the same way: the shape under test is the real one, only the clock is faster.
  const COMPRESSED = {
    ...DEFAULT_OUTBOX_SCHEDULE,
    minTimeoutMs: DEFAULT_OUTBOX_SCHEDULE.minTimeoutMs / 60,
    maxTimeoutMs: DEFAULT_OUTBOX_SCHEDULE.maxTimeoutMs / 60,
  };

  it('a Twilio outage of 2 minutes (compressed) loses no reply; each number gets its texts in order', async () => {
    h = await startHarness({ adapter: { outboxSchedule: COMPRESSED, webhookWaitMs: 200 } });
    // Down while the texts arrive (however long a loaded machine takes over that)...
    h.fake.failFor(60_000, 503);
    const residents = [residentNumber(70), residentNumber(71), residentNumber(72)];
    await Promise.all(
      residents.map(async (resident) => {
        // Twilio is answered promptly even though nothing can be sent.
        expect((await h?.sms(resident, 'first'))?.status).toBe(200);
        expect((await h?.sms(resident, 'second'))?.status).toBe(200);
      }),
    );
    // Twilio is answered after webhookWaitMs even when a loaded machine is still running the turn.
    await expect.poll(async () => (await h?.adapter.outboxCounts())?.queued, { timeout: 20_000 }).toBe(6);
    expect(h.fake.sent).toHaveLength(0);
    // ...and for 2 (compressed) minutes after the last one was queued.
    h.fake.failFor(120_000 / 60, 503);
    await h.fake.waitForSent(6, 30_000);
    await h.adapter.outboxIdle();
    for (const resident of residents) {
      expect(h.fake.sentTo(resident).map((m) => m.body)).toEqual([
        'Hello from Demoford Council.\nYou said: first',
        'You said: second',
      ]);
    }
    expect(await h.adapter.outboxCounts()).toEqual({ queued: 0, sent: 6, failed: 0 });
    expect(h.fake.requests.filter((r) => r.status === 503).length).toBeGreaterThan(3);
  });

  it("an agent's reply during a Twilio outage of 2 minutes (compressed) waits in the outbox, after the resident's earlier reply, and is sent once", async () => {
    const references: Partial<ConversationReference>[] = [];
    const seen: Harness['seen'] = [];
    const echo = testLogic(seen);
    h = await startHarness({
      adapter: { outboxSchedule: COMPRESSED, webhookWaitMs: 200 },
      logic: async (context) => {
        references.push(TurnContext.getConversationReference(context.activity));
        await echo(context);
      },
    });
    const resident = residentNumber(74);
    expect((await h.sms(resident, 'can I talk to someone')).status).toBe(200);
    await h.fake.waitForSent(1);
    h.fake.failFor(120_000 / 60, 503);
    expect((await h.sms(resident, 'hello?')).status).toBe(200);
    // The agent's console is answered at once: the reply is queued, not refused and not lost.
    await h.adapter.continueConversation(references[0] ?? {}, async (context) => {
      await context.sendActivity('Hi, this is Sam from the council. How can I help?');
    });
    expect(h.fake.sentTo(resident)).toHaveLength(1);
    expect((await h.adapter.outboxCounts()).queued).toBe(2);
    await h.fake.waitForSent(3, 30_000);
    await h.adapter.outboxIdle();
    expect(
      h.fake
        .sentTo(resident)
        .map((m) => m.body)
        .slice(1),
    ).toEqual(['You said: hello?', 'Hi, this is Sam from the council. How can I help?']);
    expect(await h.adapter.outboxCounts()).toEqual({ queued: 0, sent: 3, failed: 0 });
    expect(h.fake.requests.filter((r) => r.status === 503).length).toBeGreaterThan(3);
  });

  it('a text its instance was sending when it died is sent again only if Twilio did not take it', async () => {
    h = await startHarness({ adapter: { outboxSchedule: COMPRESSED, webhookWaitMs: 200 } });
    const resident = residentNumber(75);
    expect((await h.sms(resident, 'hello')).status).toBe(200);
    await h.fake.waitForSent(1);
    const conversationId = conversationIdFor(
      toE164(resident) ?? '',
      await new SmsStore(h.database.db).conversationIdKey(),
    );
    // Two texts a dead instance was sending (its lease run out): Twilio got the first request, not the second.
    const startedAt = Date.now() - 3_000;
    const taken = 'Your bin is collected on Tuesdays.';
    const basic = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
    const accepted = await fetch(`${h.fake.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: resident, From: COUNCIL_NUMBER, Body: taken }).toString(),
    });
    expect(accepted.status).toBe(201);
    for (const body of [taken, 'Anything else?']) {
      await h.database.db
        .insertInto('sms_outbox')
        .values({
          conversation_id: conversationId,
          message_sid: null,
          kind: 'reply',
          body,
          segments: 1,
          encoding: 'GSM-7',
          state: 'queued',
          attempts: 0,
          lease_owner: 'dead-instance',
          lease_until: Date.now() - 1,
          sid: null,
          last_status: null,
          last_code: null,
          attempt_started_at: startedAt,
          created_at: startedAt,
          updated_at: startedAt,
        })
        .execute();
    }
    await h.adapter.outboxIdle();
    expect(
      h.fake
        .sentTo(resident)
        .map((m) => m.body)
        .slice(1),
    ).toEqual([taken, 'Anything else?']);
    expect(await h.adapter.outboxCounts()).toEqual({ queued: 0, sent: 3, failed: 0 });
    expect(h.logLines.join('\n')).toContain('Twilio already had this text');
  });

  it('a reply queued during an outage is sent after a restart, once', async () => {
    h = await startHarness({ adapter: { outboxSchedule: COMPRESSED, webhookWaitMs: 200 } });
    h.fake.failFor(60_000, 503);
    const resident = residentNumber(73);
    expect((await h.sms(resident, 'hello')).status).toBe(200);
    await h.restart();
    expect(h.fake.sent).toHaveLength(0);
    h.fake.failFor(0, 503);
    await h.adapter.outboxIdle();
    expect(h.fake.sentTo(resident).map((m) => m.body)).toEqual(['Hello from Demoford Council.\nYou said: hello']);
    expect(await h.adapter.outboxCounts()).toEqual({ queued: 0, sent: 1, failed: 0 });
  });
});
