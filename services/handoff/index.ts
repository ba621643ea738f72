/**
 * Handoff to a person, put together: the queue in the store, the service, the bot middleware,
 * the dialog MainDialog routes `agent.request` to, and the agent hub (/agent page, API and
 * WebSocket). The composition root builds it in two steps because dialogs are built before
 * adapters: createHandoff() early (gives the dialog and requestHandoff), then connect() with
 * the adapters, registerRoutes() and attachWebSockets() once the server exists.
 */
import type { ConversationState, TurnContext, Middleware } from 'botbuilder';
import type restify from 'restify';
import type pino from 'pino';
import type { Db } from '../../store/database.js';
import type { DatabaseTranscriptStore } from '../../store/transcriptStore.js';
import type { Cases } from '../cases/cases.js';
import type { AddressLookup } from '../addresses/addressLookup.js';
import type { ResidentMemory } from '../../dialogs/memory/residentMemory.js';
import { DbCases } from '../cases/dbCases.js';
import { HandoffConversation } from '../../dialogs/handoff/handoffConversation.js';
import { HandoffRequestDialog } from '../../dialogs/handoff/handoffRequestDialog.js';
import { AgentAccounts } from '../../adapters/agent/accounts.js';
import { AgentAudit } from '../../adapters/agent/audit.js';
import { registerAgentRoutes } from '../../adapters/agent/routes.js';
import { AgentSessions } from '../../adapters/agent/sessions.js';
import { SignInFailures } from '../../adapters/agent/signInFailures.js';
import { AgentSockets } from '../../adapters/agent/sockets.js';
import { ContactCentre } from './contactCentre.js';
import { loadSavedReplies } from './savedReplies.js';
import { HandoffQueue } from './handoffQueue.js';
import { HandoffMiddleware } from './middleware.js';
import { HandoffService, type HandoffInsights, type ProactiveAdapter, type RequestOutcome } from './handoffService.js';
import type { Collected, HandoffMemory, HandoffRequestInput } from './types.js';
import { InProcessHandoffEvents, type HandoffEvents } from './handoffEvents.js';

export interface HandoffOptions {
  db: Db;
  transcripts: DatabaseTranscriptStore;
  conversationState: ConversationState;
  logger: pino.Logger;
  /** Folder with contact-centre.json (COUNCIL_DATA_DIR). */
  dataDir: string;
  /** The council's phone number, offered when a resident declines a callback. */
  councilPhone: string;
  /** Callback cases (HC-); DbCases over `db` by default. */
  cases?: Cases;
  now?: () => number;
  /** Agent sessions last this long (default 8 hours). */
  sessionTtlMs?: number;
  /** Mark the session cookie Secure (set when served over HTTPS). */
  secureCookies?: boolean;
  /** How often the accept timers are checked (default 15 s). */
  sweepIntervalMs?: number;
  emitHandoffInitiate?: boolean;
  /** Shares queue and message events between instances (RedisHandoffEvents); default in-process. */
  events?: HandoffEvents;
  /** A velocity limit on new queue places (see HandoffService); none by default. */
  admitNewRequest?: (conversationId: string) => Promise<boolean>;
  /**
   * Urgent and safeguarding topics: such a message is never an answer to a handoff question,
   * and a callback on a topic without `askProperty` never asks for an address.
   */
  urgentTopics?: {
    topicIn(text: string): { id: string } | undefined;
    label(id: string): string;
    topic(id: string): { askProperty: boolean } | undefined;
  };
  /** The borough's addresses: a callback case asks which property it is about. */
  addresses?: AddressLookup;
  /** Completes the handoff context with what the dialogs remember (see HandoffService). */
  snapshot?: (context: TurnContext) => Promise<Collected>;
  /** Counts handoffs, waits and ratings for the council's insights. */
  insights?: HandoffInsights;
}

