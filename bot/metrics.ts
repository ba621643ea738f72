/**
 * Prometheus metrics for the council's digital team: how many turns on each channel, how
 * long they take, which intents residents ask for and how often turns fail. Served as text at
 * GET /metrics. Labels never carry personal data.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Middleware, TurnContext } from 'botbuilder';
import type { SmsMetrics } from '../adapters/twilio/twilioSmsAdapter.js';
import { databaseStatements } from '../store/database.js';
import type { Dialect } from '../store/migrations/columns.js';

/** Seconds, for turn and HTTP request durations alike (5 ms to 5 s). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class AssistantMetrics {
  readonly registry = new Registry();

  readonly turns = new Counter({
    name: 'assistant_turns_total',
    help: 'Turns processed, by channel and activity type',
    labelNames: ['channel', 'type'] as const,
    registers: [this.registry],
  });

  readonly turnSeconds = new Histogram({
    name: 'assistant_turn_duration_seconds',
    help: 'Time to process one turn, from receipt to the last reply',
    labelNames: ['channel'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly turnErrors = new Counter({
    name: 'assistant_turn_errors_total',
    help: 'Turns that failed with an error (the resident was told and offered another way)',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly httpRequests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly intents = new Counter({
    name: 'assistant_intents_total',
    help: 'Messages by recognised intent (None = not understood)',
    labelNames: ['intent'] as const,
    registers: [this.registry],
  });

  readonly smsTexts = new Counter({
    name: 'assistant_sms_texts_total',
    help: 'Texts sent to residents, by kind (reply or proactive) and encoding',
    labelNames: ['kind', 'encoding'] as const,
    registers: [this.registry],
  });

  readonly smsSegments = new Counter({
    name: 'assistant_sms_segments_total',
    help: 'SMS segments sent (what Twilio bills), by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly smsFailures = new Counter({
    name: 'assistant_sms_send_failures_total',
    help: 'Texts Twilio would not accept after retries, by HTTP status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  /** Messages (Web Chat or SMS) that failed every attempt; each resident was asked to send theirs again. */
  readonly messagesGivenUp = new Counter({
    name: 'assistant_messages_given_up_total',
    help: 'Messages from residents given up after failing every attempt (the resident is told and asked to send it again), by channel',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly smsWebhooks = new Counter({
    name: 'assistant_sms_webhooks_total',
    help: 'Inbound SMS webhooks by outcome (processed, duplicate, opted-out, forbidden…)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'assistant_rate_limited_total',
    help: 'Requests refused by a velocity limit, by limit and scope (client or global)',
    labelNames: ['limit', 'scope'] as const,
    registers: [this.registry],
  });

  private readonly dbStatementsSeen: Record<Dialect, number> = { sqlite: 0, postgres: 0 };

  readonly dbStatements = new Counter({
    name: 'assistant_db_statements_total',
    help: 'Statements sent to the database by this process: round trips on PostgreSQL (BEGIN/COMMIT included), statements run in-process on SQLite',
    labelNames: ['dialect'] as const,
    registers: [this.registry],
    // Read from the store's own tally at each scrape, so store/ needs no prom-client.
    collect: () => {
      const now = databaseStatements();
      for (const dialect of ['sqlite', 'postgres'] as const) {
        const delta = now[dialect] - this.dbStatementsSeen[dialect];
        if (delta > 0) this.dbStatements.inc({ dialect }, delta);
        this.dbStatementsSeen[dialect] = now[dialect];
      }
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * assistant_sms_outbox_texts{state="queued"|"sent"|"failed"}: the outbox as the database holds
   * it (every instance's), read at each scrape. Queued growing means Twilio is not taking texts.
   */
  smsOutbox(counts: () => Promise<Record<string, number>>): void {
    new Gauge({
      name: 'assistant_sms_outbox_texts',
      help: 'Texts in the SMS outbox (all instances), by state: queued, sent or failed after the last retry',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const [state, count] of Object.entries(await counts())) this.set({ state }, count);
        } catch {
          // The database is away: /readyz says so; the scrape still answers.
        }
      },
    });
  }

  /** The SMS adapter's counts, as prom-client metrics. */
  smsMetrics(): SmsMetrics {
    return {
      textSent: ({ segments, encoding, kind }) => {
        this.smsTexts.inc({ kind, encoding });
        this.smsSegments.inc({ kind }, segments);
      },
      textFailed: ({ status }) => this.smsFailures.inc({ status: String(status ?? 'none') }),
      givenUp: () => this.messagesGivenUp.inc({ channel: 'sms' }),
      webhook: (outcome) => this.smsWebhooks.inc({ outcome }),
    };
  }

  /** Bot middleware counting and timing every turn. */
  middleware(): Middleware {
    return {
      onTurn: async (context: TurnContext, next: () => Promise<void>) => {
        const channel = context.activity.channelId ?? 'unknown';
        const stop = this.turnSeconds.startTimer({ channel });
        this.turns.inc({ channel, type: context.activity.type ?? 'unknown' });
        try {
          await next();
        } finally {
          stop();
        }
      },
    };
  }
}
