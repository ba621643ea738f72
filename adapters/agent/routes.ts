/**
 * The agent console's HTTP surface under /agent: the page and its assets, and the JSON API under
 * /agent/api/. Every API call except sign-in needs a valid session cookie (401 otherwise);
 * every state-changing call also needs the session's CSRF token in X-CSRF-Token and, when the
 * browser sends one, a same-origin Origin (403 otherwise). Resident-side credentials (Direct
 * Line tokens, Twilio signatures) mean nothing here.
 */
import type restify from 'restify';
import { consoleFile } from './consoleFiles.js';
import type pino from 'pino';
import { HandoffError, type HandoffProblem, type HandoffService } from '../../services/handoff/handoffService.js';
import { OUTCOMES, type Agent } from '../../services/handoff/types.js';
import { AVAILABILITIES, isAvailability, type AgentAccounts } from './accounts.js';
import type { Cases } from '../../services/cases/cases.js';
import type { SavedReply } from '../../services/handoff/savedReplies.js';
import { callbackView } from './callbacks.js';
import { isBackOfficeUnavailable } from '../../services/backOffice/unavailable.js';
import { outcomeInWords } from './plainWords.js';
import { UNKNOWN_AGENT, type AgentAudit } from './audit.js';
import type { SignInFailures } from './signInFailures.js';
import { contextView, summarise, topicInWords, type ResidentPhones } from './context.js';
import {
  HttpError,
  clearedCookie,
  cookieValue,
  readJson,
  sameOrigin,
  sessionCookie,
  textField,
  SESSION_COOKIE,
} from './http.js';
import { csrfMatches, type AgentSessions, type Session } from './sessions.js';

export interface AgentRouteDeps {
  service: HandoffService;
  /** Callback requests (HC-) agents claim and close. */
  cases: Cases;
  savedReplies: SavedReply[];
  accounts: AgentAccounts;
  sessions: AgentSessions;
  audit: AgentAudit;
  /** Shared by every instance, so guesses spread across them still count together. */
  signInFailures: SignInFailures;
  /** Residents' numbers, from the channels that know them. */
  phones: ResidentPhones;
  logger: pino.Logger;
  secureCookies: boolean;
  sessionTtlMs: number;
  now: () => number;
}

interface Call {
  req: restify.Request;
  res: restify.Response;
  session: Session;
  token: string;
}

const MAX_MESSAGE = 2000;

/** What the handoff service's refusals mean over HTTP. */
const HANDOFF_PROBLEM_STATUS: Record<HandoffProblem, 400 | 404 | 409 | 502> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  unreachable: 502,
};

