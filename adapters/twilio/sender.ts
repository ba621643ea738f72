/**
 * Sends texts through Twilio's REST API with the twilio library, pointed at TWILIO_API_BASE_URL
 * (a local fake in tests), retrying with exponential backoff and jitter when Twilio answers 429
 * or 5xx or the network fails. Other errors are final: retrying a 400 only repeats it.
 */
import twilio from 'twilio';
import type BaseRequestClient from 'twilio/lib/base/RequestClient.js';
import { z } from 'zod';

/** Twilio's error for "this number has opted out of your messages" (its own STOP handling). */
export const TWILIO_OPTED_OUT = 21610;

export interface SendRequest {
  to: string;
  body: string;
  statusCallback?: string;
}

export interface SendResult {
  sid: string;
  status: string;
  /** Twilio's own count, when it gives one. */
  segments?: number;
  attempts: number;
}

export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: number | undefined,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

export interface RetryPolicy {
  /** Attempts in all, including the first; default 5. */
  maxAttempts: number;
  /** First wait; doubles each time; default 250 ms. */
  baseDelayMs: number;
  /** Longest wait; default 8 s. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 8000 };

const errorShape = z.object({
  status: z.number().optional(),
  code: z.number().optional(),
  message: z.string().optional(),
});

/** The twilio library's HTTP client with every request's origin moved to our base URL. */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(
    private readonly base: URL,
    timeoutMs: number,
  ) {
    super({ timeout: timeoutMs, keepAlive: true });
  }

  override request<TData>(opts: BaseRequestClient.RequestOptions<TData>) {
    const original = new URL(opts.uri);
    const rebased = new URL(this.base.href.replace(/\/$/, '') + original.pathname + original.search);
    return super.request<TData>({ ...opts, uri: rebased.href });
  }
}

export function isRetryable(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500;
}

export class TwilioSender {
  private readonly client: twilio.Twilio;

  constructor(
    accountSid: string,
    authToken: string,
    private readonly from: string,
    apiBaseUrl: string,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    timeoutMs = 10_000,
  ) {
    this.client = twilio(accountSid, authToken, {
      httpClient: new RebasedRequestClient(new URL(apiBaseUrl), timeoutMs),
    });
  }

  /**
   * Texts Twilio holds to `to` from the council's number with this body, created at or after
   * `since` (Twilio keeps whole seconds), newest first: did an attempt whose answer never came
   * get through? Throws SmsSendError when Twilio cannot say.
   */
  async findSent(to: string, body: string, since: number): Promise<SendResult[]> {
    try {
      const recent = await this.client.messages.list({ to, from: this.from, limit: 50 });
      const floor = Math.floor(since / 1000) * 1000;
      return recent
        .filter((message) => message.body === body && message.dateCreated.getTime() >= floor)
        .map((message) => {
          const segments = Number(message.numSegments);
          return {
            sid: message.sid,
            status: message.status,
            segments: Number.isFinite(segments) && segments > 0 ? segments : undefined,
            attempts: 0,
          };
        });
    } catch (error) {
      const shape = errorShape.safeParse(error);
      throw new SmsSendError(
        'Twilio could not list messages',
        shape.success ? shape.data.status : undefined,
        shape.success ? shape.data.code : undefined,
        0,
      );
    }
  }

  async send(request: SendRequest): Promise<SendResult> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const message = await this.client.messages.create({
          to: request.to,
          from: this.from,
          body: request.body,
          ...(request.statusCallback ? { statusCallback: request.statusCallback } : {}),
        });
        const segments = Number(message.numSegments);
        return {
          sid: message.sid,
          status: message.status,
          segments: Number.isFinite(segments) && segments > 0 ? segments : undefined,
          attempts: attempt,
        };
      } catch (error) {
        const shape = errorShape.safeParse(error);
        const status = shape.success ? shape.data.status : undefined;
        const code = shape.success ? shape.data.code : undefined;
        if (!isRetryable(status) || attempt >= this.retry.maxAttempts) {
          throw new SmsSendError(
            `Twilio refused the message (status ${status ?? 'none'}, code ${code ?? 'none'})`,
            status,
            code,
            attempt,
          );
        }
        await sleep(backoff(attempt, this.retry));
      }
    }
  }
}

/** Full jitter: a random wait up to the exponential bound, so retries from many turns spread out. */
function backoff(attempt: number, policy: RetryPolicy): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return bound / 2 + Math.random() * (bound / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
