/**
 * kill -9 at random points, and at exact ones: every message a resident sent is answered
 * exactly once. Real processes (npm start's entry point); the resident's side does what Web
 * Chat and Twilio do after a lost request: Web Chat posts the same message again (same
 * clientActivityID), Twilio delivers the webhook again (same MessageSid). On SQLite the one
 * instance is started again; on PostgreSQL + Redis the other instance answers.
 *
 * Random kill points come from a seeded generator (KILL_SEED), so a failing trial can be run
 * again; KILL_TRIALS sets the trials per channel and setup (default 3, to keep CI's time sane; each
 * trial restarts a process). `KILL_TRIALS=20 npx vitest run tests/reliability` runs the full count.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Activity } from 'botbuilder';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { openDatabase, type Database } from '../../store/database.js';
import { alwaysOpenDataDir } from '../helpers/councilData.js';
import { postgresTestDatabase, sqliteTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openConversation, type RestConversation } from '../helpers/directLineRest.js';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio.js';
import { freePort, killHard, startAssistantProcess } from '../helpers/process.js';
import { TEST_TWILIO } from '../helpers/residents.js';
import { eventually } from '../handoff/harness.js';

/** These files pick their own engines; `npm run test:postgres` (the suite again on PostgreSQL) need not run them twice. */
const reliability = describe.skipIf(process.env.TEST_STORAGE === 'postgres');


const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
const TRIALS = Number(process.env.KILL_TRIALS ?? 3);
const SEED = Number(process.env.KILL_SEED ?? 20261202);
const SMS_PATH = '/api/sms/twilio';

/** mulberry32: a small seeded generator, so the same seed gives the same kill points. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Instance {
  proc: ChildProcess;
  url: string;
  port: number;
}

async function start(env: Record<string, string>, port?: number): Promise<Instance> {
  const chosen = port ?? (await freePort());
  return { proc: await startAssistantProcess(chosen, env), url: `http://127.0.0.1:${chosen}`, port: chosen };
}

function postActivity(base: string, conversation: RestConversation, text: string, clientActivityID: string): Promise<Response> {
  return fetch(`${base}/v3/directline/conversations/${conversation.conversationId}/activities`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${conversation.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'message', text, from: { id: 'resident' }, channelData: { clientActivityID } }),
  });
}

async function history(base: string, conversation: RestConversation): Promise<Partial<Activity>[]> {
  const response = await fetch(`${base}/v3/directline/conversations/${conversation.conversationId}/activities`, { headers: { Authorization: `Bearer ${conversation.token}` } });
  return ((await response.json()) as { activities: Partial<Activity>[] }).activities;
}

function smsParams(from: string, body: string, sid: string): Record<string, string> {
  return { MessageSid: sid, AccountSid: TEST_TWILIO.accountSid, From: from, To: TEST_TWILIO.councilNumber, Body: body, NumSegments: '1', NumMedia: '0' };
}

function postSms(base: string, params: Record<string, string>): Promise<Response> {
  const signature = twilio.getExpectedTwilioSignature(TEST_TWILIO.authToken, TEST_TWILIO.publicBaseUrl + SMS_PATH, params);
  return fetch(base + SMS_PATH, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

let sidCounter = 0;
const nextSid = () => `SM${(++sidCounter).toString(16).padStart(8, '0')}${'c'.repeat(24)}`;
let numberCounter = 300;
const nextNumber = () => `+447700900${String(++numberCounter).padStart(3, '0')}`;

/**
 * One setup under test: `target` is the instance to kill; `afterKill` gives the instance that
 * carries on (the same one started again, or the other one).
 */
interface Setup {
  target(): Instance;
  afterKill(): Promise<Instance>;
  store(): Database;
  fake(): FakeTwilio;
}

/** Web Chat: the resident's message is answered exactly once, whenever the kill came. */
async function webTrial(setup: Setup, killAfterMs: number, label: string): Promise<void> {
  const target = setup.target();
  const resident = await openConversation(target.url);
  const clientId = `${label}-web`;
  const sending = postActivity(target.url, resident, 'what day is my bin collected', clientId).then((r) => r.status, () => 'lost');
  await sleep(killAfterMs);
  await killHard(target.proc);
  await sending;
  const survivor = await setup.afterKill();
  // Web Chat posts it again: it never heard back, or (had it heard) it would not, and then this is a no-op.
  const retried = await postActivity(survivor.url, resident, 'what day is my bin collected', clientId);
  expect(retried.status, label).toBe(200);
  const { id } = (await retried.json()) as { id: string };
  const answers = await eventually(async () => {
    const all = await history(survivor.url, resident);
    const replies = all.filter((a) => a.replyToId === id && a.type === 'message');
    return replies.length > 0 && { all, replies };
  }, 30_000);
  // A moment for anything that would answer it a second time (a sweep) to do so.
  await sleep(2_500);
  const all = await history(survivor.url, resident);
  expect(all.filter((a) => (a.channelData as { clientActivityID?: string } | undefined)?.clientActivityID === clientId), label).toHaveLength(1);
  const replies = all.filter((a) => a.replyToId === id && a.type === 'message');
  expect(replies.map((r) => r.text), label).toEqual(answers.replies.map((r) => r.text));
  expect(replies.filter((r) => /postcode/i.test(r.text ?? '')), label).toHaveLength(1);
}

