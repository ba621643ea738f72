/**
 * One log line per HTTP request, when it has been answered: method, path without its query
 * (the logger's `req` serializer), status and milliseconds. Nothing else is read from the
 * request, so no header, cookie or client address can reach the logs, and nothing is built
 * per request unless its line is written: a request line costs one `logger.info`, where
 * pino-http made a child logger and a request id for every request, polls included.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export interface RequestLogOptions {
  /** Requests not worth a line (health checks, metrics scrapes every few seconds). */
  ignore(path: string): boolean;
}

export function logRequests(server: Server, logger: Logger, options: RequestLogOptions): void {
  // On the raw Node request, before restify, so every response is logged once.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    if (options.ignore((req.url ?? '').split('?')[0] ?? '')) return;
    const started = performance.now();
    const done = () => {
      res.off('close', aborted);
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      if (logger.isLevelEnabled(level))
        logger[level]({ req, res, responseTime: Math.round(performance.now() - started) }, 'request completed');
    };
    const aborted = () => {
      res.off('finish', done);
      if (logger.isLevelEnabled('warn'))
        logger.warn({ req, responseTime: Math.round(performance.now() - started) }, 'request aborted');
    };
    res.once('finish', done);
    res.once('close', aborted);
  });
}
