/**
 * Graceful shutdown at the HTTP level. From the moment SIGTERM arrives, every connection, new or
 * kept alive, stops starting turns: a request answers 503 with Retry-After and Connection: close
 * (Web Chat and a balancer try again, elsewhere), every response closes its connection, and idle
 * keep-alive sockets are closed at once. Requests already accepted are counted, so storage is
 * closed only after the last of them has answered, not under it.
 *
 * Some paths carry on while draining: health and metrics, and Twilio's webhooks, which the SMS
 * adapter keeps in its inbox for another instance instead of refusing (Twilio would not retry).
 */
import type { ServerResponse } from 'node:http';
import type restify from 'restify';

export class Draining {
  private draining = false;
  private readonly open = new Set<ServerResponse>();
  private waiters: Array<() => void> = [];

  constructor(private readonly exempt: (path: string) => boolean) {}

  get isDraining(): boolean {
    return this.draining;
  }

  /** Requests accepted and not yet answered. */
  get inFlight(): number {
    return this.open.size;
  }

  attach(server: restify.Server): void {
    server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (this.draining) {
        res.setHeader('Connection', 'close');
        if (!this.exempt(path)) {
          res.setHeader('Retry-After', '2');
          res.send(503, {
            error: { code: 'ServiceUnavailable', message: 'This server is restarting. Please try again.' },
          });
          return next(false);
        }
      }
      this.open.add(res);
      res.once('close', () => {
        this.open.delete(res);
        if (this.open.size === 0) for (const wake of this.waiters.splice(0)) wake();
      });
      return next();
    });
  }

  /** Stops taking work: from now on every response closes its connection. */
  start(server: restify.Server): void {
    this.draining = true;
    for (const res of this.open) if (!res.headersSent) res.setHeader('Connection', 'close');
    // Keep-alive sockets with no request on them would otherwise carry the next one in.
    server.server.closeIdleConnections();
  }

  /** Resolves true once every accepted request has answered, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.open.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
