/**
 * Serialises the turns of one conversation. Two messages from the same resident (a double
 * tap, or Web Chat retrying) must not run the dialog at the same time: both would load the
 * same conversation state and the second save would fail or overwrite the first. Different
 * conversations still run in parallel.
 *
 * An interface so the composition root can swap in a Redis lock when several instances
 * share one database; the in-process queue below is enough for a single instance.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The queue cannot order turns just now (its Redis is away). Thrown at once rather than after
 * seconds of waiting, so a channel can answer quickly: Web Chat gets 503 with Retry-After, a
 * text is kept in the inbox for when ordering is back.
 */
export class TurnQueueUnavailableError extends Error {
  constructor(cause: unknown) {
    super('Conversation turn ordering is unavailable (Redis does not answer)', { cause });
    this.name = 'TurnQueueUnavailableError';
  }
}

export interface ConversationTurnQueue {
  /** Runs `fn` after every earlier `run` with the same key has settled; resolves with its result. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export class InProcessTurnQueue implements ConversationTurnQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  /** Keys held by the current async call chain, so a nested run for the same key does not deadlock. */
  private readonly held = new AsyncLocalStorage<ReadonlySet<string>>();

  /** Number of keys with work queued or running (for tests and diagnostics). */
  get size(): number {
    return this.tails.size;
  }

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const holding = this.held.getStore();
    // A turn that starts a proactive continuation of its own conversation already holds the
    // key; waiting for itself would hang forever, so it runs inline instead.
    if (holding?.has(key)) return fn();

    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = new Set(holding ?? []).add(key);
    const result = previous.then(
      () => this.held.run(next, fn),
      () => this.held.run(next, fn),
    );
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // Forget the key once nothing else queued behind this turn, so the map does not grow
    // with every conversation ever seen.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