/** SMS: the text is answered exactly once (each queued text sent once), whenever the kill came. */
async function smsTrial(setup: Setup, killAfterMs: number, label: string): Promise<void> {
  const target = setup.target();
  const number = nextNumber();
  const params = smsParams(number, 'when is my bin day', nextSid());
  const sending = postSms(target.url, params).then((r) => r.status, () => 'lost');
  await sleep(killAfterMs);
  await killHard(target.proc);
  await sending;
  const survivor = await setup.afterKill();
  // Twilio delivers the webhook again (or, had it been answered, this is a duplicate).
  expect((await postSms(survivor.url, params)).status, label).toBe(200);
  const rows = () => setup.store().db.selectFrom('sms_outbox').select(['state']).where('message_sid', '=', params.MessageSid ?? '').execute();
  await eventually(async () => {
    const queued = await rows();
    return queued.length > 0 && queued.every((r) => r.state === 'sent') && setup.fake().sentTo(number).length >= queued.length;
  }, 30_000);
  await sleep(2_500);
  const inbox = await setup.store().db.selectFrom('sms_inbox').select(['state']).where('message_sid', '=', params.MessageSid ?? '').execute();
  expect(inbox.map((r) => r.state), label).toEqual(['answered']);
  const sent = setup.fake().sentTo(number).map((m) => m.body);
  expect(sent.length, label).toBe((await rows()).length);
  expect(sent.join('\n'), label).toMatch(/postcode/i);
}

function baseEnv(fake: FakeTwilio, dataDir: string): Record<string, string> {
  return {
    COUNCIL_DATA_DIR: dataDir,
    TWILIO_ACCOUNT_SID: TEST_TWILIO.accountSid,
    TWILIO_AUTH_TOKEN: TEST_TWILIO.authToken,
    TWILIO_PHONE_NUMBER: TEST_TWILIO.councilNumber,
    PUBLIC_BASE_URL: TEST_TWILIO.publicBaseUrl,
    TWILIO_API_BASE_URL: fake.url,
    SMS_RATE_LIMIT_PER_MINUTE: '600',
    // A dead instance's hold lasts 2 s, so trials do not wait out the 30 s default.
    INBOX_LEASE_SECONDS: '2',
  };
}

reliability('kill -9 on SQLite (one instance, started again)', () => {
  let database: TestDatabase;
  let store: Database;
  let fake: FakeTwilio;
  let dataDir = '';
  let env: Record<string, string> = {};
  let instance: Instance | undefined;
  const random = seeded(SEED);

  beforeAll(async () => {
    database = sqliteTestDatabase();
    fake = await startFakeTwilio(TEST_TWILIO.accountSid, TEST_TWILIO.authToken);
    dataDir = alwaysOpenDataDir();
    env = { ...baseEnv(fake, dataDir), STORAGE_URL: database.url };
    instance = await start(env);
    store = await openDatabase(database.url);
  }, 60_000);
  afterAll(async () => {
    await killHard(instance?.proc);
    await store?.close();
    await fake?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const setup: Setup = {
    target: () => {
      if (!instance) throw new Error('no instance');
      return instance;
    },
    afterKill: async () => (instance = await start(env, instance?.port)),
    store: () => store,
    fake: () => fake,
  };

  it(`Web Chat: ${TRIALS} kills at random points, each message answered exactly once`, async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) await webTrial(setup, Math.floor(random() * 400), `sqlite web trial ${trial}`);
  }, TRIALS * 40_000);

  it(`SMS: ${TRIALS} kills at random points, each text answered exactly once`, async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) await smsTrial(setup, Math.floor(random() * 400), `sqlite sms trial ${trial}`);
  }, TRIALS * 40_000);
});

