/**
 * The assistant with the handoff wired in, for these tests: the same parts as
 * bot/assistant.ts (database, Direct Line, Twilio SMS with the local fake, MainDialog and
 * CouncilBot), plus createHandoff with `agent.request` routed to its dialog, and a clock the
 * test moves. Also an agent client that signs in and calls /agent/api like the console does.
 */
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConversationState, TranscriptLoggerMiddleware, UserState, type BotAdapter } from 'botbuilder';
import pino from 'pino';
import twilio from 'twilio';
import { loadConfig } from '../../bot/config.js';
import { AssistantMetrics } from '../../bot/metrics.js';
import { CouncilBot } from '../../bot/councilBot.js';
import { createServer } from '../../bot/server.js';
import { openDatabase, type Database } from '../../store/database.js';
import { DatabaseStorage } from '../../store/botStorage.js';
import { DatabaseTranscriptStore } from '../../store/transcriptStore.js';
import { tokenSigningKey } from '../../store/settings.js';
import { Messages } from '../../dialogs/content.js';
import { MainDialog } from '../../dialogs/mainDialog.js';
import { CouncilRecognizer } from '../../intents/recogniser.js';
import { DirectLineAdapter } from '../../adapters/directline/directLineAdapter.js';
import { DatabaseConversationStore } from '../../adapters/directline/conversationStore.js';
import { InProcessConversationEvents } from '../../adapters/directline/conversationEvents.js';
import { InProcessTurnQueue } from '../../adapters/turnQueue.js';
import { TwilioSmsAdapter } from '../../adapters/twilio/twilioSmsAdapter.js';
import { createHandoff, type Handoff } from '../../services/handoff/index.js';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio.js';
import { TEST_TWILIO } from '../helpers/residents.js';
import { openConversation, type RestConversation } from '../helpers/directLineRest.js';
import { sqliteTestDatabase, type TestDatabase } from '../helpers/databases.js';

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

let sid = 0;

export async function startHandoffCouncil(options: { db?: TestDatabase; clock?: TestClock; fakeTwilio?: FakeTwilio } = {}): Promise<HandoffCouncil> {
  const testDb = options.db ?? sqliteTestDatabase();
  const clock = options.clock ?? { now: MONDAY_10AM };
  const fakeTwilio = options.fakeTwilio ?? (await startFakeTwilio(TEST_TWILIO.accountSid, TEST_TWILIO.authToken));
  const config = loadConfig({
    NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', STORAGE_URL: testDb.url,
    TWILIO_ACCOUNT_SID: TEST_TWILIO.accountSid, TWILIO_AUTH_TOKEN: TEST_TWILIO.authToken,
    TWILIO_PHONE_NUMBER: TEST_TWILIO.councilNumber, PUBLIC_BASE_URL: TEST_TWILIO.publicBaseUrl, TWILIO_API_BASE_URL: fakeTwilio.url,
  });
  const logger = pino({ level: 'silent' });
  const metrics = new AssistantMetrics();
  const database = await openDatabase(config.STORAGE_URL);
  const storage = new DatabaseStorage(database.db);
  const transcripts = new DatabaseTranscriptStore(database.db);
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const dataDir = resolve(config.COUNCIL_DATA_DIR);
  const messages = Messages.load(dataDir);
  const now = () => clock.now;

  const handoff = createHandoff({ db: database.db, transcripts, conversationState, logger, dataDir, councilPhone: messages.council.phone, now });
  const recogniser = await CouncilRecognizer.load();
  const mainDialog = new MainDialog(recogniser, messages, conversationState.createProperty('mainMemory'), [{ intents: ['agent.request'], dialog: handoff.dialog }], {
    clock: () => new Date(clock.now),
  });
  const bot = new CouncilBot(conversationState, userState, mainDialog, messages);
  const prepare = <T extends BotAdapter>(adapter: T): T => {
    adapter.use(new TranscriptLoggerMiddleware(transcripts));
    adapter.use(handoff.middleware);
    adapter.onTurnError = async (_context, error) => {
      throw error;
    };
    return adapter;
  };
  const turnQueue = new InProcessTurnQueue();
  const directLine = prepare(new DirectLineAdapter({
    store: new DatabaseConversationStore(database.db), events: new InProcessConversationEvents(), turnQueue, logger,
    tokenSigningKey: await tokenSigningKey(database.db), tokenTtlSeconds: 3600, conversationIdleMinutes: 60, maxBodyBytes: 65536,
    botId: 'council-assistant', botName: messages.council.assistantName,
  }));
  const sms = prepare(new TwilioSmsAdapter({
    db: database.db, turnQueue, logger, accountSid: TEST_TWILIO.accountSid, authToken: TEST_TWILIO.authToken,
    phoneNumber: TEST_TWILIO.councilNumber, publicBaseUrl: TEST_TWILIO.publicBaseUrl, apiBaseUrl: fakeTwilio.url,
    maxBodyBytes: 65536, dataDir, retry: { maxAttempts: 1 }, rateLimit: 1000,
  }));
  handoff.connect({ directline: directLine, sms });
  const server = createServer({
    config, logger, metrics, isReady: () => database.ping(), botLogic: (context) => bot.run(context),
    cloudAdapter: new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})), channels: [directLine, sms], issueDemoToken: () => directLine.issueToken(),
  });
  handoff.registerRoutes(server);
  directLine.attachWebSockets(server);
  handoff.attachWebSockets(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    handoff,
    fakeTwilio,
    clock,
    database,
    web: () => openConversation(url),
    sms(number) {
      return async (text) => {
        const before = fakeTwilio.sentTo(number).length;
        sid += 1;
        const params: Record<string, string> = {
          MessageSid: `SM${(Date.now() * 1000 + sid).toString(16).padStart(32, '0')}`, AccountSid: TEST_TWILIO.accountSid,
          From: number, To: TEST_TWILIO.councilNumber, Body: text, NumMedia: '0',
        };
        const path = '/api/sms/twilio';
        const response = await fetch(url + path, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            'X-Twilio-Signature': twilio.getExpectedTwilioSignature(TEST_TWILIO.authToken, TEST_TWILIO.publicBaseUrl + path, params),
          },
          body: new URLSearchParams(params).toString(),
        });
        if (!response.ok) throw new Error(`SMS webhook answered ${response.status}`);
        return fakeTwilio.sentTo(number).slice(before).map((m) => m.body);
      };
    },
    async stop() {
      await handoff.close();
      await directLine.close();
      await sms.close(1000);
      server.closeAllConnections?.();
      await new Promise<void>((done) => server.close(() => done()));
      await database.close();
    },
  };
}

/** An agent using the API the way the console page does: cookie session plus CSRF header. */
export class AgentClient {
  private cookie = '';
  csrf = '';

  constructor(private readonly url: string) {}

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
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
