/**
 * kill -9 on two PostgreSQL + Redis instances: A is killed at random points (and at exact ones:
 * after a text's claim, after a Web Chat message was stored, after a permit was issued) while B
 * carries on and A starts again; every message is answered exactly once. See
 * killTrialHarness.ts for how a trial runs.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../store/database.js';
import { alwaysOpenDataDir } from '../helpers/councilData.js';
import { compileStandby } from '../helpers/compiledStandby.js';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio.js';
import { TEST_TWILIO } from '../helpers/residents.js';
import { sql } from 'kysely';
import { openConversation } from '../helpers/directLineRest.js';
import { postgresTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { eventually } from '../handoff/harness.js';
import {
  baseEnv,
  clientIdOf,
  expectWebOnce,
  history,
  killTrial,
  logTimes,
  nextNumber,
  nextSid,
  Observed,
  postActivity,
  postSms,
  REDIS_URL,
  reliability,
  Restartable,
  seeded,
  SEED,
  SETTLE_MS,
  sleep,
  smsParams,
  SMS_QUESTION,
  TRIALS,
  WEB_QUESTION,
  type SmsMessage,
  type WebMessage,
} from './killTrialHarness.js';
import { scaled } from '../helpers/timeScale.js';
import { READY_LIMIT_MS } from '../helpers/process.js';

reliability('kill -9 on PostgreSQL + Redis (two instances, the other carries on)', () => {
  let database: TestDatabase;
  let observed: Observed;
  let fake: FakeTwilio;
  let dataDir = '';
  let compiled = '';
  let a: Restartable | undefined;
  let b: Restartable | undefined;
  const random = seeded(SEED + 1);

  beforeAll(
    async () => {
      database = await postgresTestDatabase();
      fake = await startFakeTwilio(TEST_TWILIO.accountSid, TEST_TWILIO.authToken);
      dataDir = alwaysOpenDataDir();
      const env = { ...baseEnv(fake, dataDir), STORAGE_URL: database.url, REDIS_URL };
      compiled = await compileStandby();
      b = new Restartable(env, compiled);
      a = new Restartable(env, compiled);
      await b.start();
      await a.start();
      observed = new Observed(await openDatabase(database.url), fake);
    },
    2 * READY_LIMIT_MS + scaled(60_000),
  );
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await observed?.store.close();
    await fake?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (compiled) rmSync(compiled, { force: true });
  });

  const instanceA = () => {
    if (!a) throw new Error('no instance A');
    return a;
  };
  const instanceB = () => {
    if (!b) throw new Error('no instance B');
    return b;
  };

  it(
    `Web Chat and SMS: ${TRIALS} kills at random points, each message answered exactly once`,
    async () => {
      const started = Date.now();
      const pending: Promise<{ web: WebMessage; sms: SmsMessage }>[] = [];
      for (let trial = 0; trial < TRIALS; trial += 1) {
        // A is killed; B answers while A starts again, and A is killed again as soon as it is up:
        // B's answers (a retry may wait out the dead instance's turn lock) overlap the next trials.
        const { answered } = await killTrial(
          instanceA(),
          async () => {
            void instanceA().start();
            return instanceB().running();
          },
          observed,
          random,
          `postgres trial ${trial}`,
        );
        pending.push(answered);
      }
      const trials = await Promise.all(pending);
      await sleep(SETTLE_MS);
      const live = await instanceB().running();
      for (const { web, sms } of trials) {
        await expectWebOnce(live.url, web);
        await observed.expectSmsOnce(sms);
      }
      logTimes('PostgreSQL + Redis', started, instanceA().restarts);
    },
    scaled(120_000 + TRIALS * 90_000),
  );

  /** Holds the first row inserted into `table` matching `like` (a statement the instance is making) for 30 s. */
  async function stallInsert(table: string, column: string, like: string): Promise<() => Promise<void>> {
    const { store } = observed;
    await sql`CREATE OR REPLACE FUNCTION stall_for_kill() RETURNS trigger LANGUAGE plpgsql AS ${sql.raw(`$$
      BEGIN
        IF NEW.${column}::text LIKE '${like}' THEN PERFORM pg_sleep(30); RAISE EXCEPTION 'held back by the test'; END IF;
        RETURN NEW;
      END $$`)}`.execute(store.db);
    await sql`CREATE TRIGGER stall_for_kill BEFORE INSERT ON ${sql.table(table)} FOR EACH ROW EXECUTE FUNCTION stall_for_kill()`.execute(
      store.db,
    );
    return async () => {
      await sql`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'`.execute(
        store.db,
      );
      await sql`DROP TRIGGER stall_for_kill ON ${sql.table(table)}`.execute(store.db);
    };
  }

  it(
    'SMS killed after the claim, mid-turn (its replies not yet queued): the retry on B answers it once',
    async () => {
      const { store, fake: twilioApi } = observed;
      const target = await instanceA().running();
      const release = await stallInsert('sms_outbox', 'body', '%postcode%');
      const message: SmsMessage = { label: 'after the claim', number: nextNumber(), params: {} };
      message.params = smsParams(message.number, SMS_QUESTION, nextSid());
      const sending = postSms(target.url, message.params).then(
        (r) => r.status,
        () => 'lost',
      );
      await eventually(
        async () =>
          (
            await store.db
              .selectFrom('sms_inbox')
              .select('state')
              .where('message_sid', '=', message.params.MessageSid ?? '')
              .executeTakeFirst()
          )?.state === 'processing',
        60_000,
      );
      await instanceA().kill();
      expect(await sending).toBe('lost');
      await release();
      void instanceA().start();
      expect((await postSms((await instanceB().running()).url, message.params)).status).toBe(200);
      await observed.smsAnswered(message);
      await sleep(SETTLE_MS);
      await observed.expectSmsOnce(message);
      expect(twilioApi.sentTo(message.number).length).toBeGreaterThan(0);
    },
    scaled(180_000),
  );

  it(
    'Web Chat killed after the message was stored, before its reply: B answers it once, without a retry',
    async () => {
      const { store } = observed;
      const target = await instanceA().running();
      const release = await stallInsert('directline_activities', 'activity', '%postcode%');
      const resident = await openConversation(target.url);
      const sending = postActivity(target.url, resident, WEB_QUESTION, 'stored-then-killed').then(
        (r) => r.status,
        () => 'lost',
      );
      await eventually(
        async () =>
          (
            await store.db
              .selectFrom('directline_inbox')
              .select('state')
              .where('client_activity_id', '=', 'stored-then-killed')
              .executeTakeFirst()
          )?.state === 'processing',
        60_000,
      );
      await instanceA().kill();
      expect(await sending).toBe('lost');
      await release();
      void instanceA().start();
      // No retry: the echo is in the history, so Web Chat shows it as sent. B's sweep answers it.
      const survivor = await instanceB().running();
      const stored = (await history(survivor.url, resident)).find(
        (activity) => clientIdOf(activity) === 'stored-then-killed',
      );
      expect(stored).toBeDefined();
      const replies = await eventually(async () => {
        const found = (await history(survivor.url, resident)).filter(
          (activity) => activity.replyToId === stored?.id && activity.type === 'message',
        );
        return found.length > 0 && found;
      }, scaled(60_000));
      await sleep(SETTLE_MS);
      await expectWebOnce(survivor.url, {
        label: 'after the stored message',
        resident,
        clientId: 'stored-then-killed',
        id: stored?.id ?? '',
        replies: replies.map((r) => r.text),
      });
    },
    scaled(180_000),
  );

  /** Texts `text` from `number` to B and returns what was sent back for it. */
  async function smsSay(number: string, text: string): Promise<string> {
    const message: SmsMessage = { label: text, number, params: smsParams(number, text, nextSid()) };
    const before = observed.fake.sentTo(number).length;
    expect((await postSms((await instanceB().running()).url, message.params)).status).toBe(200);
    await observed.smsAnswered(message);
    return observed.fake
      .sentTo(number)
      .slice(before)
      .map((m) => m.body)
      .join('\n');
  }

  it(
    'SMS killed after a permit was issued, before the resident was told: the retry on B gives the same permit, once',
    async () => {
      const { store, fake: twilioApi } = observed;
      const number = nextNumber();
      expect(await smsSay(number, 'van permit for AB12 CDE, 4 High Street DF1 1HN')).toMatch(/which tip/i);
      const times = await smsSay(number, 'Quarry Road tip');
      // The latest time offered (days ahead), so it cannot close while the test runs.
      const latest = [...times.matchAll(/^(\d+)\. /gm)].at(-1)?.[1];
      expect(latest, times).toBeDefined();
      expect(await smsSay(number, latest ?? '')).toMatch(/household waste/i);
      expect(await smsSay(number, 'yes')).toMatch(/book/i);

      // The confirmation stalls on its way into the outbox, so A dies with the permit committed
      // and the resident not yet told.
      const release = await stallInsert('sms_outbox', 'body', '%TP-%');
      const target = await instanceA().running();
      const confirm = smsParams(number, 'yes', nextSid());
      const sending = postSms(target.url, confirm).then(
        (r) => r.status,
        () => 'lost',
      );
      const permits = () =>
        store.db.selectFrom('tip_permits').select(['reference']).where('postcode', '=', 'DF1 1HN').execute();
      await eventually(async () => (await permits()).length > 0, 60_000);
      await instanceA().kill();
      expect(await sending).toBe('lost');
      await release();
      void instanceA().start();
      const [issued] = await permits();
      expect(twilioApi.sentTo(number).some((m) => /TP-\d{6}/.test(m.body))).toBe(false);

      // Twilio delivers the webhook again, to B.
      const message: SmsMessage = { label: 'after the permit', number, params: confirm };
      expect((await postSms((await instanceB().running()).url, confirm)).status).toBe(200);
      await observed.smsAnswered(message);
      await sleep(SETTLE_MS);
      expect(await permits()).toHaveLength(1);
      const told = twilioApi.sentTo(number).filter((m) => /TP-\d{6}/.test(m.body));
      expect(told).toHaveLength(1);
      expect(told[0]?.body).toContain(issued?.reference ?? 'no permit');
      const inbox = await store.db
        .selectFrom('sms_inbox')
        .select('state')
        .where('message_sid', '=', confirm.MessageSid ?? '')
        .execute();
      expect(inbox.map((r) => r.state)).toEqual(['answered']);
    },
    scaled(240_000),
  );
});
