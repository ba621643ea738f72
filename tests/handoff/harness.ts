/**
 * The whole assistant for the handoff tests, started through the real composition root with
 * the fake Twilio and a clock the test moves; and an agent client that signs in and calls
 * /agent/api like the console does.
 */
import { startAssistant } from '../../bot/assistant.js';
import { openDatabase, type Database } from '../../store/database.js';
import type { AssistantHandoff as Handoff } from '../../bot/assistant.js';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio.js';
import { sendSignedSms, TEST_TWILIO } from '../helpers/residents.js';
import { openConversation, type RestConversation } from '../helpers/directLineRest.js';
import { testDatabase, type TestDatabase } from '../helpers/databases.js';
import { scaled } from '../helpers/timeScale.js';

/** Monday 23 November 2026, 10:00 in London (GMT): the contact centre is open. */
export const MONDAY_10AM = Date.UTC(2026, 10, 23, 10, 0, 0);
/** The same Monday at 19:00: closed. */
export const MONDAY_7PM = Date.UTC(2026, 10, 23, 19, 0, 0);

export interface TestClock {
  now: number;
}

export interface HandoffCouncil {
  url: string;
  handoff: Handoff;
  fakeTwilio: FakeTwilio;
  clock: TestClock;
  database: Database;
  web(): Promise<RestConversation>;
  sms(number: string): (text: string) => Promise<string[]>;
  /** Stops the assistant but keeps the database (for restart tests). */
  stop(): Promise<void>;
}

/**
 * The whole assistant (the real composition root) with the fake Twilio and a clock the test
 * moves; `database` is a second handle on the same database, for reading what was stored.
 */
export async function startHandoffCouncil(
  options: { db?: TestDatabase; clock?: TestClock; fakeTwilio?: FakeTwilio; env?: Record<string, string> } = {},
): Promise<HandoffCouncil> {
  const testDb = options.db ?? (await testDatabase());
  const clock = options.clock ?? { now: MONDAY_10AM };
  const fakeTwilio = options.fakeTwilio ?? (await startFakeTwilio(TEST_TWILIO.accountSid, TEST_TWILIO.authToken));
  const assistant = await startAssistant({
    env: {
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      STORAGE_URL: testDb.url,
      TWILIO_ACCOUNT_SID: TEST_TWILIO.accountSid,
      TWILIO_AUTH_TOKEN: TEST_TWILIO.authToken,
      TWILIO_PHONE_NUMBER: TEST_TWILIO.councilNumber,
      PUBLIC_BASE_URL: TEST_TWILIO.publicBaseUrl,
      TWILIO_API_BASE_URL: fakeTwilio.url,
      // Agents and residents in these tests text faster than any real person would.
      SMS_RATE_LIMIT_PER_MINUTE: '600',
      ...options.env,
    },
    clock: () => new Date(clock.now),
  });
  const database = await openDatabase(testDb.url);
  const url = assistant.url;

  return {
    url,
    handoff: assistant.handoff,
    fakeTwilio,
    clock,
    database,
    web: () => openConversation(url),
    sms(number) {
      return (text) => sendSignedSms(url, fakeTwilio, number, text);
    },
    async stop() {
      await database.close();
      await assistant.stop();
    },
  };
}

/** An agent using the API the way the console page does: cookie session plus CSRF header. */
export class AgentClient {
  private cookie = '';
  csrf = '';

  constructor(private readonly url: string) {}

  /** The session cookie, for opening the console's WebSocket as the page would. */
  get cookieHeader(): string {
    return this.cookie;
  }

  async signIn(username: string, password: string): Promise<Response> {
    const response = await fetch(`${this.url}/agent/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const cookie = response.headers.get('set-cookie');
    if (cookie) this.cookie = cookie.split(';')[0] ?? '';
    if (response.ok) this.csrf = ((await response.clone().json()) as { csrfToken: string }).csrfToken;
    return response;
  }

  get(path: string): Promise<Response> {
    return fetch(`${this.url}/agent/api${path}`, { headers: { Cookie: this.cookie } });
  }

  post(path: string, body: unknown = {}): Promise<Response> {
    return fetch(`${this.url}/agent/api${path}`, {
      method: 'POST',
      headers: { Cookie: this.cookie, 'Content-Type': 'application/json', 'X-CSRF-Token': this.csrf },
      body: JSON.stringify(body),
    });
  }

  async json<T>(path: string): Promise<T> {
    const response = await this.get(path);
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
    return (await response.json()) as T;
  }
}

/** Polls until `check` returns a value (the agent's side and proactive messages are asynchronous). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = scaled(30_000),
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
