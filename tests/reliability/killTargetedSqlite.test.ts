/**
 * kill -9 at exact points on SQLite (one instance, started again): after a text's claim, after a
 * Web Chat message was stored, and after a permit was issued (by SMS and by Web Chat), before the
 * resident was told.
 * The point is held by the test: it watches the database for the moment (the claim, the stored
 * message, the permit), takes SQLite's write lock at once, so the instance cannot commit the
 * answer, checks under that lock that it has not, and only then kills it. Should the instance
 * have finished first (a fast turn), the trial is run again with a new message; a kill that did
 * not land where it should is never counted.
 */
import { rmSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../store/database.js';
import { alwaysOpenDataDir } from '../helpers/councilData.js';
import { compileStandby } from '../helpers/compiledStandby.js';
import { sqliteTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openConversation } from '../helpers/directLineRest.js';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio.js';
import { TEST_TWILIO } from '../helpers/residents.js';
import { eventually } from '../handoff/harness.js';
import {
  baseEnv,
  clientIdOf,
  expectWebOnce,
  history,
  nextNumber,
  nextSid,
  Observed,
  postActivity,
  postSms,
  reliability,
  Restartable,
  SETTLE_MS,
  sleep,
  smsParams,
  SMS_QUESTION,
  WEB_QUESTION,
  type SmsMessage,
} from './killTrialHarness.js';
import { scaled } from '../helpers/timeScale.js';
import { READY_LIMIT_MS } from '../helpers/process.js';

const TRIES = 5;

reliability('kill -9 at exact points on SQLite (one instance, started again)', () => {
  let database: TestDatabase;
  let observed: Observed;
  let fake: FakeTwilio;
  let dataDir = '';
  let compiled = '';
  let instance: Restartable | undefined;
  let raw: SqliteDatabase.Database | undefined;

  beforeAll(
    async () => {
      database = sqliteTestDatabase();
      fake = await startFakeTwilio(TEST_TWILIO.accountSid, TEST_TWILIO.authToken);
      dataDir = alwaysOpenDataDir();
      compiled = await compileStandby();
      instance = new Restartable({ ...baseEnv(fake, dataDir), STORAGE_URL: database.url }, compiled);
      await instance.start();
      observed = new Observed(await openDatabase(database.url), fake);
      raw = new SqliteDatabase(database.url.slice('sqlite:'.length));
      raw.pragma('busy_timeout = 30000');
    },
    READY_LIMIT_MS + scaled(60_000),
  );
  afterAll(async () => {
    raw?.close();
    await instance?.stop();
    await observed?.store.close();
    await fake?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (compiled) rmSync(compiled, { force: true });
  });

  const target = () => {
    if (!instance) throw new Error('no instance');
    return instance;
  };
  const db = () => {
    if (!raw) throw new Error('no database');
    return raw;
  };

  /**
   * Waits until `reached()` (the moment), takes the write lock, and kills the instance if
   * `notAnswered()` holds under it; false if the instance had already finished.
   */
  async function killAt(reached: () => boolean, notAnswered: () => boolean, giveUpAfterMs = 60_000): Promise<boolean> {
    const deadline = Date.now() + giveUpAfterMs;
    while (!reached()) {
      if (Date.now() > deadline) throw new Error('the moment to kill never came');
      await new Promise((r) => setImmediate(r));
    }
    db().exec('BEGIN IMMEDIATE');
    try {
      if (!notAnswered()) return false;
      await target().kill();
      return true;
    } finally {
      db().exec('ROLLBACK');
    }
  }

  const inboxState = (sid: string) =>
    (db().prepare('SELECT state FROM sms_inbox WHERE message_sid = ?').get(sid) as { state: string } | undefined)
      ?.state;

  /** Texts `text` from `number` and returns what was sent back for it. */
  async function smsSay(number: string, text: string): Promise<string> {
    const message: SmsMessage = { label: text, number, params: smsParams(number, text, nextSid()) };
    const before = fake.sentTo(number).length;
    expect((await postSms((await target().running()).url, message.params)).status).toBe(200);
    await observed.smsAnswered(message);
    return fake
      .sentTo(number)
      .slice(before)
      .map((m) => m.body)
      .join('\n');
  }

  it(
    'SMS killed after the claim, mid-turn: the retry after the restart answers it once',
    async () => {
      for (let attempt = 1; attempt <= TRIES; attempt += 1) {
        const number = nextNumber();
        const message: SmsMessage = {
          label: `after the claim, try ${attempt}`,
          number,
          params: smsParams(number, SMS_QUESTION, nextSid()),
        };
        const sid = message.params.MessageSid ?? '';
        const sending = postSms((await target().running()).url, message.params).then(
          (r) => r.status,
          () => 'lost',
        );
        const killed = await killAt(
          () => inboxState(sid) === 'processing',
          () => inboxState(sid) === 'processing',
        );
        await sending;
        if (!killed) continue;
        process.stderr.write(`SQLite, SMS after the claim: killed at try ${attempt}\n`);
        await target().start();
        expect((await postSms((await target().running()).url, message.params)).status).toBe(200);
        await observed.smsAnswered(message);
        await sleep(SETTLE_MS);
        await observed.expectSmsOnce(message);
        return;
      }
      throw new Error(`the turn finished before the kill in all ${TRIES} tries`);
    },
    scaled(300_000),
  );

  it(
    'Web Chat killed after the message was stored, before it was answered: answered once after the restart, without a retry',
    async () => {
      for (let attempt = 1; attempt <= TRIES; attempt += 1) {
        const base = (await target().running()).url;
        const resident = await openConversation(base);
        const clientId = `stored-then-killed-${attempt}`;
        const state = () =>
          (
            db()
              .prepare('SELECT state FROM directline_inbox WHERE conversation_id = ? AND client_activity_id = ?')
              .get(resident.conversationId, clientId) as { state: string } | undefined
          )?.state;
        const sending = postActivity(base, resident, WEB_QUESTION, clientId).then(
          (r) => r.status,
          () => 'lost',
        );
        const killed = await killAt(
          () => state() === 'processing',
          () => state() === 'processing',
        );
        await sending;
        if (!killed) continue;
        process.stderr.write(`SQLite, Web Chat after the stored message: killed at try ${attempt}\n`);
        // No retry: the echo is in the history, so Web Chat shows it as sent. The restart answers it.
        const restarted = await target().start();
        const stored = (await history(restarted.url, resident)).find((activity) => clientIdOf(activity) === clientId);
        expect(stored).toBeDefined();
        const replies = await eventually(async () => {
          const found = (await history(restarted.url, resident)).filter(
            (activity) => activity.replyToId === stored?.id && activity.type === 'message',
          );
          return found.length > 0 && found;
        }, scaled(60_000));
        await sleep(SETTLE_MS);
        await expectWebOnce(restarted.url, {
          label: 'after the stored message',
          resident,
          clientId,
          id: stored?.id ?? '',
          replies: replies.map((r) => r.text),
        });
        return;
      }
      throw new Error(`the turn finished before the kill in all ${TRIES} tries`);
    },
    scaled(300_000),
  );

  it(
    'SMS killed after a permit was issued, before the resident was told: the retry after the restart gives the same permit, once',
    async () => {
      const households = [
        ['2 High Street', 'AB12 CDE'],
        ['6 High Street', 'KM70 XYZ'],
        ['4 High Street', 'AB12 CDE'],
      ] as const;
      for (const [address, registration] of households) {
        const number = nextNumber();
        expect(await smsSay(number, `van permit for ${registration}, ${address} DF1 1HN`)).toMatch(/which tip/i);
        const times = await smsSay(number, 'Quarry Road tip');
        // The latest time offered (days ahead), so it cannot close while the test runs.
        const latest = [...times.matchAll(/^(\d+)\. /gm)].at(-1)?.[1];
        expect(latest, times).toBeDefined();
        expect(await smsSay(number, latest ?? '')).toMatch(/household waste/i);
        expect(await smsSay(number, 'yes')).toMatch(/book/i);

        const permits = () =>
          db()
            .prepare("SELECT reference FROM tip_permits WHERE REPLACE(registration, ' ', '') = ?")
            .all(registration.replace(' ', '')) as { reference: string }[];
        const before = permits().length;
        const confirm = smsParams(number, 'yes', nextSid());
        const sid = confirm.MessageSid ?? '';
        const sending = postSms((await target().running()).url, confirm).then(
          (r) => r.status,
          () => 'lost',
        );
        const killed = await killAt(
          () => permits().length > before,
          () => inboxState(sid) === 'processing',
        );
        await sending;
        if (!killed) continue;
        process.stderr.write(`SQLite, SMS after the permit: killed at the booking for ${address}\n`);
        const issued = permits().at(-1);
        expect(fake.sentTo(number).some((m) => m.body.includes(issued?.reference ?? 'no permit'))).toBe(false);
        await target().start();
        expect((await postSms((await target().running()).url, confirm)).status).toBe(200);
        await observed.smsAnswered({ label: 'after the permit', number, params: confirm });
        await sleep(SETTLE_MS);
        expect(permits()).toHaveLength(before + 1);
        const told = fake.sentTo(number).filter((m) => /TP-\d{6}/.test(m.body));
        expect(told).toHaveLength(1);
        expect(told[0]?.body).toContain(issued?.reference ?? 'no permit');
        expect(inboxState(sid)).toBe('answered');
        return;
      }
      throw new Error(`the booking finished before the kill in all ${households.length} tries`);
    },
    scaled(600_000),
  );

  it(
    'Web Chat killed after a permit was issued, before its turn was answered: answered once after the restart, with the same permit',
    async () => {
      // Households and vans of their own, at the other tip, so the SMS bookings above do not count against them.
      const households = [
        ['5 High Street', 'WC18 PMT'],
        ['9 High Street', 'WC28 PMT'],
        ['13 High Street', 'WC38 PMT'],
      ] as const;
      for (const [address, registration] of households) {
        const base = (await target().running()).url;
        const resident = await openConversation(base);
        const say = async (text: string, expected: RegExp) => {
          const replies = (await resident.say(text)).join('\n');
          expect(replies, `after "${text}"`).toMatch(expected);
          return replies;
        };
        await say(`van permit for ${registration}, ${address} DF1 1AA`, /which tip/i);
        const times = await say('Northfield tip', /next free times/i);
        // The latest time offered (days ahead), so it cannot close while the test runs.
        const latest = [...times.matchAll(/^\[(.*Northfield.*)\]$/gm)].at(-1)?.[1];
        expect(latest, times).toBeDefined();
        await say(latest ?? '', /household waste/i);
        await say('yes', /mobile number/i);
        await say('no thanks', /Shall I book it/);

        const permits = () =>
          db()
            .prepare("SELECT reference FROM tip_permits WHERE REPLACE(registration, ' ', '') = ?")
            .all(registration.replace(' ', '')) as { reference: string }[];
        const told = () =>
          (
            db()
              .prepare("SELECT activity FROM directline_activities WHERE conversation_id = ? AND activity LIKE '%TP-%'")
              .all(resident.conversationId) as { activity: string }[]
          ).map((row) => row.activity);
        const clientId = `permit-then-killed-${registration.replace(' ', '')}`;
        const state = () =>
          (
            db()
              .prepare('SELECT state FROM directline_inbox WHERE conversation_id = ? AND client_activity_id = ?')
              .get(resident.conversationId, clientId) as { state: string } | undefined
          )?.state;
        const before = permits().length;
        const sending = postActivity(base, resident, 'Yes, book it', clientId).then(
          (r) => r.status,
          () => 'lost',
        );
        const killed = await killAt(
          () => permits().length > before,
          () => state() === 'processing',
        );
        await sending;
        if (!killed) continue;
        process.stderr.write(`SQLite, Web Chat after the permit: killed at the booking for ${address}\n`);
        const issued = permits().at(-1)?.reference ?? 'no permit';
        // The turn may have stored its reply a moment before the kill (it is marked answered only
        // with the conversation's state): then the restart must not store it again.
        expect(told().every((activity) => activity.includes(`**${issued}**`))).toBe(true);
        // No retry: the echo is in the history, so Web Chat shows it as sent. The restart answers it.
        const restarted = await target().start();
        const stored = (await history(restarted.url, resident)).find((activity) => clientIdOf(activity) === clientId);
        expect(stored).toBeDefined();
        const replies = await eventually(async () => {
          const found = (await history(restarted.url, resident)).filter(
            (activity) => activity.replyToId === stored?.id && activity.type === 'message',
          );
          return found.length > 0 && found;
        }, scaled(60_000));
        expect(replies.map((reply) => reply.text).join('\n')).toContain(`**${issued}**`);
        await sleep(SETTLE_MS);
        expect(permits()).toHaveLength(before + 1);
        const all = await history(restarted.url, resident);
        expect(all.filter((activity) => clientIdOf(activity) === clientId)).toHaveLength(1);
        expect(all.filter((activity) => activity.replyToId === stored?.id && activity.type === 'message')).toHaveLength(
          replies.length,
        );
        expect(all.filter((activity) => /TP-\d{6}/.test(activity.text ?? ''))).toHaveLength(1);
        expect(state()).toBe('answered');
        return;
      }
      throw new Error(`the booking finished before the kill in all ${households.length} tries`);
    },
    scaled(600_000),
  );
});
