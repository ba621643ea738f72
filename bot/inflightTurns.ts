/**
 * Counts turns in progress so a graceful shutdown (SIGTERM from a deploy or scale-down) can
 * wait for residents' current messages to finish before the database closes.
 */
import type { Middleware, TurnContext } from 'botbuilder';

export class InflightTurns {
  private count = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  middleware(): Middleware {
    return {
      onTurn: async (_context: TurnContext, next: () => Promise<void>) => {
        this.count += 1;
        try {
          await next();
        } finally {
          this.count -= 1;
          if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
        }
      },
    };
  }

  /** Resolves true when no turn is running, or false if `timeoutMs` passes first. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
