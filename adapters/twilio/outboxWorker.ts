/**
 * Sends the SMS outbox (smsOutbox.ts): for each conversation with texts waiting, the oldest
 * first, one at a time, so a number gets its texts in order. A failed send is retried with
 * p-retry on a schedule that spans minutes (default: 10 retries, 1 s doubling to at most 60 s,
 * each wait randomised up to twice that: between about 5 and 6 minutes in all), so an outage
 * of Twilio's API longer than that is needed to lose a text. Each failed attempt is counted on
 * the row, so after a restart the retries carry on from where they were rather than starting
 * again. After the last one the text is marked failed and the conversation is handed to a
 * person (onGaveUp), who can phone the resident.
 *
 * Every instance runs a worker; a row is taken under a lease, renewed while its retries wait,
 * so only one instance sends it, and a dead instance's rows are taken over when it runs out.
 */
import { randomUUID } from 'node:crypto';
import pRetry from 'p-retry';
import type pino from 'pino';
import type { OutboxRow, SmsOutboxStore } from './smsOutbox.js';
import { isRetryable, SmsSendError, TWILIO_OPTED_OUT, type SendResult, type TwilioSender } from './sender.js';
import type { SmsStore } from './smsStore.js';
import type { SmsMetrics } from './twilioSmsAdapter.js';
import type { Encoding } from '../../services/channels/smsText.js';

export interface OutboxRetrySchedule {
  /** Retries after the first attempt. */
  retries: number;
  /** The first wait; each next one is `factor` times longer, up to maxTimeoutMs. */
  minTimeoutMs: number;
  maxTimeoutMs: number;
  factor: number;
  /** Multiply each wait by a random 1–2, so many numbers' retries do not arrive at once. */
  randomize: boolean;
}

export const DEFAULT_OUTBOX_SCHEDULE: OutboxRetrySchedule = {
  retries: 10,
  minTimeoutMs: 1000,
  maxTimeoutMs: 60_000,
  factor: 2,
  randomize: true,
};

/**
 * The waits between attempts, shortest and longest, as p-retry computes them (minTimeout ×
 * factor^n, times 1–2 when randomised, capped at maxTimeout): how long an outage the
 * schedule rides out.
 */
export function scheduleWaits(schedule: OutboxRetrySchedule): { shortest: number[]; longest: number[] } {
  const wait = (n: number, random: number) =>
    Math.min(Math.round(random * schedule.minTimeoutMs * schedule.factor ** n), schedule.maxTimeoutMs);
  const ns = Array.from({ length: schedule.retries }, (_, n) => n);
  return { shortest: ns.map((n) => wait(n, 1)), longest: ns.map((n) => wait(n, schedule.randomize ? 2 : 1)) };
}

export interface OutboxWorkerOptions {
  store: SmsOutboxStore;
  sms: SmsStore;
  /** Sends once (no retries of its own): the schedule here does the retrying. */
  sender: TwilioSender;
  logger: pino.Logger;
  metrics?: SmsMetrics;
  schedule: OutboxRetrySchedule;
  /** Where Twilio posts delivery statuses. */
  statusCallback: string;
  /** A row's lease; renewed every third of it while its retries wait. */
  leaseMs: number;
  /** How often the worker looks for texts it was not told about (other instances', a dead one's). */
  pollMs: number;
  /** Conversations sending at once. */
  concurrency?: number;
  /** After the last retry: hand the conversation to a person. */
  onGaveUp(conversationId: string): Promise<void>;
  now?: () => number;
}

