/**
 * A real restify server with the Direct Line adapter, a temp database and a tiny echo bot
 * (a welcome on conversationUpdate, "echo: …" on each message), for the Direct Line tests.
 * Log lines are captured so tests can check that no personal data reaches them.
 */
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import restify from 'restify';
import pino from 'pino';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { openDatabase, type Database } from '../../store/database.js';
import { DirectLineAdapter, type DirectLineOptions } from '../../adapters/directline/directLineAdapter.js';
import { DatabaseConversationStore } from '../../adapters/directline/conversationStore.js';
import { InProcessConversationEvents } from '../../adapters/directline/conversationEvents.js';
import { InProcessTurnQueue } from '../../adapters/turnQueue.js';

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';

export async function echoLogic(context: TurnContext): Promise<void> {
  const { activity } = context;
  if (activity.type === ActivityTypes.ConversationUpdate) {
    for (const member of activity.membersAdded ?? []) {
      if (member.id !== activity.recipient.id) await context.sendActivity('Welcome to Demoford Borough Council.');
    }
  } else if (activity.type === ActivityTypes.Message) {
    if (activity.text === 'crash') throw new Error('deliberate failure');
    await context.sendActivity(`echo: ${activity.text ?? ''}`);
  }
}

export interface Harness {
  baseUrl: string;
  /** http://127.0.0.1:port/v3/directline */
  domain: string;
  adapter: DirectLineAdapter;
  database: Database;
  logLines: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  storageUrl: string;
  logic?: (context: TurnContext) => Promise<void>;
  overrides?: Partial<DirectLineOptions>;
  /** Reuse a signing key, as the real server does from the database across restarts. */
  tokenSigningKey?: Uint8Array;
  /** More routes on the same server (a test page, a token endpoint). */
  extraRoutes?: (server: restify.Server, adapter: DirectLineAdapter) => void;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const logLines: string[] = [];
  const capture = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, capture);
  const database = await openDatabase(options.storageUrl);
  const adapter = new DirectLineAdapter({
    store: new DatabaseConversationStore(database.db),
    events: new InProcessConversationEvents(),
    turnQueue: new InProcessTurnQueue(),
    logger,
    tokenSigningKey: options.tokenSigningKey ?? new Uint8Array(randomBytes(32)),
    secret: SECRET,
    tokenTtlSeconds: 1800,
    conversationIdleMinutes: 30,
    maxBodyBytes: 65_536,
    botId: 'council-assistant',
    botName: 'Demoford Assistant',
    ...options.overrides,
  });
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: { type: error.name } }, 'turn failed');
    await context.sendActivity('Sorry, something went wrong.');
  };

  const server = restify.createServer({ handleUncaughtExceptions: false });
  adapter.registerRoutes(server, options.logic ?? echoLogic);
  adapter.attachWebSockets(server);
  options.extraRoutes?.(server, adapter);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    domain: `${baseUrl}/v3/directline`,
    adapter,
    database,
    logLines,
    async close() {
      await adapter.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.server.closeAllConnections();
      });
      await database.close();
    },
  };
}

/** fetch with a Bearer credential and a JSON body. */
export function call(
  url: string,
  init: { method?: string; auth?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.auth) headers.Authorization = `Bearer ${init.auth}`;
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
