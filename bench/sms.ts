/**
 * `npm run bench:sms`: residents text the assistant through its signed Twilio webhook, with a
 * local fake of Twilio's REST API taking the replies.
 *
 * Open loop (the default): texts arrive at --rate a second for --seconds (after --warmup
 * seconds not counted), spread over --numbers phones, whether or not earlier ones were
 * answered, at the real assistant and then at a bare echo bot, each its own process (SQLite).
 * Printed per bot: webhook p50/p95/p99 (from when the text was due until Twilio would get its
 * answer, the turn included), the server's CPU ms and database statements per text.
 *
 *   npm run bench:sms -- --rate 20 --seconds 60 --numbers 100
 *
 * Closed loop (--mode closed): the SMS adapter alone in this process with an echo, every
 * number texting as fast as it is answered (--numbers, --messages each): messages/s, p50/p99.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import pino from 'pino';
import restify from 'restify';
import twilio from 'twilio';
import { InProcessTurnQueue } from '../adapters/turnQueue.js';
import { TwilioSmsAdapter } from '../adapters/twilio/twilioSmsAdapter.js';
import { openDatabase } from '../store/database.js';
import { startFakeTwilio, type FakeTwilio } from '../tests/helpers/fakeTwilio.js';
import { SCRIPT, cpuMs, percentile, startServer, stopServer } from './lib/directLine.js';
import { statementsSoFar } from './lib/openLoop.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'open' },
    numbers: { type: 'string', default: '100' },
    messages: { type: 'string', default: '20' },
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    port: { type: 'string', default: '3991' },
  },
});
const NUMBERS = Number(values.numbers);
const MESSAGES = Number(values.messages);

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const COUNCIL = '+441632960000';
const PUBLIC_BASE_URL = 'https://sms.demoford.example';
const PATH = '/api/sms/twilio';

async function closedLoop(): Promise<void> {
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
    if (context.activity.type === ActivityTypes.Message)
      await context.sendActivity(`You said: ${context.activity.text}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`;

  let sid = 0;
  const text = async (from: string, body: string): Promise<number> => {
    sid += 1;
    const params: Record<string, string> = {
      MessageSid: `SM${sid.toString(16).padStart(32, '0')}`,
      AccountSid: ACCOUNT_SID,
      From: from,
      To: COUNCIL,
      Body: body,
      NumMedia: '0',
      NumSegments: '1',
      ApiVersion: '2010-04-01',
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

/** The signed webhook POST Twilio makes for an inbound text. */
function signedText(url: string, sid: number, from: string, body: string): Promise<Response> {
  const params: Record<string, string> = {
    MessageSid: `SM${sid.toString(16).padStart(32, '0')}`,
    AccountSid: ACCOUNT_SID,
    From: from,
    To: COUNCIL,
    Body: body,
    NumMedia: '0',
    NumSegments: '1',
    ApiVersion: '2010-04-01',
  };
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_BASE_URL + PATH, params),
    },
    body: new URLSearchParams(params).toString(),
  });
}

interface SmsFigures {
  texts: number;
  errors: number;
  latenciesMs: number[];
  cpuMsPerText: number;
  statementsPerText: number;
}

/** One bot as its own process, texted at RATE a second; the server's CPU and statements counted. */
async function openLoopRun(entry: string, fake: FakeTwilio): Promise<SmsFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'sms-bench-'));
  const port = Number(values.port);
  const child = await startServer(entry, port, {
    STORAGE_URL: `sqlite:${join(dir, 'bench.db')}`,
    REDIS_URL: '',
    LOG_LEVEL: 'info',
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: COUNCIL,
    PUBLIC_BASE_URL,
    TWILIO_API_BASE_URL: fake.url,
    SMS_RATE_LIMIT_PER_MINUTE: '600',
  });
  const base = `http://127.0.0.1:${port}`;
  const url = base + PATH;
  const rate = Number(values.rate);
  const numbers = Number(values.numbers);
  const t0 = performance.now();
  const measureFrom = t0 + Number(values.warmup) * 1000;
  const end = measureFrom + Number(values.seconds) * 1000;
  const latencies: number[] = [];
  let texts = 0;
  let errors = 0;
  let before: { cpu: number; statements: number } | undefined;
  const snapshot = async () => ({ cpu: cpuMs(child.pid ?? 0), statements: await statementsSoFar(base) });
  try {
    const warmedUp = new Promise<void>((resolve) =>
      setTimeout(() => void snapshot().then((s) => ((before = s), resolve())), measureFrom - t0),
    );
    // Each phone's texts go one after another (Twilio delivers a number's webhooks in order).
    const previous = new Map<number, Promise<unknown>>();
    const sent: Promise<void>[] = [];
    for (let n = 0; ; n++) {
      const dueAt = t0 + (n * 1000) / rate;
      if (dueAt >= end) break;
      const wait = dueAt - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const phone = n % numbers;
      const measured = dueAt >= measureFrom;
      const text = SCRIPT[Math.floor(n / numbers) % SCRIPT.length] ?? 'hello';
      const turn = (previous.get(phone) ?? Promise.resolve()).then(async () => {
        const response = await signedText(url, n + 1, number(phone), text).catch(() => undefined);
        await response?.text();
        if (!measured) return;
        texts++;
        if (response?.status === 200) latencies.push(performance.now() - dueAt);
        else errors++;
      });
      previous.set(phone, turn);
      sent.push(turn);
    }
    await warmedUp;
    await Promise.all(sent);
    const after = await snapshot();
    const counted = Math.max(1, texts);
    return {
      texts,
      errors,
      latenciesMs: latencies.sort((a, b) => a - b),
      cpuMsPerText: (after.cpu - (before?.cpu ?? 0)) / counted,
      statementsPerText: (after.statements - (before?.statements ?? 0)) / counted,
    };
  } finally {
    await stopServer(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

const number = (n: number) => `+447700${String(900000 + n).padStart(6, '0')}`;

async function openLoop(): Promise<void> {
  const fake = await startFakeTwilio(ACCOUNT_SID, AUTH_TOKEN);
  const load = () =>
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`;
  process.stdout.write(
    `SMS webhook open loop: ${values.rate} texts/s from ${values.numbers} phones, ${values.seconds} s measured after ${values.warmup} s, SQLite, one process\n`,
  );
  try {
    for (const [name, entry] of [
      ['assistant', 'bot/index.ts'],
      ['echo bot', 'bench/echoServer.ts'],
    ] as const) {
      process.stdout.write(`  (${load()})\n`);
      const f = await openLoopRun(entry, fake);
      process.stdout.write(
        [
          name.padEnd(10),
          `p50 ${percentile(f.latenciesMs, 50).toFixed(1).padStart(6)} ms`,
          `p95 ${percentile(f.latenciesMs, 95).toFixed(1).padStart(6)} ms`,
          `p99 ${percentile(f.latenciesMs, 99).toFixed(1).padStart(6)} ms`,
          `CPU ${f.cpuMsPerText.toFixed(2).padStart(5)} ms/text`,
          `DB ${f.statementsPerText.toFixed(1).padStart(4)} statements/text`,
          `errors ${f.errors}/${f.texts}`,
        ].join('  ') + '\n',
      );
    }
    process.stdout.write(`  (${load()})\n`);
  } finally {
    await fake.close();
  }
}

(values.mode === 'closed' ? closedLoop() : openLoop()).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
