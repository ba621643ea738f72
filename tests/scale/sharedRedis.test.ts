/**
 * What several instances share through Redis beyond a conversation's turns: a resident's texts
 * count once towards the per-number limit however the balancer spreads them; and two councils
 * (two databases) that share one Redis server never hear each other's residents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresTestDatabase, testDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio.js';
import { sendSignedSms, TEST_TWILIO } from '../helpers/residents.js';
import { openConversation } from '../helpers/directLineRest.js';
import { alwaysOpenDataDir } from '../helpers/councilData.js';
import type { HandoffEvent } from '../../services/handoff/handoffEvents.js';
import { scaled } from '../helpers/timeScale.js';

const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

describe('the SMS rate limit across two instances', () => {
  let database: TestDatabase;
  let fakeTwilio: FakeTwilio;
  let first: TestAssistant;
  let second: TestAssistant;

  beforeAll(async () => {
    database = await postgresTestDatabase();
    fakeTwilio = await startFakeTwilio(TEST_TWILIO.accountSid, TEST_TWILIO.authToken);
    const env = {
      REDIS_URL,
      TWILIO_ACCOUNT_SID: TEST_TWILIO.accountSid,
      TWILIO_AUTH_TOKEN: TEST_TWILIO.authToken,
      TWILIO_PHONE_NUMBER: TEST_TWILIO.councilNumber,
      PUBLIC_BASE_URL: TEST_TWILIO.publicBaseUrl,
      TWILIO_API_BASE_URL: fakeTwilio.url,
      SMS_RATE_LIMIT_PER_MINUTE: '3',
    };
    first = await startTestAssistant(env, database);
    second = await startTestAssistant(env, database);
  }, scaled(60_000));

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await fakeTwilio?.close();
    await database?.drop();
  });

  it(
    'counts a number once however its texts are spread: one "slow down" after the limit, then silence',
    async () => {
      const number = '+447700900555';
      const instances = [first, second, first, second, first];
      const replies: string[][] = [];
      for (const [i, instance] of instances.entries())
        replies.push(await sendSignedSms(instance.url, fakeTwilio, number, i === 0 ? 'hello' : 'bin day'));
      // Three answered (two on one instance, one on the other), then one warning, then nothing.
      for (const reply of replies.slice(0, 3)) {
        expect(reply.length).toBeGreaterThan(0);
        expect(reply.join(' ')).not.toMatch(/a lot of messages/);
      }
      expect(replies[3]?.join(' ')).toMatch(/you have sent a lot of messages in a short time/);
      expect(replies[4]).toEqual([]);
      // Another number is not held back by this one.
      expect((await sendSignedSms(second.url, fakeTwilio, '+447700900556', 'hello')).join(' ')).not.toMatch(
        /a lot of messages/,
      );
    },
    scaled(60_000),
  );
});

describe('two councils sharing one Redis server', () => {
  let databases: TestDatabase[] = [];
  let councils: TestAssistant[] = [];

  beforeAll(async () => {
    databases = [await testDatabase(), await testDatabase()];
    const env = { REDIS_URL, COUNCIL_DATA_DIR: alwaysOpenDataDir() };
    councils = [await startTestAssistant(env, databases[0]), await startTestAssistant(env, databases[1])];
  }, scaled(60_000));

  afterAll(async () => {
    for (const council of councils) await council.close();
    for (const database of databases) await database.drop();
  });

  it(
    "never tells one council's agents about the other council's residents",
    async () => {
      const [ours, theirs] = councils as [TestAssistant, TestAssistant];
      const heardByOurs: HandoffEvent[] = [];
      const heardByTheirs: HandoffEvent[] = [];
      ours.handoff.service.events.on('change', (event) => heardByOurs.push(event));
      theirs.handoff.service.events.on('change', (event) => heardByTheirs.push(event));

      const resident = await openConversation(theirs.url);
      expect((await resident.say('can I speak to a person')).join(' ')).toMatch(/in the queue/);
      await resident.say('my name is Alex Smith and my bin was missed');
      await expect
        .poll(() =>
          heardByTheirs.some((event) => event.kind === 'message' && event.message.text.includes('Alex Smith')),
        )
        .toBe(true);
      expect(heardByOurs).toEqual([]);
    },
    scaled(60_000),
  );
});
