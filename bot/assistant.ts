/**
 * The composition root: the only place that builds long-lived objects, in order,
 * readable top to bottom: config -> logger -> store -> services -> recogniser -> dialogs ->
 * bot -> adapters -> server. Everything else receives what it needs in its constructor.
 * bot/index.ts runs it as a process; tests start it in-process.
 */
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  TranscriptLoggerMiddleware,
  UserState,
  type ActivityHandler,
  type BotAdapter,
} from 'botbuilder';
import type pino from 'pino';
import { loadConfig, type Config } from './config.js';
import { createLogger, wantsReadableLogs } from './logger.js';
import { AssistantMetrics } from './metrics.js';
import { InflightTurns } from './inflightTurns.js';
import { Draining } from './draining.js';
import { CouncilBot } from './councilBot.js';
import { createTurnErrorHandler } from './turnErrorHandler.js';
import { createServer } from './server.js';
import { blameSetting, checkCouncilDataDir } from './startErrors.js';
import { openDatabase } from '../store/database.js';
import { DatabaseStorage } from '../store/botStorage.js';
import { DeferredStateWrites } from '../store/deferredStateWrites.js';
import { DatabaseTranscriptStore } from '../store/transcriptStore.js';
import { tokenSigningKey } from '../store/settings.js';
import { crossInstance } from './crossInstance.js';
import { deleteExpiredPersonalData } from '../store/retention.js';
import { Messages } from '../dialogs/content.js';
import { asChannel, SMS, WEB_CHAT } from '../services/channels/channels.js';
import { MainDialog, type JobRoute } from '../dialogs/mainDialog.js';
import { BinDayDialog } from '../dialogs/bins/binDayDialog.js';
import { MissedBinDialog } from '../dialogs/bins/missedBinDialog.js';
import { loadDemoCouncilData } from '../services/data/loadDemoCouncilData.js';
import { DatabaseMissedCollections } from '../services/bins/databaseMissedCollections.js';
import { createCouncilTaxServices, embeddedCouncilTaxBackOffice } from '../services/councilTax/index.js';
import { MissedReportPolicy, missedReportRules } from '../services/bins/missedReportPolicy.js';
import { chooseBackOffice, backOfficeSummary } from './backOffice.js';
import { HttpAddressLookup } from '../services/backOffice/http/httpAddressLookup.js';
import { HttpBinCollections, HttpMissedCollections } from '../services/backOffice/http/httpBinCollections.js';
import { HttpAccountLookup, HttpCouncilTaxRecords } from '../services/backOffice/http/httpCouncilTax.js';
import { HttpCases } from '../services/backOffice/http/httpCases.js';
import { HttpPermits } from '../services/backOffice/http/httpPermits.js';
import type { MissedCollections } from '../services/bins/missedCollections.js';
import type { Cases } from '../services/cases/cases.js';
import type { Permits } from '../services/tip/permits.js';
import { DbCases } from '../services/cases/dbCases.js';
import { CouncilTaxDialog, COUNCIL_TAX_INTENTS } from '../dialogs/counciltax/councilTaxDialog.js';
import { AccountRequests } from '../dialogs/counciltax/accountRequests.js';
import { CouncilRecognizer } from '../intents/recogniser.js';
import { DirectLineAdapter } from '../adapters/directline/directLineAdapter.js';
import { DatabaseConversationStore } from '../adapters/directline/conversationStore.js';
import { HandoffService } from '../services/handoff/handoffService.js';
import { HandoffQueue } from '../services/handoff/handoffQueue.js';
import { ContactCentre } from '../services/handoff/contactCentre.js';
import { loadSavedReplies } from '../services/handoff/savedReplies.js';
import type { Collected, HandoffMemory } from '../services/handoff/types.js';
import { HandoffConversation } from '../dialogs/handoff/handoffConversation.js';
import { HandoffMiddleware } from '../dialogs/handoff/handoffMiddleware.js';
import { HandoffRequestDialog } from '../dialogs/handoff/handoffRequestDialog.js';
import type { ResidentMemory } from '../dialogs/memory/residentMemory.js';
import { AgentAccounts } from '../adapters/agent/accounts.js';
import { AgentHub } from '../adapters/agent/agentHub.js';
import { TwilioSmsAdapter, type SmsMetrics } from '../adapters/twilio/twilioSmsAdapter.js';
import { dialogStackAtTurnStart, handoffSnapshot, type JobIntents } from './handoffSnapshot.js';
import { seedDemoAgent, seedDemoSupervisor } from '../adapters/agent/demoAgent.js';
import { registerInsightsRoutes } from '../adapters/agent/insightsRoutes.js';
import { InsightEvents } from '../services/insights/events.js';
import { InsightInbox } from '../services/insights/inbox.js';
import { TurnInsights } from './turnInsights.js';
import { handoffInsights } from './handoffInsights.js';
import { LivePersonRequest } from '../dialogs/counciltax/livePersonRequest.js';
import { TwilioTexts } from '../adapters/twilio/sendText.js';
import { loadTipData } from '../services/tip/tipData.js';
import { EmbeddedTipSites } from '../services/tip/embeddedTipSites.js';
import { DatabasePermits } from '../services/tip/databasePermits.js';
import { PermitPolicy } from '../services/tip/permitPolicy.js';
import { asksForAnotherPermit, BookPermitDialog } from '../dialogs/tip/bookPermitDialog.js';
import { SiteInfoDialog } from '../dialogs/tip/siteInfoDialog.js';
import { actsOnPermitJustHandled, ManagePermitDialog } from '../dialogs/tip/managePermitDialog.js';
import type { TipServices } from '../dialogs/tip/tipServices.js';
import { VelocityLimits, limitRules } from './limits/velocityLimits.js';
import { LimitedAccounts } from './limits/limitedAccounts.js';
import { LimitedPermits } from './limits/limitedPermits.js';
import { currentClient } from '../adapters/requestClient.js';
import { UrgentTopics } from '../services/safeguarding/urgentTopics.js';
import { UrgentDialog } from '../dialogs/urgent/urgentDialog.js';
import { Signposts, signpostMessageId } from '../services/signposts/signposts.js';
import { ConversationWords } from '../services/words/conversationWords.js';

