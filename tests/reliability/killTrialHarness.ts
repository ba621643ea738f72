/**
 * The kill -9 trials' side of things (killTrialsSqlite.test.ts, killTrialsPostgres.test.ts):
 * kill -9 at random points, and at exact ones, and every message a resident sent is answered
 * exactly once. Real processes (npm start's entry point); the resident's side does what Web
 * Chat and Twilio do after a lost request: Web Chat posts the same message again (same
 * clientActivityID), Twilio delivers the webhook again (same MessageSid). On SQLite the one
 * instance is started again; on PostgreSQL + Redis the other instance answers while the killed
 * one starts again.
 *
 * Each random trial sends a Web Chat message and a text to the instance at once, each at its
 * own random moment, and kills it at a random point after both left, so one kill is a trial for
 * both channels. KILL_TRIALS (default 20) kills per setup; the points come from a seeded
 * generator (KILL_SEED), so a failing trial can be run again. Restarts are warm spares
 * (tests/helpers/assistantStandby.ts, compiled once to plain JavaScript): the modules are loaded
 * while the previous instance lives, and `start` runs the real entry point, which opens the
 * database, sweeps and listens.
 * Whether anything was answered twice is checked at the end, after every later restart and
 * sweep has had its chance to answer a message again.
 */
import type { Activity } from 'botbuilder';
import { describe, expect } from 'vitest';
import twilio from 'twilio';
import type { Database } from '../../store/database.js';
import { openConversation, type RestConversation } from '../helpers/directLineRest.js';
import type { FakeTwilio } from '../helpers/fakeTwilio.js';
import { killHard, spawnStandby, type AssistantProcess, type Standby } from '../helpers/process.js';
import { TEST_TWILIO } from '../helpers/residents.js';
import { mulberry32 } from '../../intents/model/seededRandom.js';
import { scaled } from '../helpers/timeScale.js';

/** These files pick their own engines; `npm run test:postgres` (the suite again on PostgreSQL) need not run them twice. */
export const reliability = describe.skipIf(process.env.TEST_STORAGE === 'postgres');

export const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
export const TRIALS = Number(process.env.KILL_TRIALS ?? 20);
export const SEED = Number(process.env.KILL_SEED ?? 20261202);
const SMS_PATH = '/api/sms/twilio';
export const WEB_QUESTION = 'what day is my bin collected';
export const SMS_QUESTION = 'when is my bin day';

/** A seeded generator: the same seed gives the same kill points, so a failed run can be replayed. */
export const seeded = mulberry32;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls until `check` gives a value, every 250 ms (on PostgreSQL up to 20 trials wait at once,
 * some for a dead instance's 10 s turn lock: faster polling only loads the instance answering).
 */
async function answeredWithin<T>(check: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('not answered in time');
    await sleep(250);
  }
}

export type Instance = AssistantProcess;

/**
 * An instance that can be killed and started again from a warm spare. Each start binds a port
 * of its own (as a restarted container behind a balancer gets a new address), so callers ask
 * running() for the current URL.
 */
export class Restartable {
  private spare: Standby;
  private current: Instance | undefined;
  private starting: Promise<Instance> | undefined;
  /** Milliseconds from "go" to ready, per restart. */
  readonly restarts: number[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly compiled: string,
  ) {
    this.spare = spawnStandby(env, compiled);
  }

  /** Starts the spare (the previous process must be dead) and, once it is up, loads the next spare. */
  start(): Promise<Instance> {
    const started = Date.now();
    this.starting = this.spare.start().then((instance) => {
      if (this.current) this.restarts.push(Date.now() - started);
      this.current = instance;
      this.spare = spawnStandby(this.env, this.compiled);
      return this.current;
    });
    // A start nobody awaits fails the next running() instead of counting as unhandled.
    this.starting.catch(() => undefined);
    return this.starting;
  }

  /** The running instance (waiting for a start in progress). */
  async running(): Promise<Instance> {
    if (this.starting) await this.starting;
    if (!this.current) throw new Error('not started');
    return this.current;
  }

  async kill(): Promise<void> {
    await killHard(this.current?.proc);
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await killHard(this.current?.proc);
    await this.spare.discard();
  }
}

export function postActivity(
  base: string,
  conversation: RestConversation,
  text: string,
  clientActivityID: string,
): Promise<Response> {
  return fetch(`${base}/v3/directline/conversations/${conversation.conversationId}/activities`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${conversation.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'message', text, from: { id: 'resident' }, channelData: { clientActivityID } }),
  });
}

export async function history(base: string, conversation: RestConversation): Promise<Partial<Activity>[]> {
  const response = await fetch(`${base}/v3/directline/conversations/${conversation.conversationId}/activities`, {
    headers: { Authorization: `Bearer ${conversation.token}` },
  });
  return ((await response.json()) as { activities: Partial<Activity>[] }).activities;
}

export const clientIdOf = (activity: Partial<Activity>) =>
  (activity.channelData as { clientActivityID?: string } | undefined)?.clientActivityID;

export function smsParams(from: string, body: string, sid: string): Record<string, string> {
  return {
    MessageSid: sid,
    AccountSid: TEST_TWILIO.accountSid,
    From: from,
    To: TEST_TWILIO.councilNumber,
    Body: body,
    NumSegments: '1',
    NumMedia: '0',
  };
}

