/**
 * The Direct Line 3.0 REST surface Web Chat uses, on restify. Each handler authenticates,
 * reads a size-limited JSON body itself (so 400 and 413 come back as Direct Line error
 * bodies, not restify's), awaits the operation and answers with CORS headers. Logs carry
 * the route, conversation id, status and duration, never a body.
 */
import type restify from 'restify';
import type pino from 'pino';
import type { Caller } from './auth/credentials.js';
import type { DirectLineConversations, Logic, Origin } from './conversations.js';
import { errorSummary } from './conversations.js';
import { DirectLineError, Errors } from './errors.js';
import { parseWatermark, publicOrigin, queryOf, readJsonBody, sendError, sendJson, setCorsHeaders } from './http.js';

const BASE = '/v3/directline';

export interface RouteDeps {
  conversations: DirectLineConversations;
  logger: pino.Logger;
  maxBodyBytes: number;
  allowedOrigin: string;
  isClosing(): boolean;
  logic: Logic;
}

interface Call {
  req: restify.Request;
  caller: Caller;
  origin: Origin;
  conversationId: string;
  /** The JSON body, read only when the route asks for it. */
  body(): Promise<unknown>;
}

type Operation = (call: Call) => Promise<{ status: number; body: object }>;

export function registerDirectLineRoutes(server: restify.Server, deps: RouteDeps): void {
  const { conversations: dl, logic } = deps;
  const ok = (body: object) => ({ status: 200, body });

  const route = (name: string, operation: Operation) => async (req: restify.Request, res: restify.Response) => {
    const started = Date.now();
    setCorsHeaders(res, deps.allowedOrigin);
    const conversationId = typeof req.params?.conversationId === 'string' ? req.params.conversationId : '';
    try {
      if (deps.isClosing()) throw Errors.unavailable();
      const caller = await dl.authenticate(req.headers.authorization);
      const result = await operation({
        req,
        caller,
        origin: publicOrigin(req),
        conversationId,
        body: () => readJsonBody(req, deps.maxBodyBytes),
      });
      sendJson(res, result.status, result.body);
    } catch (error) {
      const failure = error instanceof DirectLineError ? error : Errors.serviceError();
      if (!(error instanceof DirectLineError)) {
        deps.logger.error(
          { err: errorSummary(error), route: name, conversationId: conversationId || undefined },
          'direct line request failed',
        );
      }
      // The client may still be uploading an oversized body; closing avoids reading the rest.
      if (failure.status === 413) res.setHeader('Connection', 'close');
      // Web Chat and balancers try again after a 503; say when.
      if (failure.status === 503) res.setHeader('Retry-After', '5');
      sendError(res, failure);
    }
    deps.logger.debug(
      {
        route: name,
        conversationId: conversationId || undefined,
        status: res.statusCode,
        durationMs: Date.now() - started,
      },
      'direct line request',
    );
  };

  server.post(
    `${BASE}/tokens/generate`,
    route('tokens.generate', async (call) => ok(await dl.generateToken(call.caller, await call.body()))),
  );
  server.post(
    `${BASE}/tokens/refresh`,
    route('tokens.refresh', async (call) => ok(await dl.refreshToken(call.caller))),
  );
  server.post(
    `${BASE}/conversations`,
    route('conversations.start', async (call) => dl.start(call.caller, call.body, call.origin, logic)),
  );
  server.get(
    `${BASE}/conversations/:conversationId`,
    route('conversations.reconnect', async (call) =>
      ok(
        await dl.reconnect(
          call.caller,
          call.conversationId,
          parseWatermark(queryOf(call.req).get('watermark')),
          call.origin,
        ),
      ),
    ),
  );
  server.get(
    `${BASE}/conversations/:conversationId/activities`,
    route('activities.list', async (call) =>
      ok(await dl.list(call.caller, call.conversationId, parseWatermark(queryOf(call.req).get('watermark')))),
    ),
  );
  server.post(
    `${BASE}/conversations/:conversationId/activities`,
    route('activities.post', async (call) =>
      ok(await dl.receive(call.caller, call.conversationId, call.body, call.origin, logic)),
    ),
  );
  // Web Chat's upload button posts multipart here; say clearly that we do not take files.
  server.post(
    `${BASE}/conversations/:conversationId/upload`,
    route('activities.upload', async () => {
      throw Errors.uploadNotSupported();
    }),
  );

  // CORS preflight: browsers send no Authorization here, so it needs its own unauthenticated answer.
  server.opts(`${BASE}/*`, async (_req: restify.Request, res: restify.Response) => {
    setCorsHeaders(res, deps.allowedOrigin);
    res.statusCode = 204;
    res.end();
  });
}