export function registerAgentRoutes(server: restify.Server, deps: AgentRouteDeps): void {
  const { service } = deps;
  const failures = deps.signInFailures;

  const send = (res: restify.Response, status: number, body: unknown) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(status, body);
  };
  const fail = (res: restify.Response, error: unknown) => {
    if (error instanceof HttpError) return send(res, error.status, { error: error.message });
    if (error instanceof HandoffError)
      return send(res, HANDOFF_PROBLEM_STATUS[error.problem], { error: error.message });
    if (isBackOfficeUnavailable(error)) {
      deps.logger.warn(
        { backOffice: error.port, cause: error.failure },
        'agent API: a back-office system did not answer',
      );
      return send(res, 503, {
        error: 'The council system behind this is not answering right now. Please try again in a minute.',
      });
    }
    deps.logger.error(
      { err: error instanceof Error ? { name: error.name, message: error.message } : String(error) },
      'agent API failed',
    );
    return send(res, 500, { error: 'Something went wrong on our side.' });
  };

  /** Wraps a handler: session required (401), and for mutations the CSRF token and origin (403). */
  const api =
    (mutates: boolean, handler: (call: Call) => Promise<void>) =>
    async (req: restify.Request, res: restify.Response) => {
      try {
        const token = cookieValue(req, SESSION_COOKIE);
        const session = await deps.sessions.find(token, deps.now());
        if (!session || !token) return send(res, 401, { error: 'Please sign in.' });
        if (mutates && (!sameOrigin(req) || !csrfMatches(header(req, 'x-csrf-token'), session.csrfToken))) {
          return send(res, 403, { error: 'This request did not come from the agent console.' });
        }
        await handler({ req, res, session, token });
      } catch (error) {
        fail(res, error);
      }
    };

  const requestOf = async (req: restify.Request) => {
    const request = await service.queue.get(String(req.params?.id ?? ''));
    if (!request) throw new HttpError(404, 'No such conversation.');
    return request;
  };
  const now = () => deps.now();
  const agentNames = async () => new Map((await deps.accounts.list()).map((a) => [a.id, a.displayName]));
  // A failed sign-in is audited against the account it tried, or a placeholder: what was typed
  // as a username may be anything (even a password typed in the wrong box), so it is not kept.
  const auditIdFor = async (username: string) => (await deps.accounts.byUsername(username))?.id ?? UNKNOWN_AGENT;

  // ---- page --------------------------------------------------------------------------------
  server.get('/agent', consoleFile('index.html', 'text/html; charset=utf-8'));
  server.get('/agent/assets/agent.js', consoleFile('agent.js', 'text/javascript; charset=utf-8'));
  server.get('/agent/assets/markdown.js', consoleFile('markdown.js', 'text/javascript; charset=utf-8'));
  server.get('/agent/assets/agent.css', consoleFile('agent.css', 'text/css; charset=utf-8'));

  // ---- sign-in -------------------------------------------------------------------------------
  server.post('/agent/api/login', async (req: restify.Request, res: restify.Response) => {
    try {
      if (!sameOrigin(req)) return send(res, 403, { error: 'Sign in from the agent console.' });
      const body = await readJson(req);
      const username = textField(body, 'username', 64).toLowerCase();
      const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
      const at = now();
      // Counted before the password is checked: a burst of guesses checks at most the limit.
      const attempt = await failures.begin(username, at);
      if (!attempt.allowed) {
        await deps.audit.record(await auditIdFor(username), 'sign_in_locked', at);
        return send(res, 429, { error: 'Too many attempts. Try again in 15 minutes.' });
      }
      const agent = await deps.accounts.verify(username, password);
      if (!agent) {
        await deps.audit.record(await auditIdFor(username), 'sign_in_failed', at);
        return send(res, 401, { error: 'That username and password do not match.' });
      }
      await failures.succeeded(username, attempt.ticket);
      const { token, session } = await deps.sessions.create(agent, at);
      await deps.audit.record(agent.id, 'sign_in', at);
      res.setHeader('Set-Cookie', sessionCookie(token, Math.floor(deps.sessionTtlMs / 1000), deps.secureCookies));
      send(res, 200, { agent, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
    } catch (error) {
      fail(res, error);
    }
  });

  server.post(
    '/agent/api/logout',
    api(true, async ({ res, session, token }) => {
      await deps.sessions.destroy(token);
      await deps.audit.record(session.agent.id, 'sign_out', now());
      res.setHeader('Set-Cookie', clearedCookie(deps.secureCookies));
      send(res, 200, { ok: true });
    }),
  );

  server.get(
    '/agent/api/session',
    api(false, async ({ res, session }) => {
      send(res, 200, { agent: session.agent, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
    }),
  );

  // ---- queue and context -------------------------------------------------------------------
  server.get(
    '/agent/api/queue',
    api(false, async ({ res, session }) => {
      const at = now();
      const [waiting, mine] = await Promise.all([service.queue.waiting(), service.queue.assignedTo(session.agent.id)]);
      const [availability, availableAgents, callbacks] = await Promise.all([
        deps.accounts.availability(session.agent.id),
        deps.accounts.availableNow(at),
        // The live queue is ours; callbacks may be a CRM's. When it does not answer, the queue still shows.
        deps.cases.listOpenOfKind('callback').catch((error: unknown) => {
          if (isBackOfficeUnavailable(error)) return null;
          throw error;
        }),
      ]);
      send(res, 200, {
        waiting: await Promise.all(waiting.map((r) => summarise(service, r, at))),
        mine: await Promise.all(mine.map((r) => summarise(service, r, at))),
        outcomes: OUTCOMES.map((value) => ({ value, label: outcomeInWords(value) })),
        availability,
        availableAgents,
        callbacksOpen: callbacks ? callbacks.length : null,
        serverNow: at,
      });
    }),
  );

  server.get(
    '/agent/api/agents',
    api(false, async ({ res }) => {
      send(res, 200, { agents: await deps.accounts.list() });
    }),
  );

  server.get(
    '/agent/api/handoffs/:id',
    api(false, async ({ req, res, session }) => {
      const request = await requestOf(req);
      // A waiting conversation is open to any agent deciding what to take; after that, to its agent.
      if (request.status !== 'queued' && request.agentId !== session.agent.id)
        throw new HttpError(403, 'This conversation is with another agent.');
      await deps.audit.record(session.agent.id, 'view', now(), request);
      send(res, 200, await contextView(service, deps.phones, request, now(), await agentNames()));
    }),
  );

  server.get(
    '/agent/api/saved-replies',
    api(false, async ({ res }) => {
      send(res, 200, { replies: deps.savedReplies });
    }),
  );

  // ---- availability ------------------------------------------------------------------------
  server.post(
    '/agent/api/availability',
    api(true, async ({ req, res, session }) => {
      const value = (await readJson(req)).availability;
      if (!isAvailability(value)) throw new HttpError(400, `Choose one of: ${AVAILABILITIES.join(', ')}.`);
      await deps.accounts.setAvailability(session.agent.id, value);
      await deps.audit.record(session.agent.id, `availability_${value}`, now());
      // Every console's estimate and the residents' next estimate change with it.
      service.announceQueueChange();
      send(res, 200, { availability: value });
    }),
  );

  // ---- callbacks ---------------------------------------------------------------------------
  server.get(
    '/agent/api/callbacks',
    api(false, async ({ res, session }) => {
      const [open, names] = await Promise.all([deps.cases.listOpenOfKind('callback'), agentNames()]);
      send(res, 200, {
        callbacks: open.map((c) => callbackView(c, session.agent.id, names, (topic) => topicInWords(service, topic))),
        outcomes: CALLBACK_OUTCOMES.map((value) => ({ value, label: outcomeInWords(value) })),
        serverNow: now(),
      });
    }),
  );

  server.post(
    '/agent/api/callbacks/:reference/claim',
    api(true, async ({ req, res, session }) => {
      const reference = callbackReference(req);
      const result = await deps.cases.claim(reference, session.agent.id, new Date(now()));
      if (!result.ok) {
        throw new HttpError(
          result.reason === 'missing' ? 404 : 409,
          result.reason === 'missing'
            ? 'No such callback request.'
            : result.reason === 'closed'
              ? 'This callback has already been closed.'
              : 'Another agent has already claimed this callback.',
        );
      }
      await deps.audit.record(session.agent.id, 'callback_claim', now());
      service.announceQueueChange();
      send(res, 200, { ok: true });
    }),
  );

  server.post(
    '/agent/api/callbacks/:reference/close',
    api(true, async ({ req, res, session }) => {
      const reference = callbackReference(req);
      const outcome = (await readJson(req)).outcome;
      if (typeof outcome !== 'string' || !(CALLBACK_OUTCOMES as readonly string[]).includes(outcome)) {
        throw new HttpError(400, 'Choose what happened on the call before closing it.');
      }
      const current = await deps.cases.get(reference);
      if (!current || current.kind !== 'callback') throw new HttpError(404, 'No such callback request.');
      if (current.status === 'closed') throw new HttpError(409, 'This callback has already been closed.');
      // Claimed first, so nobody closes a call another agent is making.
      if (current.claimedBy !== session.agent.id)
        throw new HttpError(409, 'Claim this callback before recording how it went.');
      await deps.cases.close(reference, new Date(now()), outcome);
      await deps.audit.record(session.agent.id, 'callback_close', now());
      service.announceQueueChange();
      send(res, 200, { ok: true });
    }),
  );

  // ---- actions -----------------------------------------------------------------------------
  server.post(
    '/agent/api/handoffs/:id/accept',
    api(true, async ({ req, res, session }) => {
      const request = await requestOf(req);
      if ((await deps.accounts.availability(session.agent.id)) === 'away')
        throw new HttpError(409, 'You are set to away. Set yourself available or busy to take a conversation.');
      await service.accept(request.id, session.agent);
      await deps.audit.record(session.agent.id, 'accept', now(), request);
      send(
        res,
        200,
        await contextView(
          service,
          deps.phones,
          (await service.queue.get(request.id)) ?? request,
          now(),
          await agentNames(),
        ),
      );
    }),
  );

  server.post(
    '/agent/api/handoffs/:id/messages',
    api(true, async ({ req, res, session }) => {
      const request = await requestOf(req);
      const text = textField(await readJson(req), 'text', MAX_MESSAGE);
      const message = await service.reply(request.id, session.agent, text);
      await deps.audit.record(session.agent.id, 'reply', now(), request);
      send(res, message.delivery === 'failed' ? 502 : 200, {
        message,
        ...(message.delivery === 'failed' ? { error: 'The message could not be delivered to the resident.' } : {}),
      });
    }),
  );

  server.post(
    '/agent/api/handoffs/:id/notes',
    api(true, async ({ req, res, session }) => {
      const request = await requestOf(req);
      const text = textField(await readJson(req), 'text', MAX_MESSAGE);
      const message = await service.note(request.id, session.agent, text);
      await deps.audit.record(session.agent.id, 'note', now(), request);
      send(res, 200, { message });
    }),
  );

  server.post(
    '/agent/api/handoffs/:id/end',
    api(true, async ({ req, res, session }) => {
      const request = await requestOf(req);
      const outcome = textField(await readJson(req), 'outcome', 48);
      if (!(OUTCOMES as readonly string[]).includes(outcome))
        throw new HttpError(400, `Choose an outcome: ${OUTCOMES.map(outcomeInWords).join(', ')}.`);
      await service.end(request.id, session.agent, outcome);
      await deps.audit.record(session.agent.id, 'end', now(), request);
      send(res, 200, { ok: true });
    }),
  );

  server.post(
    '/agent/api/handoffs/:id/transfer',
    api(true, async ({ req, res, session }) => {
      const request = await requestOf(req);
      const body = await readJson(req);
      // To the queue (any agent takes it next) or to a named agent; nothing else.
      if (body.queue === true) {
        await service.returnToQueue(request.id, session.agent);
        await deps.audit.record(session.agent.id, 'transfer', now(), request);
        return send(res, 200, { ok: true, to: 'queue' });
      }
      const agentId = typeof body.agentId === 'string' ? body.agentId.trim() : '';
      if (!agentId) throw new HttpError(400, 'Choose who to transfer to: the queue or a named agent.');
      const to = await deps.accounts.get(agentId.slice(0, 64));
      if (!to) throw new HttpError(400, 'That agent does not exist or has been disabled. Choose another.');
      if (to.id === session.agent.id)
        throw new HttpError(400, 'This conversation is already yours. Choose another agent or the queue.');
      await service.transfer(request.id, session.agent, to);
      await deps.audit.record(session.agent.id, 'transfer', now(), request);
      send(res, 200, { ok: true, to: to satisfies Agent });
    }),
  );
}

/** How a callback can end (a subset of the chat outcomes, plus "no answer"). */
const CALLBACK_OUTCOMES = ['resolved', 'case_opened', 'referred', 'no_answer', 'other'] as const;

function callbackReference(req: restify.Request): string {
  const reference = String(req.params?.reference ?? '')
    .trim()
    .toUpperCase();
  if (!/^HC-\d{6}$/.test(reference)) throw new HttpError(404, 'No such callback request.');
  return reference;
}

function header(req: restify.Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