/** How often due accept timers are acted on (a waiting resident offered a callback). */
const HANDOFF_SWEEP_MS = 15_000;

export interface AssistantHandoff {
  service: HandoffService;
  accounts: AgentAccounts;
}

/** How long a database (or its first migration) may take to answer at start before the start fails naming STORAGE_URL. */
const STORAGE_START_TIMEOUT_MS = 30_000;

export interface RunningAssistant {
  config: Config;
  logger: pino.Logger;
  /** http://<HOST, or 127.0.0.1 when listening on every address>:<port> */
  url: string;
  port: number;
  /** Graceful stop: refuse new requests, finish turns in flight, close storage. */
  stop(): Promise<void>;
  /** The handoff queue and agent accounts, for operations scripts and tests. */
  handoff: AssistantHandoff;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Where logs go (tests capture them to check redaction); stdout by default. */
  logDestination?: pino.DestinationStream;
  /**
   * Replaces CouncilBot with another bot on the same stack (adapters, storage, middleware);
   * the benchmark uses a bare echo bot to measure what the assistant's own logic costs.
   */
  replaceBot?: (conversationState: ConversationState) => ActivityHandler;
  /** The time the dialogs see (tests fix it to a bank-holiday week, say); the real clock by default. */
  clock?: () => Date;
}

