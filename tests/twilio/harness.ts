/**
 * A real restify server with only the SMS adapter on it, a fresh SQLite database, the fake
 * Twilio REST API, and requests signed with the real twilio library, as Twilio would.
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import pino from 'pino';
import restify from 'restify';
import twilio from 'twilio';
import { openDatabase, type Database } from '../../store/database.js';
import { InProcessTurnQueue } from '../../adapters/turnQueue.js';
import { TwilioSmsAdapter, type TwilioSmsOptions } from '../../adapters/twilio/twilioSmsAdapter.js';
import { testDatabase, type TestDatabase } from '../helpers/databases.js';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio.js';
import { createLogger } from '../../bot/logger.js';
import { DatabaseStorage } from '../../store/botStorage.js';
import { DeferredStateWrites } from '../../store/deferredStateWrites.js';

export const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const AUTH_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
export const COUNCIL_NUMBER = '+441632960000';
export const PUBLIC_BASE_URL = 'https://sms.demoford.example';

/** Ofcom's drama range: numbers that are never anyone's. */
export function residentNumber(n: number): string {
  return `+447700900${String(n).padStart(3, '0')}`;
}

let sidCounter = 0;
export function messageSid(): string {
  sidCounter += 1;
  return `SM${sidCounter.toString(16).padStart(8, '0')}${'a'.repeat(24)}`;
}

/** Echoes messages and greets when a resident joins; records what reached it. */
export function testLogic(seen: { type: string; text?: string; conversationId: string }[], delayMs = 0) {
  return async (context: TurnContext) => {
    const { activity } = context;
    seen.push({ type: activity.type, text: activity.text, conversationId: activity.conversation.id });
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    if (activity.type === ActivityTypes.ConversationUpdate && activity.membersAdded?.length) {
      await context.sendActivity('Hello from Demoford Council.');
    } else if (activity.type === ActivityTypes.Message) {
      await context.sendActivity(`You said: ${activity.text}`);
    }
  };
}

export interface Harness {
  url: string;
  adapter: TwilioSmsAdapter;
  fake: FakeTwilio;
  database: Database;
  testDb: TestDatabase;
  logLines: string[];
  seen: { type: string; text?: string; conversationId: string }[];
  /** Posts a correctly signed inbound message; returns the HTTP status and body. */
  sms(from: string, body: string, extra?: Record<string, string>): Promise<{ status: number; body: string }>;
  post(path: string, params: Record<string, string>, signature?: string): Promise<{ status: number; body: string }>;
  /** Bot state storage on the harness's database, its writes held back until a text is answered. */
  storage: DatabaseStorage;
  /** Stops the server and adapter and opens new ones on the same database. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  adapter?: Partial<TwilioSmsOptions>;
  delayMs?: number;
  /** Replaces the echo logic. */
  logic?: (context: TurnContext) => Promise<void>;
}

export function sign(path: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_BASE_URL + path, params);
}

export function inboundParams(from: string, body: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ToCountry: 'GB',
    ToState: '',
    SmsMessageSid: '',
    NumMedia: '0',
    ToCity: '',
    FromZip: '',
    SmsSid: '',
    FromState: '',
    SmsStatus: 'received',
    FromCity: '',
    Body: body,
    FromCountry: 'GB',
    To: COUNCIL_NUMBER,
    ToZip: '',
    NumSegments: '1',
    MessageSid: '',
    AccountSid: ACCOUNT_SID,
    From: from,
    ApiVersion: '2010-04-01',
    ...extra,
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const testDb = await testDatabase();
  const fake = await startFakeTwilio(ACCOUNT_SID, AUTH_TOKEN);
  const logLines: string[] = [];
  const capture = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger: pino.Logger = createLogger('debug', capture);
  const seen: Harness['seen'] = [];
  const logic = options.logic ?? testLogic(seen, options.delayMs);

  let database!: Database;
  let storage!: DatabaseStorage;
  let adapter!: TwilioSmsAdapter;
  let server!: restify.Server;
  let url = '';

  const open = async () => {
    database = await openDatabase(testDb.url);
    const stateWrites = new DeferredStateWrites();
    storage = new DatabaseStorage(database.db, stateWrites);
    adapter = new TwilioSmsAdapter({
      stateWrites,
      db: database.db,
      turnQueue: new InProcessTurnQueue(),
      logger,
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      phoneNumber: COUNCIL_NUMBER,
      publicBaseUrl: PUBLIC_BASE_URL,
      apiBaseUrl: fake.url,
      maxBodyBytes: 16_384,
      outboxSchedule: { retries: 4, minTimeoutMs: 5, maxTimeoutMs: 40, randomize: false },
      ...options.adapter,
    });
    server = restify.createServer({ handleUncaughtExceptions: false });
    // The client (fetch) and this server share one busy process: with Node's 5 s default, a
    // lagging event loop lets the server drop a kept-alive socket the client is reusing.
    server.server.keepAliveTimeout = 65_000;
    adapter.registerRoutes(server, logic);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const shut = async () => {
    await adapter.close();
    await new Promise<void>((resolve) => {
      server.server.closeAllConnections();
      server.close(() => resolve());
    });
    await database.close();
  };
  await open();

  const post: Harness['post'] = async (path, params, signature) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (signature !== undefined) headers['X-Twilio-Signature'] = signature;
    const response = await fetch(url + path, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
    return { status: response.status, body: await response.text() };
  };

  return {
    get url() {
      return url;
    },
    get adapter() {
      return adapter;
    },
    get database() {
      return database;
    },
    get storage() {
      return storage;
    },
    fake,
    testDb,
    logLines,
    seen,
    sms: (from, body, extra = {}) => {
      const params = inboundParams(from, body, { MessageSid: messageSid(), ...extra });
      return post('/api/sms/twilio', params, sign('/api/sms/twilio', params));
    },
    post,
    async restart() {
      await shut();
      await open();
    },
    async close() {
      await shut();
      await fake.close();
      await testDb.drop();
    },
  };
}
