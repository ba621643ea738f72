/**
 * `npm run bench:sms`: residents text the SMS adapter at once through its signed webhook (the
 * real restify route, SQLite, the twilio library sending to a local fake of Twilio's REST API)
 * and the figures are printed: webhook p50/p99 latency (POST until Twilio would get its empty
 * TwiML, which includes the turn and its REST replies) and messages/s. The bot is an echo, so
 * this is the channel's own cost. Client, server and fake share one process, so the figures
 * are a floor on what one instance can do, not a ceiling.
 *
 *   npm run bench:sms -- --numbers 50 --messages 20
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import pino from 'pino';
import restify from 'restify';
import twilio from 'twilio';
import { InProcessTurnQueue } from '../adapters/turnQueue.js';
import { TwilioSmsAdapter } from '../adapters/twilio/twilioSmsAdapter.js';
import { openDatabase } from '../store/database.js';
import { startFakeTwilio } from '../tests/helpers/fakeTwilio.js';

const { values } = parseArgs({
  options: {
    numbers: { type: 'string', default: '50' },
    messages: { type: 'string', default: '20' },
  },
});
const NUMBERS = Number(values.numbers);
const MESSAGES = Number(values.messages);

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const COUNCIL = '+441632960000';
const PUBLIC_BASE_URL = 'https://sms.demoford.example';
const PATH = '/api/sms/twilio';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sms-bench-'));
  const database = await openDatabase(`sqlite:${join(dir, 'bench.db')}`);
  const fake = await startFakeTwilio(ACCOUNT_SID, AUTH_TOKEN);
  const adapter = new TwilioSmsAdapter({
    db: database.db,
    turnQueue: new InProcessTurnQueue(),
    logger: pino({ level: 'silent' }),
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    phoneNumber: COUNCIL,
    publicBaseUrl: PUBLIC_BASE_URL,
    apiBaseUrl: fake.url,
    maxBodyBytes: 65_536,
    rateLimit: 1_000_000,
  });
  const server = restify.createServer({ handleUncaughtExceptions: false });
  adapter.registerRoutes(server, async (context: TurnContext) => {
    if (context.activity.type === ActivityTypes.Message) await context.sendActivity(`You said: ${context.activity.text}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`;

  let sid = 0;
  const text = async (from: string, body: string): Promise<number> => {
    sid += 1;
    const params: Record<string, string> = {
      MessageSid: `SM${sid.toString(16).padStart(32, '0')}`, AccountSid: ACCOUNT_SID, From: from, To: COUNCIL,
      Body: body, NumMedia: '0', NumSegments: '1', ApiVersion: '2010-04-01',
    };
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_BASE_URL + PATH, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    await response.text();
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
    return performance.now() - started;
  };
  const number = (n: number) => `+447700${String(900000 + n).padStart(6, '0')}`;

  // Warm-up: JIT, connection pools, the conversation id key.
  for (let i = 0; i < 30; i += 1) await text(number(999), `warm ${i}`);
  const sentBefore = fake.sent.length;

  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: NUMBERS }, async (_, n) => {
      for (let i = 0; i < MESSAGES; i += 1) latencies.push(await text(number(n), `message ${i} from resident ${n}`));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const total = NUMBERS * MESSAGES;
  await fake.waitForSent(sentBefore + total);

  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const replies = fake.sent.slice(sentBefore);
  const segments = replies.reduce((sum, m) => sum + m.numSegments, 0);
  process.stdout.write(
    [
      `SMS webhook bench: ${NUMBERS} numbers x ${MESSAGES} messages = ${total} messages (each number one at a time, all numbers at once)`,
      `  messages/s       ${(total / seconds).toFixed(1)}`,
      `  webhook p50      ${at(0.5).toFixed(1)} ms`,
      `  webhook p99      ${at(0.99).toFixed(1)} ms`,
      `  webhook max      ${(latencies.at(-1) ?? 0).toFixed(1)} ms`,
      `  replies sent     ${replies.length} (${segments} segments)`,
      `  wall time        ${seconds.toFixed(2)} s`,
      '',
    ].join('\n'),
  );

  await adapter.close();
  server.server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await fake.close();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