export function postSms(base: string, params: Record<string, string>): Promise<Response> {
  const signature = twilio.getExpectedTwilioSignature(
    TEST_TWILIO.authToken,
    TEST_TWILIO.publicBaseUrl + SMS_PATH,
    params,
  );
  return fetch(base + SMS_PATH, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

let sidCounter = 0;
export const nextSid = () => `SM${(++sidCounter).toString(16).padStart(8, '0')}${'c'.repeat(24)}`;
let numberCounter = 300;
export const nextNumber = () => `+447700900${String(++numberCounter).padStart(3, '0')}`;

export interface WebMessage {
  label: string;
  resident: RestConversation;
  clientId: string;
  id: string;
  /** The replies as first seen; nothing may be added to them later. */
  replies: (string | undefined)[];
}

export interface SmsMessage {
  label: string;
  number: string;
  params: Record<string, string>;
}

/** One setup's database and fake Twilio, with the checks that read them. */
export class Observed {
  constructor(
    readonly store: Database,
    readonly fake: FakeTwilio,
  ) {}

  /** Waits until the text is answered and every text queued for it was sent. */
  async smsAnswered(message: SmsMessage): Promise<void> {
    await answeredWithin(async () => {
      const queued = await this.outboxRows(message);
      return (
        queued.length > 0 &&
        queued.every((r) => r.state === 'sent') &&
        this.fake.sentTo(message.number).length >= queued.length
      );
    }, scaled(60_000));
  }

  outboxRows(message: SmsMessage) {
    return this.store.db
      .selectFrom('sms_outbox')
      .select(['state'])
      .where('message_sid', '=', message.params.MessageSid ?? '')
      .execute();
  }

  /** Answered exactly once: one inbox row, answered; each queued text sent once; the answer among them. */
  async expectSmsOnce(message: SmsMessage): Promise<void> {
    const inbox = await this.store.db
      .selectFrom('sms_inbox')
      .select(['state'])
      .where('message_sid', '=', message.params.MessageSid ?? '')
      .execute();
    expect(
      inbox.map((r) => r.state),
      message.label,
    ).toEqual(['answered']);
    const sent = this.fake.sentTo(message.number).map((m) => m.body);
    expect(sent.length, message.label).toBe((await this.outboxRows(message)).length);
    expect(
      sent.filter((body) => /postcode/i.test(body)),
      message.label,
    ).toHaveLength(1);
  }
}

/** Posts the message again (as Web Chat would) and waits for its answer; returns what it must stay. */
export async function webRetried(
  base: string,
  resident: RestConversation,
  clientId: string,
  label: string,
): Promise<WebMessage> {
  const retried = await postActivity(base, resident, WEB_QUESTION, clientId);
  expect(retried.status, label).toBe(200);
  const { id } = (await retried.json()) as { id: string };
  const replies = await answeredWithin(async () => {
    const found = (await history(base, resident)).filter((a) => a.replyToId === id && a.type === 'message');
    return found.length > 0 && found;
  }, scaled(60_000));
  return { label, resident, clientId, id, replies: replies.map((r) => r.text) };
}

export async function expectWebOnce(base: string, message: WebMessage): Promise<void> {
  const all = await history(base, message.resident);
  expect(
    all.filter((a) => clientIdOf(a) === message.clientId),
    message.label,
  ).toHaveLength(1);
  const replies = all.filter((a) => a.replyToId === message.id && a.type === 'message').map((r) => r.text);
  expect(replies, message.label).toEqual(message.replies);
  expect(
    replies.filter((text) => /postcode/i.test(text ?? '')),
    message.label,
  ).toHaveLength(1);
}

/**
 * One kill: a Web Chat message and a text sent to `target` at random moments, the process
 * killed at a random point after both left. Resolves once both have been delivered again to
 * `survivor()`, with `answered`, which resolves when both were answered (so a setup whose
 * survivor is not the killed instance can kill again meanwhile).
 */
export async function killTrial(
  target: Restartable,
  survivor: () => Promise<Instance>,
  observed: Observed,
  random: () => number,
  label: string,
): Promise<{ answered: Promise<{ web: WebMessage; sms: SmsMessage }> }> {
  const base = (await target.running()).url;
  const resident = await openConversation(base);
  const clientId = `${label}-web`;
  const number = nextNumber();
  const sms: SmsMessage = { label: `${label} sms`, number, params: smsParams(number, SMS_QUESTION, nextSid()) };
  const webAt = Math.floor(random() * 150);
  const smsAt = Math.floor(random() * 150);
  const killAt = Math.max(webAt, smsAt) + Math.floor(random() * 400);
  const lost = () => 'lost';
  const sendingWeb = sleep(webAt)
    .then(() => postActivity(base, resident, WEB_QUESTION, clientId))
    .then((r) => r.status, lost);
  const sendingSms = sleep(smsAt)
    .then(() => postSms(base, sms.params))
    .then((r) => r.status, lost);
  await sleep(killAt);
  await target.kill();
  await Promise.all([sendingWeb, sendingSms]);
  const carryOn = await survivor();
  // Twilio delivers the webhook again (or, had it been answered, this is a duplicate); Web Chat
  // posts the message again.
  const answered = Promise.all([
    postSms(carryOn.url, sms.params).then(async (retry) => {
      expect(retry.status, sms.label).toBe(200);
      await observed.smsAnswered(sms);
    }),
    webRetried(carryOn.url, resident, clientId, `${label} web`),
  ]).then(([, web]) => ({ web, sms }));
  // Reported when awaited; until then it must not count as unhandled.
  answered.catch(() => undefined);
  return { answered };
}

export function baseEnv(fake: FakeTwilio, dataDir: string): Record<string, string> {
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

/** A moment for anything that would answer a message a second time (a sweep, a retry) to do so. */
export const SETTLE_MS = 2_500;

export function logTimes(setup: string, started: number, restarts: number[]): void {
  const sorted = [...restarts].sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  process.stderr.write(
    `kill trials (${setup}): ${TRIALS} kills in ${((Date.now() - started) / 1000).toFixed(1)} s; restart median ${median} ms, max ${sorted.at(-1) ?? 0} ms\n`,
  );
}