export class SmsOutboxWorker {
  readonly owner = `outbox-${randomUUID()}`;
  private readonly active = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private passing: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Looks for work now (a turn just queued texts). */
  kick(): void {
    if (this.abort.signal.aborted) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = this.pass()
      .catch((err: unknown) =>
        this.options.logger.warn({ err: errorText(err) }, 'SMS outbox: could not read the queue'),
      )
      .finally(() => {
        this.passing = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * Stops: texts waiting between retries are given back at once (another instance, or this
   * one after its restart, carries on with their retries); a request already on its way to
   * Twilio is waited for, up to graceMs, so it is recorded as sent rather than sent twice.
   */
  async close(graceMs: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.abort.abort(new Error('stopping'));
    const settled = Promise.allSettled([...this.active.values(), this.passing]);
    await Promise.race([settled, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  /** Resolves when nothing is being sent (tests). */
  async idle(): Promise<void> {
    while (this.passing || this.active.size > 0) await Promise.allSettled([this.passing, ...this.active.values()]);
  }

  private async pass(): Promise<void> {
    const room = (this.options.concurrency ?? 20) - this.active.size;
    if (room <= 0) return;
    const due = await this.options.store.conversationsDue(this.now(), room + this.active.size);
    for (const conversationId of due) {
      if (this.active.has(conversationId) || this.active.size >= (this.options.concurrency ?? 20)) continue;
      // Tracked in this.active: the next pass skips it and stopping waits for it.
      void this.startDrain(conversationId);
    }
  }

  /** Sends the conversation's queued texts now; resolves when none is left to send. */
  async drainNow(conversationId: string): Promise<void> {
    if (this.abort.signal.aborted) return;
    await (this.active.get(conversationId) ?? this.startDrain(conversationId));
  }

  private startDrain(conversationId: string): Promise<void> {
    const drained = this.drain(conversationId).finally(() => {
      this.active.delete(conversationId);
      // Another turn may have queued texts for this number meanwhile.
      this.kick();
    });
    this.active.set(conversationId, drained);
    return drained;
  }

  private async drain(conversationId: string): Promise<void> {
    try {
      while (!this.abort.signal.aborted) {
        const row = await this.options.store.takeHead(conversationId, this.owner, this.now(), this.options.leaseMs);
        if (!row) return;
        await this.deliver(row);
      }
    } catch (err) {
      this.options.logger.warn(
        { err: errorText(err), conversationId },
        'SMS outbox: sending stopped; another pass will carry on',
      );
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const { store, sms, logger } = this.options;
    const conversation = await sms.find(row.conversation_id);
    if (!conversation || (conversation.optedOut && row.kind !== 'opt-out')) {
      logger.info({ conversationId: row.conversation_id }, 'SMS not sent: the number has opted out');
      await store.markFailed(row.id, this.now());
      return;
    }
    const renew = setInterval(
      () => {
        store.renew(row.id, this.owner, this.now() + this.options.leaseMs).catch(() => undefined);
      },
      Math.max(10, Math.floor(this.options.leaseMs / 3)),
    );
    renew.unref();
    const { schedule } = this.options;
    let attempts = Number(row.attempts);
    // Set while an attempt's outcome is unknown (its instance died, or Twilio never answered).
    let uncertainSince = row.attempt_started_at === null ? null : Number(row.attempt_started_at);
    try {
      const sent = await pRetry(
        async () => {
          if (uncertainSince !== null) {
            const earlier = await this.sentEarlier(row, conversation.phone, uncertainSince);
            if (earlier) return earlier;
          }
          attempts += 1;
          const startedAt = this.now();
          await store.markAttemptStarted(row.id, this.owner, startedAt);
          uncertainSince = startedAt;
          try {
            return await this.options.sender.send({
              to: conversation.phone,
              body: row.body,
              statusCallback: this.options.statusCallback,
            });
          } catch (error) {
            const failure = error instanceof SmsSendError ? error : undefined;
            // An error Twilio answered with means it did not take the text.
            if (failure?.status !== undefined) uncertainSince = null;
            await store
              .recordAttempt(row.id, this.owner, failure?.status, failure?.code, this.now())
              .catch(() => undefined);
            throw error;
          }
        },
        {
          retries: Math.max(0, schedule.retries - Number(row.attempts)),
          factor: schedule.factor,
          minTimeout: schedule.minTimeoutMs,
          maxTimeout: schedule.maxTimeoutMs,
          randomize: schedule.randomize,
          shouldRetry: ({ error }) => error instanceof SmsSendError && isRetryable(error.status),
          onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
            const failure = error instanceof SmsSendError ? error : undefined;
            logger.warn(
              {
                conversationId: row.conversation_id,
                status: failure?.status,
                code: failure?.code,
                attempt: attemptNumber,
                retriesLeft,
              },
              'SMS send failed; will retry',
            );
          },
          signal: this.abort.signal,
          unref: true,
        },
      );
      const now = this.now();
      await store.markSent(row.id, sent.sid, now);
      await sms.recordSent(sent.sid, row.conversation_id, sent.segments ?? row.segments, sent.status, now);
      this.options.metrics?.textSent({
        segments: row.segments,
        encoding: row.encoding as Encoding,
        kind: row.kind === 'proactive' ? 'proactive' : 'reply',
      });
      logger.info(
        {
          conversationId: row.conversation_id,
          sid: sent.sid,
          segments: row.segments,
          encoding: row.encoding,
          attempts,
        },
        'SMS sent',
      );
    } catch (error) {
      if (this.abort.signal.aborted) {
        // Stopping: leave it queued for another instance, or this one after its restart.
        await store.release(row.id, this.owner).catch(() => undefined);
        return;
      }
      const failure = error instanceof SmsSendError ? error : undefined;
      await store.markFailed(row.id, this.now());
      this.options.metrics?.textFailed({ status: failure?.status, code: failure?.code });
      if (failure?.code === TWILIO_OPTED_OUT) {
        // Twilio's own STOP handling got there first: record it so we stop trying.
        await sms.setOptedOut(row.conversation_id, true, this.now());
        logger.info(
          { conversationId: row.conversation_id, code: failure.code },
          'SMS refused by Twilio: the number has opted out',
        );
        return;
      }
      logger.error(
        { conversationId: row.conversation_id, status: failure?.status, code: failure?.code },
        'SMS could not be sent after the last retry; handing the conversation to a person',
      );
      await this.options
        .onGaveUp(row.conversation_id)
        .catch((err: unknown) =>
          logger.error(
            { err: errorText(err), conversationId: row.conversation_id },
            'SMS outbox: could not hand the conversation to a person',
          ),
        );
    } finally {
      clearInterval(renew);
    }
  }

  /**
   * Whether an attempt whose outcome is unknown got through: a text Twilio holds with this
   * body, to this number, created since the attempt began, that no other row recorded. Asking
   * fails like a send (retried later), so an uncertain text is never sent again blind.
   */
  private async sentEarlier(row: OutboxRow, to: string, since: number): Promise<SendResult | undefined> {
    const candidates = await this.options.sender.findSent(to, row.body, since);
    const known = await this.options.store.knownSids(candidates.map((c) => c.sid));
    const ours = candidates.find((c) => !known.has(c.sid));
    if (ours)
      this.options.logger.warn(
        { conversationId: row.conversation_id, sid: ours.sid },
        'SMS outbox: Twilio already had this text from an attempt whose answer was lost; not sent again',
      );
    return ours;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
