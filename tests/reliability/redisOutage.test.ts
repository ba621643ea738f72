/**
 * Redis stopped for 20 s under a running instance (PostgreSQL + Redis): a TCP proxy in front of
 * Redis is closed and opened again. No request fails with a 500 and nothing is lost: Web Chat is
 * refused at once with 503 and Retry-After (nothing stored, so it shows "not sent" and posts
 * again), a text is kept in the SMS inbox and answered once Redis is back.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { postgresTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openConversation } from '../helpers/directLineRest.js';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio.js';
import { TEST_TWILIO } from '../helpers/residents.js';
import { eventually } from '../handoff/harness.js';
import { scaled } from '../helpers/timeScale.js';

/** These files pick their own engines; `npm run test:postgres` need not run them twice. */
const reliability = describe.skipIf(process.env.TEST_STORAGE === 'postgres');

const REDIS = new URL(process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379');
const OUTAGE_MS = 20_000;

/** A TCP proxy to Redis that can be stopped (every connection cut) and started again on the same port. */
class RedisProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(Number(REDIS.port || 6379), REDIS.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

let database: TestDatabase;
let fake: FakeTwilio;
let proxy: RedisProxy;
let assistant: TestAssistant | undefined;

beforeAll(async () => {
  database = await postgresTestDatabase();
  fake = await startFakeTwilio(TEST_TWILIO.accountSid, TEST_TWILIO.authToken);
  proxy = new RedisProxy();
  await proxy.start();
  assistant = await startTestAssistant(
    {
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      LOG_LEVEL: 'warn',
      TWILIO_ACCOUNT_SID: TEST_TWILIO.accountSid,
      TWILIO_AUTH_TOKEN: TEST_TWILIO.authToken,
      TWILIO_PHONE_NUMBER: TEST_TWILIO.councilNumber,
      PUBLIC_BASE_URL: TEST_TWILIO.publicBaseUrl,
      TWILIO_API_BASE_URL: fake.url,
      INBOX_LEASE_SECONDS: '3',
    },
    database,
  );
}, scaled(180_000));
afterAll(async () => {
  await assistant?.close();
  await proxy?.stop();
  await fake?.close();
  await database?.drop();
});

function postSms(base: string, from: string, body: string, sid: string): Promise<Response> {
  const params = {
    MessageSid: sid,
    AccountSid: TEST_TWILIO.accountSid,
    From: from,
    To: TEST_TWILIO.councilNumber,
    Body: body,
    NumSegments: '1',
    NumMedia: '0',
  };
  const signature = twilio.getExpectedTwilioSignature(
    TEST_TWILIO.authToken,
    `${TEST_TWILIO.publicBaseUrl}/api/sms/twilio`,
    params,
  );
  return fetch(`${base}/api/sms/twilio`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

reliability('Redis stopped for 20 s (PostgreSQL + Redis)', () => {
  it(
    'no 500, Web Chat refused fast with Retry-After and answered after, texts kept and answered',
    async () => {
      const base = assistant?.url ?? '';
      const resident = await openConversation(base);
      expect((await resident.say('what day is my bin collected')).join('\n')).toMatch(/postcode/i);

      await proxy.stop();
      const outageEnds = Date.now() + OUTAGE_MS;
      const statuses: number[] = [];
      const texter = '+447700900401';
      let sms = 0;
      // Residents keep trying through the outage, as Web Chat and Twilio would.
      while (Date.now() < outageEnds) {
        const started = Date.now();
        const posted = await fetch(`${base}/v3/directline/conversations/${resident.conversationId}/activities`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${resident.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            type: 'message',
            text: 'DF2 4QT',
            from: { id: 'resident' },
            channelData: { clientActivityID: 'during-outage' },
          }),
        });
        statuses.push(posted.status);
        if (posted.status === 503) {
          expect(posted.headers.get('retry-after')).toBeTruthy();
          // Refused at once, not after seconds of waiting.
          expect(Date.now() - started).toBeLessThan(2_000);
        }
        if (sms < 3) {
          sms += 1;
          statuses.push(
            (
              await postSms(
                base,
                texter,
                `when is my bin day ${sms}`,
                `SM${String(sms).padStart(8, '0')}${'d'.repeat(24)}`,
              )
            ).status,
          );
        }
        await new Promise((r) => setTimeout(r, 1_000));
      }
      expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
      expect(statuses).toContain(503);
      await proxy.start();

      // Back: Web Chat's next try is answered, once.
      await eventually(async () => {
        const posted = await fetch(`${base}/v3/directline/conversations/${resident.conversationId}/activities`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${resident.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            type: 'message',
            text: 'DF2 4QT',
            from: { id: 'resident' },
            channelData: { clientActivityID: 'during-outage' },
          }),
        });
        return posted.status === 200;
      }, scaled(30_000));
      const messages = await resident.botMessages();
      expect(messages.filter((m) => /which address/i.test(m.text ?? ''))).toHaveLength(1);
      // The texts kept during the outage are answered, in order, each once.
      await eventually(async () => fake.sentTo(texter).length >= 3, 30_000);
      const bodies = fake.sentTo(texter).map((m) => m.body);
      expect(bodies).toHaveLength(3);
      expect(bodies.join('\n')).toMatch(/postcode/i);
    },
    scaled(180_000),
  );
});