export interface Handoff {
  service: HandoffService;
  accounts: AgentAccounts;
  /** Console sign-in sessions and the audit trail, shared with the insights pages under /agent. */
  sessions: AgentSessions;
  audit: AgentAudit;
  /** Add to every channel adapter after the transcript logger. */
  middleware: Middleware;
  /** For MainDialog's jobs: `{ intents: ['agent.request'], dialog: handoff.dialog }`. */
  dialog: HandoffRequestDialog;
  requestHandoff(context: TurnContext, input: HandoffRequestInput): Promise<RequestOutcome>;
  rememberCollected(context: TurnContext, partial: Collected): Promise<void>;
  /** The adapters that reach residents, by channelId ('directline', 'sms'). */
  connect(adapters: Record<string, ProactiveAdapter | undefined>): void;
  registerRoutes(server: restify.Server): void;
  attachWebSockets(server: restify.Server): void;
  /** Starts hearing other instances and the periodic sweep of due timers and expired sessions. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createHandoff(options: HandoffOptions): Handoff {
  const now = options.now ?? Date.now;
  const memory = options.conversationState.createProperty<HandoffMemory>('handoff');
  const accounts = new AgentAccounts(options.db);
  const cases = options.cases ?? new DbCases(options.db);
  const collected = options.conversationState.createProperty<Collected>('handoffCollected');
  const service = new HandoffService({
    queue: new HandoffQueue(options.db),
    contactCentre: ContactCentre.load(options.dataDir),
    transcripts: options.transcripts,
    cases,
    conversationState: options.conversationState,
    memory,
    collected,
    logger: options.logger,
    councilPhone: options.councilPhone,
    now,
    ...(options.urgentTopics ? { topicLabel: (topic: string) => options.urgentTopics?.label(topic) ?? topic } : {}),
    ...(options.emitHandoffInitiate !== undefined ? { emitHandoffInitiate: options.emitHandoffInitiate } : {}),
    bus: options.events ?? new InProcessHandoffEvents(),
    ...(options.admitNewRequest ? { admitNewRequest: options.admitNewRequest } : {}),
    ...(options.snapshot ? { snapshot: options.snapshot } : {}),
    ...(options.insights ? { insights: options.insights } : {}),
    availableAgents: () => accounts.availableNow(now()),
  });
  const savedReplies = loadSavedReplies(options.dataDir);
  const sessionTtlMs = options.sessionTtlMs ?? 8 * 3_600_000;
  const sessions = new AgentSessions(options.db, accounts, sessionTtlMs);
  const audit = new AgentAudit(options.db);
  const signInFailures = new SignInFailures(options.db);
  const addresses = options.addresses;
  const conversation = new HandoffConversation(
    service,
    memory,
    addresses && {
      addresses,
      // The same state the dialogs keep the resident's address in (CouncilBot's residentMemory).
      residentMemory: options.conversationState.createProperty<ResidentMemory>('residentMemory'),
      mayAsk: (topic) => options.urgentTopics?.topic(topic)?.askProperty ?? true,
    },
  );
  const sockets = new AgentSockets(service, sessions, options.logger, now);
  let timer: NodeJS.Timeout | undefined;

  return {
    service,
    accounts,
    sessions,
    audit,
    middleware: new HandoffMiddleware(service, conversation, options.conversationState, collected, (text) => Boolean(options.urgentTopics?.topicIn(text))),
    dialog: new HandoffRequestDialog(service),
    requestHandoff: (context, input) => service.requestHandoff(context, input),
    rememberCollected: (context, partial) => service.rememberCollected(context, partial),
    connect(adapters) {
      for (const [channelId, adapter] of Object.entries(adapters)) if (adapter) service.connect(channelId, adapter);
    },
    registerRoutes(server) {
      registerAgentRoutes(server, { service, cases, savedReplies, accounts, sessions, audit, signInFailures, db: options.db, logger: options.logger, secureCookies: options.secureCookies ?? false, sessionTtlMs, now });
    },
    attachWebSockets(server) {
      sockets.attach(server.server);
    },
    async start() {
      if (timer) return;
      // Consoles hear other instances once the bus is listening. A bus that is down at start
      // must not keep the assistant from serving residents: wait a while, then carry on and
      // let it join when it can.
      const listening = service.listen();
      listening.catch((err: unknown) => options.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'handoff events not listening'));
      await Promise.race([listening.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      const sweep = () => {
        service.sweep().catch((err: unknown) => options.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'handoff sweep failed'));
        sessions.purgeExpired(now()).catch(() => undefined);
        signInFailures.purge(now()).catch(() => undefined);
      };
      timer = setInterval(sweep, options.sweepIntervalMs ?? 15_000);
      timer.unref();
      sweep();
    },
    async close() {
      if (timer) clearInterval(timer);
      await sockets.close();
      await service.stop();
    },
  };
}

export type { Collected, HandoffRequestInput } from './types.js';
export { HANDOFF_REQUEST_DIALOG } from '../../dialogs/handoff/handoffRequestDialog.js';