reliability('kill -9 on PostgreSQL + Redis (two instances, the other carries on)', () => {
  let database: TestDatabase;
  let store: Database;
  let fake: FakeTwilio;
  let dataDir = '';
  let env: Record<string, string> = {};
  let a: Instance | undefined;
  let b: Instance | undefined;
  const random = seeded(SEED + 1);

  beforeAll(async () => {
    database = await postgresTestDatabase();
    fake = await startFakeTwilio(TEST_TWILIO.accountSid, TEST_TWILIO.authToken);
    dataDir = alwaysOpenDataDir();
    env = { ...baseEnv(fake, dataDir), STORAGE_URL: database.url, REDIS_URL };
    b = await start(env);
    a = await start(env);
    store = await openDatabase(database.url);
  }, 90_000);
  afterAll(async () => {
    await killHard(a?.proc);
    await killHard(b?.proc);
    await store?.close();
    await fake?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** A is killed; B answers; A is started again for the next trial. */
  const setup: Setup = {
    target: () => {
      if (!a) throw new Error('no instance A');
      return a;
    },
    afterKill: async () => {
      if (!b) throw new Error('no instance B');
      return b;
    },
    store: () => store,
    fake: () => fake,
  };
  const restartA = async () => {
    a = await start(env);
  };

  it(`Web Chat and SMS: ${TRIALS} kills each at random points, each message answered exactly once`, async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      await webTrial(setup, Math.floor(random() * 400), `postgres web trial ${trial}`);
      await restartA();
      await smsTrial(setup, Math.floor(random() * 400), `postgres sms trial ${trial}`);
      await restartA();
    }
  }, TRIALS * 90_000);

  /** Holds the first row inserted into `table` matching `like` (a statement the instance is making) for 30 s. */
  async function stallInsert(table: string, column: string, like: string): Promise<() => Promise<void>> {
    await sql`CREATE OR REPLACE FUNCTION stall_for_kill() RETURNS trigger LANGUAGE plpgsql AS ${sql.raw(`$$
      BEGIN
        IF NEW.${column}::text LIKE '${like}' THEN PERFORM pg_sleep(30); RAISE EXCEPTION 'held back by the test'; END IF;
        RETURN NEW;
      END $$`)}`.execute(store.db);
    await sql`CREATE TRIGGER stall_for_kill BEFORE INSERT ON ${sql.table(table)} FOR EACH ROW EXECUTE FUNCTION stall_for_kill()`.execute(store.db);
    return async () => {
      await sql`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'`.execute(store.db);
      await sql`DROP TRIGGER stall_for_kill ON ${sql.table(table)}`.execute(store.db);
    };
  }

  it('SMS killed after the claim, mid-turn (its replies not yet queued): the retry on B answers it once', async () => {
    const release = await stallInsert('sms_outbox', 'body', '%postcode%');
    const number = nextNumber();
    const params = smsParams(number, 'when is my bin day', nextSid());
    const sending = postSms(setup.target().url, params).then((r) => r.status, () => 'lost');
    await eventually(async () => (await store.db.selectFrom('sms_inbox').select('state').where('message_sid', '=', params.MessageSid ?? '').executeTakeFirst())?.state === 'processing', 20_000);
    await sleep(500);
    await killHard(setup.target().proc);
    expect(await sending).toBe('lost');
    await release();
    expect((await postSms((await setup.afterKill()).url, params)).status).toBe(200);
    await eventually(async () => fake.sentTo(number).length > 0, 30_000);
    await sleep(2_500);
    expect(fake.sentTo(number)).toHaveLength((await store.db.selectFrom('sms_outbox').select('id').where('message_sid', '=', params.MessageSid ?? '').execute()).length);
    expect(fake.sentTo(number).map((m) => m.body).join('\n')).toMatch(/postcode/i);
    await restartA();
  }, 90_000);

  it('Web Chat killed after the message was stored, before its reply: B answers it once, without a retry', async () => {
    const release = await stallInsert('directline_activities', 'activity', '%postcode%');
    const resident = await openConversation(setup.target().url);
    const sending = postActivity(setup.target().url, resident, 'what day is my bin collected', 'stored-then-killed').then((r) => r.status, () => 'lost');
    await eventually(async () => (await store.db.selectFrom('directline_inbox').select('state').where('client_activity_id', '=', 'stored-then-killed').executeTakeFirst())?.state === 'processing', 20_000);
    await sleep(500);
    await killHard(setup.target().proc);
    expect(await sending).toBe('lost');
    await release();
    // No retry: the echo is in the history, so Web Chat shows it as sent. B's sweep answers it.
    const b = await setup.afterKill();
    const stored = (await history(b.url, resident)).find((a) => (a.channelData as { clientActivityID?: string } | undefined)?.clientActivityID === 'stored-then-killed');
    expect(stored).toBeDefined();
    const replies = await eventually(async () => {
      const found = (await history(b.url, resident)).filter((a) => a.replyToId === stored?.id && a.type === 'message');
      return found.length > 0 && found;
    }, 30_000);
    await sleep(2_500);
    expect((await history(b.url, resident)).filter((a) => a.replyToId === stored?.id && a.type === 'message')).toHaveLength(replies.length);
    expect(replies.map((r) => r.text).join('\n')).toMatch(/postcode/i);
  }, 90_000);
});
