/**
 * The HTTP side of every back-office port (see docs/back-office-api.yaml): one JSON client with
 * a timeout on every request (AbortSignal.timeout), retries for reads only (p-retry: a GET
 * asked twice changes nothing, a POST might book twice), and every answer validated with zod.
 * Whatever goes wrong becomes a BackOfficeUnavailableError naming the port, so the services
 * above never see HTTP statuses and the dialogs never see HTTP.
 */
import pRetry, { AbortError } from 'p-retry';
import type { z } from 'zod';
import { BackOfficeUnavailableError, type BackOfficePort, type UnavailableCause } from './unavailable.js';

export interface BackOfficeHttpOptions {
  /** The API's base URL, e.g. https://backoffice.example.gov.uk/assistant/v1 */
  baseUrl: string;
  /** Sent as "Authorization: Bearer <token>" when set. */
  token?: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Extra attempts for a read that timed out, failed to connect or got a 5xx/429. */
  retries: number;
  /** The first wait between read attempts (doubling after). */
  retryMinMs?: number;
}

type Query = Record<string, string | number | undefined>;

class Failure extends Error {
  constructor(
    readonly kind: UnavailableCause,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export class BackOfficeHttp {
  private readonly base: string;

  constructor(
    readonly port: BackOfficePort,
    private readonly options: BackOfficeHttpOptions,
  ) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  /** A read; `null` when the API answers 404 (no such record), retried when it may help. */
  async get<S extends z.ZodType>(path: string, schema: S, query: Query = {}): Promise<z.infer<S> | null> {
    return this.withRetries(() => this.send('GET', path, schema, query, undefined));
  }

  /**
   * A read sent as POST because its input is personal data that must not sit in a URL (account
   * numbers, phone numbers): it changes nothing, so it is retried like a GET.
   */
  async query<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S> | null> {
    return this.withRetries(() => this.send('POST', path, schema, {}, body));
  }

  /** A change (booking, report, case): tried once, since a lost answer might still have been done. */
  async post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S> | null> {
    try {
      return await this.send('POST', path, schema, {}, body);
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  private async withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    try {
      return await pRetry(
        async () => {
          try {
            return await attempt();
          } catch (error) {
            if (error instanceof Failure && !error.retryable) throw new AbortError(error);
            throw error;
          }
        },
        { retries: this.options.retries, minTimeout: this.options.retryMinMs ?? 200, factor: 2, randomize: true },
      );
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  private async send<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    query: Query,
    body: unknown,
  ): Promise<z.infer<S> | null> {
    const url = new URL(this.base + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new Failure(
        timedOut ? 'timeout' : 'network',
        `${method} ${path}: ${timedOut ? `no answer in ${this.options.timeoutMs} ms` : 'could not connect'}`,
        true,
      );
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      const retryable = response.status >= 500 || response.status === 429;
      throw new Failure('refused', `${method} ${path}: HTTP ${response.status}`, retryable);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new Failure('bad_response', `${method} ${path}: the answer is not JSON`, false);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      // Field paths only: the values may be a resident's details.
      const where = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
        .join('; ');
      throw new Failure('bad_response', `${method} ${path}: unexpected answer (${where})`, false);
    }
    return parsed.data;
  }

  private unavailable(error: unknown): BackOfficeUnavailableError {
    if (error instanceof BackOfficeUnavailableError) return error;
    if (error instanceof Failure) return new BackOfficeUnavailableError(this.port, error.kind, error.message);
    return new BackOfficeUnavailableError(this.port, 'network', error instanceof Error ? error.message : String(error));
  }
}
