/**
 * A per-number limit on inbound messages (a fixed window per number). Over the limit the
 * resident gets one "please slow down" and then nothing until the window passes, so a stuck
 * phone or a loop with another auto-responder cannot run up the council's bill.
 * In-process: with several instances each counts its own share, which only makes it laxer.
 */
export type RateDecision = 'allow' | 'warn' | 'drop';

/** What the SMS adapter asks: this one in-process, or RedisPerNumberRateLimit across instances. */
export interface PerNumberLimiter {
  check(key: string, now: number): RateDecision | Promise<RateDecision>;
}

/** The decision for the `count`th message in a window: within the limit, the one just over it, or later. */
export function decisionForCount(count: number, limit: number): RateDecision {
  if (count <= limit) return 'allow';
  return count === limit + 1 ? 'warn' : 'drop';
}

export class PerNumberRateLimit implements PerNumberLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  check(key: string, now = Date.now()): RateDecision {
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (this.windows.size > 10_000) this.sweep(now);
    return decisionForCount(window.count, this.limit);
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}
