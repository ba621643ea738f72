/**
 * kill -9 at random points on SQLite: the one instance is killed while a Web Chat message and a
 * text are on their way, started again, and both are delivered again as Web Chat and Twilio
 * would; each is answered exactly once. See killTrialHarness.ts for how a trial runs.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, it } from 'vitest';
import { openDatabase } from '../../store/database.js';
import { alwaysOpenDataDir } from '../helpers/councilData.js';
import { compileStandby } from '../helpers/compiledStandby.js';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio.js';
import { TEST_TWILIO } from '../helpers/residents.js';
import { sqliteTestDatabase, type TestDatabase } from '../helpers/databases.js';
import {
  baseEnv,
  expectWebOnce,
  killTrial,
  logTimes,
  Observed,
  reliability,
  Restartable,
  seeded,
  SEED,
  SETTLE_MS,
  sleep,
  TRIALS,
  type SmsMessage,
  type WebMessage,
} from './killTrialHarness.js';
import { scaled } from '../helpers/timeScale.js';
import { READY_LIMIT_MS } from '../helpers/process.js';

reliability('kill -9 on SQLite (one instance, started again)', () => {
  let database: TestDatabase;
  let observed: Observed;
  let fake: FakeTwilio;
  let dataDir = '';
  let compiled = '';
  let instance: Restartable | undefined;
  const random = seeded(SEED);

  beforeAll(
    async () => {
      database = sqliteTestDatabase();
      fake = await startFakeTwilio(TEST_TWILIO.accountSid, TEST_TWILIO.authToken);
      dataDir = alwaysOpenDataDir();
      compiled = await compileStandby();
      instance = new Restartable({ ...baseEnv(fake, dataDir), STORAGE_URL: database.url }, compiled);
      await instance.start();
      observed = new Observed(await openDatabase(database.url), fake);
    },
    READY_LIMIT_MS + scaled(60_000),
  );
  afterAll(async () => {
    await instance?.stop();
    await observed?.store.close();
    await fake?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (compiled) rmSync(compiled, { force: true });
  });

  it(
    `Web Chat and SMS: ${TRIALS} kills at random points, each message answered exactly once`,
    async () => {
      const target = instance;
      if (!target) throw new Error('no instance');
      const started = Date.now();
      const trials: { web: WebMessage; sms: SmsMessage }[] = [];
      for (let trial = 0; trial < TRIALS; trial += 1) {
        // The instance that answers is the one killed next: its answers come first.
        trials.push(
          await (
            await killTrial(target, () => target.start(), observed, random, `sqlite trial ${trial}`)
          ).answered,
        );
      }
      await sleep(SETTLE_MS);
      const live = await target.running();
      for (const { web, sms } of trials) {
        await expectWebOnce(live.url, web);
        await observed.expectSmsOnce(sms);
      }
      logTimes('SQLite', started, target.restarts);
    },
    scaled(120_000 + TRIALS * 90_000),
  );
});