export async function startAssistant(options: StartOptions = {}): Promise<RunningAssistant> {
  const config = loadConfig(options.env ?? process.env);
  const logger = createLogger(config.LOG_LEVEL, options.logDestination, wantsReadableLogs(config.NODE_ENV));
  const metrics = new AssistantMetrics();
  const inflight = new InflightTurns();

  // Store
  const database = await blameSetting(
    'STORAGE_URL',
    'the database could not be opened',
    () => openDatabase(config.STORAGE_URL),
    STORAGE_START_TIMEOUT_MS,
  );
  // A channel that keeps an inbox commits a turn's state with "answered" (see DeferredStateWrites).
  const stateWrites = new DeferredStateWrites();
  const storage = new DatabaseStorage(database.db, stateWrites);
  const transcripts = new DatabaseTranscriptStore(database.db, stateWrites);
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  // Shared with the council's other instances through Redis, or in-process when alone. Checked
  // before the slow parts of the start (training), so a Redis that is down is reported at once.
  const shared = await crossInstance(config.REDIS_URL, database.db, logger);

  // Council data and the services over it
  const clock = options.clock ?? (() => new Date());
  const dataDir = resolve(config.COUNCIL_DATA_DIR);
  checkCouncilDataDir(dataDir);
  const council = loadDemoCouncilData(dataDir);
  // Each back-office port from the data folder and store, or from the council's own system.
  const choose = chooseBackOffice(config);
  const addresses = choose(
    'addresses',
    () => council.addressLookup,
    (http) => new HttpAddressLookup(http),
  );
  const binCollections = choose(
    'bins',
    () => council.binCollections,
    (http) => new HttpBinCollections(http),
  );
  const missedCollections = choose<MissedCollections>(
    'bins',
    () => new DatabaseMissedCollections(database.db),
    (http) => new HttpMissedCollections(http),
  );
  const missedReportPolicy = new MissedReportPolicy(
    binCollections,
    missedReportRules(council.bins.rules),
    council.workingDays,
  );
  const councilTax = createCouncilTaxServices(dataDir, council.gazetteer, database.db, (data) =>
    choose(
      'councilTax',
      () => embeddedCouncilTaxBackOffice(data, council.gazetteer),
      (http) => ({
        records: new HttpCouncilTaxRecords(http),
        accounts: new HttpAccountLookup(http),
      }),
    ),
  );
  const cases = choose<Cases>(
    'cases',
    () => new DbCases(database.db),
    (http) => new HttpCases(http),
  );
  const tipData = loadTipData(join(dataDir, 'tip'), council.bins.bankHolidays);
  const tipSites = new EmbeddedTipSites(tipData);
  const permitPolicy = new PermitPolicy(tipData.policy, tipSites);
  const tip: TipServices = {
    sites: tipSites,
    permits: choose<Permits>(
      'permits',
      () => new DatabasePermits({ db: database.db, addresses, sites: tipSites, policy: tipData.policy }),
      (http) => new HttpPermits(http, permitPolicy),
    ),
    policy: permitPolicy,
    bankHolidays: council.bins.bankHolidays,
    clock,
    // Permits go by text from the web only when the council has a Twilio number.
    ...(config.TWILIO_ACCOUNT_SID &&
      config.TWILIO_AUTH_TOKEN &&
      config.TWILIO_PHONE_NUMBER && {
        texts: new TwilioTexts({
          db: database.db,
          logger: logger.child({ channel: 'sms' }),
          accountSid: config.TWILIO_ACCOUNT_SID,
          authToken: config.TWILIO_AUTH_TOKEN,
          phoneNumber: config.TWILIO_PHONE_NUMBER,
          apiBaseUrl: config.TWILIO_API_BASE_URL,
        }),
      }),
  };

  // Content, understanding and dialogs
  const messages = Messages.load(dataDir);
  // The council's own words (data folder intents/) are trained with the shipped corpus.
  // Training takes a minute or so on a first start (or after the corpus changed): say so.
  const recogniser = await CouncilRecognizer.load({
    modelPath: resolve(config.INTENT_MODEL_PATH),
    councilCorpusDir: join(dataDir, 'intents'),
    onTraining: {
      started: ({ path, reason }) =>
        logger.info({ path, reason }, 'training the intent model (about a minute; cached for later starts)'),
      finished: ({ path, ms }) => logger.info({ path, ms }, 'intent model trained'),
    },
  });
  const urgentTopics = UrgentTopics.load(dataDir);
  const isUrgent = (text: string | undefined) => Boolean(urgentTopics.topicIn(text));
  const signposts = Signposts.load(dataDir);
  const words = ConversationWords.load(dataDir);
  // Every signpost and language the data names must have its words, for web and SMS, before start.
  messages.require(
    [...signposts.all.map((s) => signpostMessageId(s.id)), 'signpost.otherCouncil'],
    'signposts/messages.json',
  );
  messages.require(
    [...words.languageCodes.map((code) => `language.${code}`), 'frustrated', 'frustratedNoPerson', 'smallTalk'],
    'conversation/messages.json',
  );

  // Velocity limits: what one client (or everyone together) may ask for, counted where the
  // instances share counts. Lookups that reveal personal data are wrapped here, so neither
  // the services nor the dialogs need to know about clients or limits.
  const limits = new VelocityLimits(
    limitRules(config),
    shared.limiter,
    metrics.rateLimited,
    logger.child({ part: 'limits' }),
  );
  const limitedCouncilTax = { ...councilTax, accounts: new LimitedAccounts(councilTax.accounts, limits) };
  tip.permits = new LimitedPermits(tip.permits, limits);

  // Insights: events counted as they happen (in the turn's transaction where the channel holds
  // one), and the inbox of messages not understood; urgent messages never go in it.
  const insightEvents = new InsightEvents(database.db, stateWrites);
  const insightInbox = new InsightInbox(database.db, isUrgent, stateWrites);
  const turnInsights = new TurnInsights(
    conversationState.createProperty('insights'),
    conversationState.createProperty('answeredQuestion'),
    messages,
    insightEvents,
    insightInbox,
    clock,
  );

  // Handoff to a person: the service (queue, callbacks, relay both ways), then its dialogs;
  // the agent hub that serves the console is an adapter, built with the other adapters below.
  const jobIntents: JobIntents = new Map();
  const now = () => clock().getTime();
  // The hub's accounts are built now because the queue's wait estimate counts who is available.
  const agentAccounts = new AgentAccounts(database.db);
  const handoffMemory = conversationState.createProperty<HandoffMemory>('handoff');
  const handoffCollected = conversationState.createProperty<Collected>('handoffCollected');
  const handoffLogger = logger.child({ part: 'handoff' });
  const handoff = new HandoffService({
    queue: new HandoffQueue(database.db),
    contactCentre: ContactCentre.load(dataDir),
    transcripts,
    cases,
    conversationState,
    memory: handoffMemory,
    collected: handoffCollected,
    logger: handoffLogger,
    councilPhone: messages.council.phone,
    now,
    topicLabel: (topic) => urgentTopics.label(topic),
    bus: shared.handoffEvents,
    admitNewRequest: async (conversationId) =>
      (await limits.admit('handoffs', currentClient() ?? `conversation:${conversationId}`)).allowed,
    snapshot: handoffSnapshot(conversationState, jobIntents),
    availableAgents: () => agentAccounts.availableNow(now()),
    insights: handoffInsights(insightEvents, turnInsights, now),
  });
  const handoffConversation = new HandoffConversation(handoff, handoffMemory, {
    addresses,
    // The same state the dialogs keep the resident's address in (CouncilBot's residentMemory).
    residentMemory: conversationState.createProperty<ResidentMemory>('residentMemory'),
    mayAsk: (topic) => urgentTopics.topic(topic)?.askProperty ?? true,
  });
  const handoffMiddleware = new HandoffMiddleware(
    handoff,
    handoffConversation,
    conversationState,
    handoffCollected,
    isUrgent,
  );
  const jobs: JobRoute[] = [
    {
      intents: ['bins.next_collection'],
      dialog: new BinDayDialog(addresses, binCollections, messages, clock, council.bins.bankHolidays),
      // "what about over christmas", "and 22 Mill Lane DF2 4QT": the same question for another day or address.
      followUp: (u) => u.entities.some((e) => e.type === 'date' || e.type === 'postcode'),
    },
    {
      intents: ['tip.book_permit'],
      dialog: new BookPermitDialog(addresses, tip, messages),
      inContext: asksForAnotherPermit,
    },
    { intents: ['tip.site_info'], dialog: new SiteInfoDialog(tip, messages) },
    {
      intents: ['tip.manage_permit'],
      dialog: new ManagePermitDialog(tip, messages),
      inContext: actsOnPermitJustHandled,
    },
    {
      intents: ['bins.missed'],
      dialog: new MissedBinDialog(addresses, binCollections, missedReportPolicy, missedCollections, messages, clock),
    },
    {
      intents: COUNCIL_TAX_INTENTS,
      dialog: new CouncilTaxDialog({
        services: limitedCouncilTax,
        addresses,
        cases,
        person: new LivePersonRequest(handoff, clock),
        accountRequests: AccountRequests.load(dataDir),
        messages,
        clock,
        remember: (context, partial) => handoff.rememberCollected(context, partial),
      }),
    },
  ];
  jobs.push({ intents: ['agent.request'], dialog: new HandoffRequestDialog(handoff) });
  // A job for several intents (council tax) is named by their common prefix ("counciltax").
  for (const job of jobs)
    jobIntents.set(
      job.dialog.id,
      job.intents.length === 1 ? (job.intents[0] ?? '') : ((job.intents[0] ?? '').split('.')[0] ?? ''),
    );
  const mainDialog = new MainDialog(recogniser, messages, conversationState.createProperty('mainMemory'), jobs, {
    clock,
    onUnderstood: (understanding) => metrics.intents.inc({ intent: understanding.intent }),
    // Which system and why, never the resident's details.
    onBackOfficeUnavailable: (error) =>
      logger.warn({ backOffice: error.port, cause: error.failure }, 'a back-office system did not answer'),
    urgent: { topics: urgentTopics, dialog: new UrgentDialog(urgentTopics, messages, handoff) },
    signposts,
    words,
    coversPostcode: (postcode) => addresses.coversPostcode(postcode),
  });
  const bot =
    options.replaceBot?.(conversationState) ??
    new CouncilBot(conversationState, userState, mainDialog, messages, {
      answersAlone: (text) => isUrgent(text) || Boolean(words.languageOf(text)),
      clock,
      insights: turnInsights,
    });

  // Adapters: every channel gets the same middleware and the same error handling.
  const onTurnError = createTurnErrorHandler(logger, messages, conversationState);
  const prepare = <T extends BotAdapter>(adapter: T): T => {
    adapter.use(inflight.middleware());
    adapter.use(metrics.middleware());
    adapter.use(new TranscriptLoggerMiddleware(transcripts));
    // What the job in progress had gathered, for the handoff's context panel (see handoffSnapshot).
    adapter.use(dialogStackAtTurnStart(conversationState));
    // While a resident waits for or talks to a person, their messages go there, not to the dialogs.
    adapter.use(handoffMiddleware);
    adapter.onTurnError = async (context, error) => {
      metrics.turnErrors.inc({ channel: context.activity.channelId ?? 'unknown' });
      await onTurnError(context, error);
    };
    return adapter;
  };

  const cloudAdapter = prepare(
    new CloudAdapter(
      new ConfigurationBotFrameworkAuthentication({
        MicrosoftAppId: config.MICROSOFT_APP_ID,
        MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD,
        MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID,
        MicrosoftAppType: config.MICROSOFT_APP_TYPE,
      }),
    ),
  );

  const directLine = prepare(
    new DirectLineAdapter({
      store: new DatabaseConversationStore(database.db),
      events: shared.conversationEvents,
      turnQueue: shared.turnQueue,
      logger: logger.child({ channel: 'directline' }),
      tokenSigningKey: await tokenSigningKey(database.db),
      secret: config.DIRECTLINE_SECRET,
      tokenTtlSeconds: config.DIRECTLINE_TOKEN_TTL_SECONDS,
      tokenMaxAgeSeconds: Math.round(config.DIRECTLINE_TOKEN_MAX_AGE_HOURS * 3600),
      conversationIdleMinutes: config.CONVERSATION_IDLE_MINUTES,
      maxBodyBytes: config.MAX_BODY_BYTES,
      botId: 'council-assistant',
      botName: messages.council.assistantName,
      allowedOrigin: config.CORS_ORIGIN,
      inbox: {
        db: database.db,
        leaseMs: config.INBOX_LEASE_SECONDS * 1000,
        singleInstance: database.dialect === 'sqlite',
        stateWrites,
        givenUpText: messages.render('turnError', asChannel(WEB_CHAT)).text,
        onGivenUp: () => metrics.messagesGivenUp.inc({ channel: 'directline' }),
      },
    }),
  );

  // SMS, when the council has a Twilio number (config requires all three settings together).
  const sms =
    config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_PHONE_NUMBER && config.PUBLIC_BASE_URL
      ? prepare(
          new TwilioSmsAdapter({
            db: database.db,
            turnQueue: shared.turnQueue,
            logger: logger.child({ channel: 'sms' }),
            accountSid: config.TWILIO_ACCOUNT_SID,
            authToken: config.TWILIO_AUTH_TOKEN,
            phoneNumber: config.TWILIO_PHONE_NUMBER,
            publicBaseUrl: config.PUBLIC_BASE_URL,
            apiBaseUrl: config.TWILIO_API_BASE_URL,
            maxBodyBytes: config.MAX_BODY_BYTES,
            dataDir,
            greetAfterSilenceMs: config.SMS_GREET_AFTER_SILENCE_HOURS * 3_600_000,
            // Shared across instances, so a number's texts count once however they are spread.
            rateLimiter: shared.smsRateLimiter(config.SMS_RATE_LIMIT_PER_MINUTE),
            maxSegmentsPerText: config.SMS_MAX_SEGMENTS_PER_TEXT,
            webhookWaitMs: config.SMS_WEBHOOK_WAIT_MS,
            botName: messages.council.assistantName,
            metrics: countedSms(metrics.smsMetrics(), insightEvents, logger, clock),
            stateWrites,
            givenUpText: messages.render('turnError', asChannel(SMS)).text,
            leaseMs: config.INBOX_LEASE_SECONDS * 1000,
            // SQLite means one instance: at start, every unfinished text is its own from before.
            singleInstance: database.dialect === 'sqlite',
            outboxSchedule: {
              retries: config.SMS_SEND_RETRIES,
              minTimeoutMs: config.SMS_SEND_RETRY_FIRST_MS,
              maxTimeoutMs: config.SMS_SEND_RETRY_MAX_MS,
            },
            onUndeliverable: (conversationId) =>
              handoff.unreachable(
                conversationId,
                SMS.id,
                'Replies to this resident could not be sent by text, even after retrying for several minutes. Please phone them.',
              ),
          }),
        )
      : undefined;

  handoff.connect(WEB_CHAT.id, directLine);
  if (sms) handoff.connect(SMS.id, sms);
  if (sms) metrics.smsOutbox(() => sms.outboxCounts());

  // Server
  const server = createServer({
    config,
    logger,
    metrics,
    isReady: async () => (await database.ping()) && (await shared.isReady()),
    botLogic: (context) => bot.run(context),
    cloudAdapter,
    channels: sms ? [directLine, sms] : [directLine],
    issueDemoToken: () => directLine.issueToken(),
    limits,
  });
  // Health, metrics and Twilio's webhooks carry on while draining; everything else answers 503.
  const draining = new Draining(
    (path) => path === '/healthz' || path === '/metrics' || path.startsWith('/api/sms/twilio'),
  );
  draining.attach(server);
  directLine.attachWebSockets(server);
  // The agent hub: the console's page, API and WebSocket, acting through the handoff service.
  const agentHub = new AgentHub({
    db: database.db,
    service: handoff,
    accounts: agentAccounts,
    cases,
    savedReplies: loadSavedReplies(dataDir),
    // Only a channel that knows its residents' numbers is asked (SMS, when configured).
    phones: {
      phoneOf: async (channelId, conversationId) =>
        sms && channelId === SMS.id ? sms.residentPhone(conversationId) : undefined,
    },
    logger: handoffLogger,
    now,
    secureCookies: config.PUBLIC_BASE_URL?.startsWith('https://') ?? false,
  });
  agentHub.registerRoutes(server);
  registerInsightsRoutes(server, {
    db: database.db,
    sessions: agentHub.sessions,
    audit: agentHub.audit,
    inbox: insightInbox,
    logger: logger.child({ part: 'insights' }),
    now,
    report: {
      abandonedAfterMinutes: config.INSIGHTS_ABANDONED_AFTER_MINUTES,
      smsSegmentPrice: config.SMS_SEGMENT_PRICE_GBP,
    },
  });
  agentHub.attachWebSockets(server);
  await handoff.start(HANDOFF_SWEEP_MS);
  agentHub.start();
  await seedDemoAgent(agentAccounts, options.env ?? process.env);
  await seedDemoSupervisor(agentAccounts, options.env ?? process.env);

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const listening = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  logger.info(
    {
      host: config.HOST,
      port,
      storage: database.dialect,
      redis: shared.shared,
      dataDir,
      sms: Boolean(sms),
      backOffice: backOfficeSummary(config),
    },
    'council-assistant is listening',
  );

  // Housekeeping on timers that never keep the process alive by themselves.
  const idleTimer = setInterval(() => {
    directLine.closeIdleConversations().catch((err) => logger.warn({ err }, 'closing idle conversations failed'));
  }, 60_000);
  idleTimer.unref();
  // Retention runs a minute after start (so a process restarted often still cleans up) and
  // then hourly.
  const applyRetention = () => {
    const now = new Date();
    const cutoff = new Date(now.getTime() - config.RETENTION_DAYS * 86_400_000);
    Promise.all([
      deleteExpiredPersonalData(database.db, config.RETENTION_DAYS, now),
      transcripts.deleteOlderThan(cutoff),
      sms?.deleteOlderThan(cutoff),
      directLine.deleteOlderThan(cutoff),
      handoff.queue.deleteOlderThan(cutoff.getTime()),
      councilTax.attempts.purge(now),
      councilTax.grants.purgeExpired(now),
      insightInbox.deleteOlderThan(cutoff.getTime()),
      insightEvents.forgetConversationIds(cutoff.getTime()),
    ]).catch((err: unknown) => logger.warn({ err }, 'retention clean-up failed'));
  };
  const firstRetention = setTimeout(applyRetention, 60_000);
  firstRetention.unref();
  const retentionTimer = setInterval(applyRetention, 3_600_000);
  retentionTimer.unref();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(idleTimer);
      clearInterval(retentionTimer);
      clearTimeout(firstRetention);
      logger.info(
        { inflight: inflight.size, requests: draining.inFlight },
        'shutting down: finishing turns in progress',
      );
      const graceMs = config.SHUTDOWN_GRACE_SECONDS * 1000;
      // No new turn starts on any connection from here: new connections are refused, requests on
      // kept-alive ones answer 503 (texts are kept for later), idle sockets are closed.
      const closed = new Promise<void>((done) => server.close(() => done()));
      sms?.stopAccepting();
      draining.start(server);
      const [turnsDone, requestsDone] = await Promise.all([inflight.drain(graceMs), draining.idle(graceMs)]);
      if (!turnsDone || !requestsDone)
        logger.warn(
          { inflight: inflight.size, requests: draining.inFlight },
          'turns still running at the end of the grace period',
        );
      await directLine.close();
      await sms?.close(graceMs);
      await agentHub.close();
      await handoff.stop();
      // Whatever connection is still open (a socket that never sent its request) goes now, before storage closes.
      server.server.closeAllConnections();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
      await shared.close();
      await database.close();
      logger.info('stopped');
    })();
    return stopping;
  };

  const urlHost = listening.includes(':') ? `[${listening}]` : listening;
  return {
    config,
    logger,
    url: `http://${urlHost}:${port}`,
    port,
    stop,
    handoff: { service: handoff, accounts: agentAccounts },
  };
}

/** The SMS adapter's counts, with each text sent also counted (segments) for the insights' cost figure. */
function countedSms(metrics: SmsMetrics, events: InsightEvents, logger: pino.Logger, clock: () => Date): SmsMetrics {
  return {
    ...metrics,
    textSent(info) {
      metrics.textSent(info);
      events
        .record({ channel: 'sms', at: clock().getTime() }, [{ kind: 'sms', value: info.segments }])
        .catch((err: unknown) =>
          logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'insights: text not counted'),
        );
    },
  };
}
