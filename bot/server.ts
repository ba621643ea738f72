/**
 * The HTTP surface (a contract other tools rely on; see README): the demo council page with Web Chat, health and
 * readiness, Prometheus metrics, Bot Framework channels on /api/messages and our own Direct
 * Line 3.0 for Web Chat. Channel routes belong to their adapters; this file only wires them.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import restify from 'restify';
import type { Logger } from 'pino';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Config } from './config.js';
import { logRequests } from './requestLog.js';
import type { AssistantMetrics } from './metrics.js';
import { applyServerLimits } from './serverLimits.js';
import { readActivityBody } from './botFrameworkBody.js';
import { limitResidentRoutes } from './limits/httpLimits.js';
import type { VelocityLimits } from './limits/velocityLimits.js';

const here = dirname(fileURLToPath(import.meta.url));
const webDir = join(here, '..', 'web');
// The package's exports hide package.json, so find its folder from its main entry point.
const webChatBundle = join(
  dirname(createRequire(import.meta.url).resolve('botframework-webchat')),
  '..',
  'dist',
  'webchat.js',
);

export interface ChannelRoutes {
  registerRoutes(server: restify.Server, logic: (context: TurnContext) => Promise<void>): void;
}

export interface ServerParts {
  config: Config;
  logger: Logger;
  metrics: AssistantMetrics;
  /** True when storage (and Redis, when configured) answer. */
  isReady(): Promise<boolean>;
  botLogic(context: TurnContext): Promise<void>;
  cloudAdapter: CloudAdapter;
  channels: ChannelRoutes[];
  /** Velocity limits on token minting and conversation starts (and the client for deeper ones). */
  limits: VelocityLimits;
  /** Mints a Web Chat token for the demo page, as a council's own web backend would. */
  issueDemoToken?(): Promise<{ token: string; conversationId: string; expires_in: number }>;
}

export function createServer(parts: ServerParts): restify.Server {
  const { config, logger, metrics } = parts;
  const server = restify.createServer({
    name: 'council-assistant',
    handleUncaughtExceptions: false,
    ignoreTrailingSlash: true,
  });
  applyServerLimits(server.server, {
    headersTimeoutMs: Math.min(10_000, config.REQUEST_TIMEOUT_SECONDS * 1000),
    requestTimeoutMs: config.REQUEST_TIMEOUT_SECONDS * 1000,
    idleTimeoutMs: config.REQUEST_TIMEOUT_SECONDS * 2000,
    maxConnections: config.MAX_CONNECTIONS,
  });

  logRequests(server.server, logger, {
    ignore: (path) => path === '/healthz' || path === '/readyz' || path === '/metrics',
  });
  server.pre((req, res, next) => {
    const stop = metrics.httpRequests.startTimer({ method: req.method });
    res.once('finish', () =>
      stop({ route: String(req.getRoute?.()?.path ?? 'unmatched'), status: String(res.statusCode) }),
    );
    next();
  });
  limitResidentRoutes(server, {
    limits: parts.limits,
    trustProxy: config.TRUST_PROXY,
    allowedOrigin: config.CORS_ORIGIN,
    ...(config.DIRECTLINE_SECRET ? { secret: config.DIRECTLINE_SECRET } : {}),
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));

  // Never a stack trace to anyone outside: restify's errors become a short JSON body.
  server.on(
    'restifyError',
    (
      req: restify.Request,
      res: restify.Response,
      err: Error & { statusCode?: number; toJSON?: () => unknown },
      callback: () => void,
    ) => {
      const status = err.statusCode ?? 500;
      if (status >= 500) logger.error({ err, url: req.url }, 'request failed');
      err.toJSON = () => ({
        error: {
          code: status >= 500 ? 'ServiceError' : 'BadRequest',
          message: status >= 500 ? 'Something went wrong on our side.' : err.message,
        },
      });
      return callback();
    },
  );

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req, res) => {
    const ready = await parts.isReady();
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable' });
  });

  server.get('/metrics', async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.sendRaw(200, body);
  });

  registerBotFrameworkRoute(server, parts);
  for (const channel of parts.channels) channel.registerRoutes(server, parts.botLogic);

  if (config.DEMO_PAGE) registerDemoPage(server, parts);
  return server;
}

function registerBotFrameworkRoute(server: restify.Server, parts: ServerParts): void {
  const { config } = parts;
  const authConfigured = Boolean(config.MICROSOFT_APP_ID);
  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    if (!authConfigured && !config.ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK) {
      // Without an app id CloudAdapter would accept anyone's activities as if from Azure.
      // Refused before any of the body is read.
      res.setHeader('Connection', 'close');
      res.send(401, {
        error: {
          code: 'BotFrameworkAuthNotConfigured',
          message:
            'Set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD, or ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK=true for local development with the Emulator.',
        },
      });
      return;
    }
    const body = await readActivityBody(req, config.MAX_BODY_BYTES);
    if (!body.ok) {
      if (body.status !== 400) res.setHeader('Connection', 'close');
      res.send(body.status, { error: { code: 'BadRequest', message: body.message } });
      return;
    }
    req.body = body.value;
    await parts.cloudAdapter.process(req, res, parts.botLogic);
  });
}

/**
 * The demo page's policy: the narrowest Web Chat works under (checked by the browser test).
 * Web Chat's bundle is served from here and needs inline styles (its CSS-in-JS), data: and
 * blob: images (avatars, attachments preview), and its stream to this same origin.
 */
const DEMO_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function registerDemoPage(server: restify.Server, parts: ServerParts): void {
  const sendFile = (file: string, type: string, cache: string) => {
    // Read on the first request and kept (the Web Chat bundle alone is about 4 MB); a failed read is tried again.
    let contents: Promise<Buffer> | undefined;
    const read = () =>
      (contents ??= readFile(file).catch((error: unknown) => {
        contents = undefined;
        throw error;
      }));
    return async (_req: restify.Request, res: restify.Response): Promise<void> => {
      const body = await read();
      res.setHeader('Content-Type', type);
      res.setHeader('Cache-Control', cache);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
      if (type.startsWith('text/html')) {
        res.setHeader('Content-Security-Policy', DEMO_PAGE_CSP);
        res.setHeader('X-Frame-Options', 'DENY');
      }
      res.sendRaw(200, body);
    };
  };
  server.get('/', sendFile(join(webDir, 'index.html'), 'text/html; charset=utf-8', 'no-cache'));
  server.get('/assets/demo.css', sendFile(join(webDir, 'demo.css'), 'text/css; charset=utf-8', 'public, max-age=300'));
  server.get('/assets/demo.js', sendFile(join(webDir, 'demo.js'), 'text/javascript; charset=utf-8', 'no-cache'));
  server.get('/assets/webchat.js', sendFile(webChatBundle, 'text/javascript; charset=utf-8', 'public, max-age=86400'));

  if (parts.issueDemoToken) {
    const issue = parts.issueDemoToken;
    // The demo page's own backend: a council's website would do this server-side with
    // DIRECTLINE_SECRET. Same-origin only; each call starts a new conversation.
    server.post('/demo/token', async (_req: restify.Request, res: restify.Response) => {
      res.setHeader('Cache-Control', 'no-store');
      res.send(200, await issue());
    });
  }
}
