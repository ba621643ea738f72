/**
 * Fuzzing a real assistant process: 10,000 requests generated from a seeded PRNG (set
 * FUZZ_SEED to replay a run) across Direct Line REST and its stream upgrades, the signed Twilio
 * webhook, the agent console API and socket, and static paths. Every answer must be below 500
 * (the process is not shutting down, so no 503 either), the process must never exit, and
 * after the burst its memory must settle back within 50 MB of where it started.
 *
 * Then the nested-activity flood that used to exhaust a 512 MB heap: 8 KB activities whose
 * channelData nests 4,000 arrays deep, posted one after another to a process started with
 * --max-old-space-size=512. Every one is refused and the process keeps serving.
 */
import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { killHard, startAssistantProcess, READY_LIMIT_MS } from '../helpers/process.js';
import { sqliteTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio.js';
import { rawRequest, upgradeHeaders } from '../helpers/rawHttp.js';
import { scaled } from '../helpers/timeScale.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const REQUESTS = 10_000;
const WARM_UP = 600;
const CONCURRENCY = 12;
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const PUBLIC_BASE_URL = 'https://sms.demoford.example';
const SECRET = 'fuzz-secret-0123456789-abcdefghijklmnop';
const AGENT_PASSWORD = 'fuzzing agent password';

/** mulberry32: small, fast and reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const WORDS = [
  'bin day',
  'DF1 1AA',
  'council tax',
  'tip permit',
  'person',
  'help',
  'menu',
  'cancel',
  'TP-123456',
  '50001234',
  'homeless tonight',
  'yes',
  'no',
  '1',
  'STOP',
  'START',
];
const NASTY = [
  '%E0%A4%A',
  '%',
  '%%',
  '..%2F..%2F',
  '\u0000',
  '😀'.repeat(50),
  '<script>alert(1)</script>',
  '[Pay now](https://evil.example)',
  'x'.repeat(5000),
  '\ud800',
];

function randomText(rng: Rng): string {
  if (rng.chance(0.2)) return rng.pick(NASTY);
  return Array.from({ length: 1 + rng.int(4) }, () => rng.pick(WORDS)).join(' ');
}

/** encodeURIComponent refuses lone surrogates; send their raw bytes' encoding instead. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

function randomJson(rng: Rng, depth: number): unknown {
  if (depth <= 0 || rng.chance(0.3)) return rng.pick([null, true, 1, -1.5, 'x', randomText(rng)]);
  if (rng.chance(0.5)) return Array.from({ length: rng.int(3) + 1 }, () => randomJson(rng, depth - 1));
  return Object.fromEntries(Array.from({ length: rng.int(3) + 1 }, (_, i) => [`k${i}`, randomJson(rng, depth - 1)]));
}

function nestedText(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function randomBody(rng: Rng): string | undefined {
  switch (rng.int(8)) {
    case 0:
      return undefined;
    case 1:
      return JSON.stringify({
        type: 'message',
        text: randomText(rng),
        channelData: { clientActivityID: String(rng.int(1e9)) },
      });
    case 2:
      return JSON.stringify({
        type: rng.pick(['message', 'event', 'typing', 'bogus']),
        text: randomText(rng),
        value: randomJson(rng, 6),
        entities: [randomJson(rng, 3)],
      });
    case 3:
      return `{"type":"message","text":"hi","channelData":{"x":${nestedText(rng.pick([10, 399, 401, 3000]))}}}`;
    case 4:
      return nestedText(rng.pick([50, 500, 5000]));
    case 5:
      return JSON.stringify(randomJson(rng, 8));
    case 6:
      return '{"type":"message","text":';
    default:
      return Buffer.from(Array.from({ length: rng.int(300) }, () => rng.int(256))).toString('latin1');
  }
}

interface Target {
  port: number;
  url: string;
  tokens: { token: string; conversationId: string }[];
  agentCookie: string;
  csrf: string;
}

interface Outcome {
  kind: string;
  status: number | null;
  description: string;
}

async function fetchStatus(kind: string, url: string, init: RequestInit, description: string): Promise<Outcome> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    await response.arrayBuffer();
    return { kind, status: response.status, description };
  } catch (error) {
    return { kind, status: null, description: `${description}: ${(error as Error).message}` };
  }
}

function directLineRequest(rng: Rng, t: Target): Promise<Outcome> {
  const known = rng.pick(t.tokens);
  const id = rng.pick([
    known.conversationId,
    'nope',
    rng.pick(NASTY).slice(0, 200),
    encode(randomText(rng)).slice(0, 300),
  ]);
  const path = rng.pick([
    '/v3/directline/tokens/generate',
    '/v3/directline/tokens/refresh',
    '/v3/directline/conversations',
    `/v3/directline/conversations/${id}`,
    `/v3/directline/conversations/${id}/activities`,
    `/v3/directline/conversations/${id}/activities?watermark=${rng.pick(['-', '0', '5', 'abc', '999999999999'])}`,
    `/v3/directline/conversations/${id}/upload`,
  ]);
  const auth = rng.pick([
    undefined,
    `Bearer ${known.token}`,
    `Bearer ${SECRET}`,
    'Bearer garbage',
    'Basic abc',
    `Bearer ${known.token.slice(0, -3)}abc`,
  ]);
  const method = rng.pick(['GET', 'POST', 'POST', 'POST', 'OPTIONS', 'PUT', 'DELETE']);
  const body = method === 'POST' ? randomBody(rng) : undefined;
  const headers: Record<string, string> = {};
  if (auth) headers.Authorization = auth;
  if (body !== undefined)
    headers['Content-Type'] = rng.pick([
      'application/json',
      'application/json',
      'text/plain',
      'multipart/form-data; boundary=x',
    ]);
  return fetchStatus(
    'directline',
    `${t.url}${path}`,
    { method, headers, ...(body !== undefined ? { body } : {}) },
    `${method} ${path.slice(0, 80)}`,
  );
}

async function upgradeRequest(rng: Rng, t: Target): Promise<Outcome> {
  const known = rng.pick(t.tokens);
  const target = rng.pick([
    `/v3/directline/conversations/${known.conversationId}/stream?t=${rng.pick(['', 'garbage', known.token])}`,
    `/v3/directline/conversations/${rng.pick(NASTY).slice(0, 100)}/stream`,
    '/v3/directline/conversations/%E0%A4%A/stream',
    'http://[/agent/api/socket',
    'http://[/v3/directline/conversations/x/stream',
    '/agent/api/socket',
    '/agent/elsewhere',
    '/nothing',
    '//double',
  ]);
  const extra = rng.pick([
    [],
    ['Cookie: agent_session=%E0%A4%A'],
    [`Cookie: ${t.agentCookie}`],
    ['Origin: https://evil.example', `Cookie: ${t.agentCookie}`],
    ['Cookie: agent_session=' + 'a'.repeat(500)],
  ]);
  const answer = await rawRequest(t.port, `GET ${target} HTTP/1.1\r\n${upgradeHeaders(`127.0.0.1:${t.port}`, extra)}`, {
    timeoutMs: 30_000,
  });
  // A genuine socket opens (101); anything else must be a refusal with a status.
  return { kind: 'upgrade', status: answer.status, description: `upgrade ${target.slice(0, 80)}` };
}

function twilioRequest(rng: Rng, t: Target): Promise<Outcome> {
  const path = rng.pick(['/api/sms/twilio', '/api/sms/twilio', '/api/sms/twilio/status']);
  const params: Record<string, string> = {
    MessageSid: `SM${rng.int(1e9).toString(16).padStart(32, '0')}`,
    AccountSid: ACCOUNT_SID,
    From: rng.pick(['+447700900001', '+447700900002', '+447700900003', '07700900004', 'not-a-number', '']),
    To: '+441632960000',
    Body: randomText(rng),
    MessageStatus: rng.pick(['delivered', 'failed', 'bogus']),
  };
  const signed = rng.chance(0.85);
  const signature = signed
    ? twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_BASE_URL + path, params)
    : rng.pick(['', 'bad', 'x'.repeat(100)]);
  const body = rng.chance(0.9) ? new URLSearchParams(params).toString() : (randomBody(rng) ?? '');
  return fetchStatus(
    'twilio',
    `${t.url}${path}`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
      body,
    },
    `POST ${path} signed=${signed}`,
  );
}

function agentRequest(rng: Rng, t: Target): Promise<Outcome> {
  const path = rng.pick([
    '/agent/api/login',
    '/agent/api/logout',
    '/agent/api/session',
    '/agent/api/queue',
    '/agent/api/agents',
    `/agent/api/handoffs/${rng.pick(['x', '1', rng.pick(NASTY).slice(0, 50)])}`,
    `/agent/api/handoffs/${rng.pick(['x', '1'])}/${rng.pick(['accept', 'messages', 'notes', 'end', 'transfer'])}`,
    `/agent/api/insights?from=${rng.pick(['2026-01-01', 'garbage'])}&to=2026-12-31`,
  ]);
  const method = path.includes('/api/handoffs/') && !/handoffs\/[^/]+$/.test(path) ? 'POST' : rng.pick(['GET', 'POST']);
  const cookie = rng.pick([undefined, t.agentCookie, 'agent_session=%E0%A4%A', 'agent_session=garbage']);
  const headers: Record<string, string> = { 'Content-Type': rng.pick(['application/json', 'text/plain']) };
  if (cookie) headers.Cookie = cookie;
  if (rng.chance(0.7)) headers['X-CSRF-Token'] = rng.pick([t.csrf, 'wrong']);
  if (rng.chance(0.2)) headers.Origin = rng.pick(['https://evil.example', 'not a url', `http://127.0.0.1:${t.port}`]);
  const body =
    method === 'POST'
      ? (rng.pick([
          JSON.stringify({ username: rng.pick(['demo-agent', 'x', '']), password: rng.pick(['wrong', '']) }),
          JSON.stringify({ text: randomText(rng), outcome: 'resolved', agentId: 'x' }),
          randomBody(rng),
        ]) ?? '')
      : undefined;
  return fetchStatus(
    'agent',
    `${t.url}${path}`,
    { method, headers, ...(body !== undefined ? { body } : {}) },
    `${method} ${path.slice(0, 80)}`,
  );
}

function staticRequest(rng: Rng, t: Target): Promise<Outcome> {
  const path = rng.pick([
    '/',
    '/assets/demo.js',
    '/assets/demo.css',
    '/agent',
    '/agent/assets/agent.js',
    '/agent/assets/agent.css',
    '/healthz',
    '/readyz',
    '/metrics',
    '/assets/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    `/${encode(randomText(rng)).slice(0, 200)}`,
    '/%E0%A4%A',
    '/api/messages',
  ]);
  const method = rng.pick(['GET', 'GET', 'HEAD', 'POST', 'PATCH']);
  return fetchStatus('static', `${t.url}${path}`, { method }, `${method} ${path.slice(0, 80)}`);
}

function nextRequest(rng: Rng, t: Target): Promise<Outcome> {
  const roll = rng.next();
  if (roll < 0.4) return directLineRequest(rng, t);
  if (roll < 0.5) return upgradeRequest(rng, t);
  if (roll < 0.65) return twilioRequest(rng, t);
  if (roll < 0.85) return agentRequest(rng, t);
  return staticRequest(rng, t);
}

async function waitForRss(pid: number, atMost: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let rss = rssMb(pid);
  while (rss > atMost && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    rss = rssMb(pid);
  }
  return rss;
}

describe('fuzzing a running assistant', () => {
  let proc: ChildProcess | undefined;
  let fakeTwilio: FakeTwilio;
  let database: TestDatabase;
  let target: Target;

  beforeAll(
    async () => {
      fakeTwilio = await startFakeTwilio(ACCOUNT_SID, AUTH_TOKEN);
      database = sqliteTestDatabase();
      const started = await startAssistantProcess({
        STORAGE_URL: database.url,
        LOG_LEVEL: 'fatal',
        DIRECTLINE_SECRET: SECRET,
        DEMO_AGENT_PASSWORD: AGENT_PASSWORD,
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_PHONE_NUMBER: '+441632960000',
        TWILIO_API_BASE_URL: fakeTwilio.url,
        PUBLIC_BASE_URL,
        SMS_WEBHOOK_WAIT_MS: '3000',
        // High enough that most requests reach the handlers being fuzzed; the limits have their own tests.
        LIMIT_TOKENS_PER_CLIENT_PER_MINUTE: '100000',
        LIMIT_TOKENS_PER_MINUTE: '1000000',
        LIMIT_CONVERSATIONS_PER_CLIENT_PER_MINUTE: '100000',
        LIMIT_CONVERSATIONS_PER_MINUTE: '1000000',
        LIMIT_SIGN_INS_PER_CLIENT_PER_HOUR: '100000',
        NODE_OPTIONS: '--max-old-space-size=512',
        // As the README recommends for production on glibc: fewer malloc arenas, so memory freed
        // after a burst is given back instead of staying fragmented across one arena per thread.
        MALLOC_ARENA_MAX: '2',
      });
      proc = started.proc;
      const { port, url } = started;
      const tokens = [];
      for (let i = 0; i < 8; i++) {
        const grant = (await (await fetch(`${url}/demo/token`, { method: 'POST' })).json()) as { token: string };
        const started = await fetch(`${url}/v3/directline/conversations`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${grant.token}` },
        });
        tokens.push((await started.json()) as { token: string; conversationId: string });
      }
      const login = await fetch(`${url}/agent/api/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'demo-agent', password: AGENT_PASSWORD }),
      });
      const agentCookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      target = { port, url, tokens, agentCookie, csrf: csrfToken };
    },
    READY_LIMIT_MS + scaled(60_000),
  );

  afterAll(async () => {
    await killHard(proc);
    await fakeTwilio?.close();
    await database?.drop();
  });

  it(
    `answers ${REQUESTS} generated requests below 500, never exits, and settles back in memory`,
    async () => {
      const child = proc!;
      // Warm up first: the Web Chat bundle is read and kept on first request, and every code path
      // compiled once (a one-off, not growth), so the baseline is the serving process's own size.
      await (await fetch(`${target.url}/assets/webchat.js`)).arrayBuffer();
      const failures: Outcome[] = [];
      const counts = new Map<string, number>();
      const warmUp = prng(SEED + 1);
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = 0; i < WARM_UP / CONCURRENCY; i++) {
            const outcome = await nextRequest(warmUp, target);
            if (outcome.status === null || outcome.status >= 500) failures.push(outcome);
          }
        }),
      );
      const startRss = rssMb(child.pid!);

      const rng = prng(SEED);
      let sent = 0;
      const worker = async () => {
        while (sent < REQUESTS) {
          sent++;
          const outcome = await nextRequest(rng, target);
          counts.set(outcome.kind, (counts.get(outcome.kind) ?? 0) + 1);
          if (outcome.status === null || outcome.status >= 500) failures.push(outcome);
          if (child.exitCode !== null || child.signalCode !== null)
            throw new Error(`the assistant exited (${child.exitCode ?? child.signalCode}) after ${sent} requests`);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));

      expect(failures.slice(0, 10), `seed ${SEED}`).toEqual([]);
      expect([...counts.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(REQUESTS);
      expect(child.exitCode).toBeNull();
      expect((await fetch(`${target.url}/healthz`)).status).toBe(200);

      const settled = await waitForRss(child.pid!, startRss + 50, 60_000);

      expect(settled, `RSS started at ${startRss.toFixed(0)} MB`).toBeLessThanOrEqual(startRss + 50);
    },
    scaled(600_000),
  );

  it(
    'survives a flood of 8 KB activities nesting 4,000 arrays deep at a 512 MB heap',
    async () => {
      const child = proc!;
      const conversation = target.tokens[0]!;
      const body = `{"type":"message","text":"hi","channelData":{"clientActivityID":"x","n":${nestedText(4000)}}}`;
      expect(body.length).toBeGreaterThanOrEqual(8000);
      // Two minutes of it, one post after another, as the resident who used to exhaust the heap did.
      const deadline = Date.now() + 120_000;
      let posted = 0;
      while (Date.now() < deadline || posted < 200) {
        const response = await fetch(
          `${target.url}/v3/directline/conversations/${conversation.conversationId}/activities`,
          {
            method: 'POST',
            headers: { Authorization: `Bearer ${conversation.token}`, 'Content-Type': 'application/json' },
            body,
          },
        );
        await response.arrayBuffer();
        expect(response.status).toBe(400);
        posted++;
      }
      expect(child.exitCode).toBeNull();
      expect((await fetch(`${target.url}/healthz`)).status).toBe(200);
      // The conversation still works for its resident.
      const ok = await fetch(`${target.url}/v3/directline/conversations/${conversation.conversationId}/activities`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${conversation.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'when is my bin day' }),
      });
      expect(ok.status).toBe(200);
    },
    scaled(300_000),
  );
});
