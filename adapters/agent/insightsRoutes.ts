/**
 * The insights dashboard for the council's digital and contact-centre leads, under /agent:
 * the page (/agent/insights), the figures as JSON (/agent/api/insights?from=&to=) and CSV
 * (/agent/api/insights.csv), and the inbox of messages the assistant did not understand, with
 * labelling and the labels' export as corpus lines. Supervisors only: signed out is 401, an
 * agent's session 403. Live operational figures stay on /metrics.
 */
import type restify from 'restify';
import { consoleFile } from './consoleFiles.js';
import type pino from 'pino';
import type { Db } from '../../store/database.js';
import { dateRangeSchema, insightsReport, type DateRange, type ReportOptions } from '../../services/insights/report.js';
import { insightsCsv } from '../../services/insights/csv.js';
import { labelSchema, type InsightInbox } from '../../services/insights/inbox.js';
import { HttpError, cookieValue, readJson, sameOrigin, SESSION_COOKIE } from './http.js';
import { csrfMatches, type AgentSessions, type Session } from './sessions.js';
import type { AgentAudit } from './audit.js';
import { INTENT_NAMES } from '../../intents/types.js';

export interface InsightsRouteDeps {
  db: Db;
  sessions: AgentSessions;
  inbox: InsightInbox;
  audit: AgentAudit;
  logger: pino.Logger;
  now: () => number;
  report: Omit<ReportOptions, 'now'>;
}

export function registerInsightsRoutes(server: restify.Server, deps: InsightsRouteDeps): void {
  const send = (res: restify.Response, status: number, body: unknown) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(status, body);
  };
  const sendText = (res: restify.Response, type: string, filename: string, body: string) => {
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendRaw(200, body);
  };

  /** A supervisor's session (401 signed out, 403 an agent's); mutations need the CSRF token too. */
  const supervisor =
    (mutates: boolean, handler: (req: restify.Request, res: restify.Response, session: Session) => Promise<void>) =>
    async (req: restify.Request, res: restify.Response) => {
      try {
        const session = await deps.sessions.find(cookieValue(req, SESSION_COOKIE), deps.now());
        if (!session) return send(res, 401, { error: 'Please sign in.' });
        if (session.agent.role !== 'supervisor')
          return send(res, 403, { error: 'Only supervisors can see the insights.' });
        const header = req.headers['x-csrf-token'];
        if (
          mutates &&
          (!sameOrigin(req) || !csrfMatches(typeof header === 'string' ? header : undefined, session.csrfToken))
        ) {
          return send(res, 403, { error: 'This request did not come from the insights page.' });
        }
        await handler(req, res, session);
      } catch (error) {
        if (error instanceof HttpError) return send(res, error.status, { error: error.message });
        deps.logger.error(
          { err: error instanceof Error ? { name: error.name, message: error.message } : String(error) },
          'insights API failed',
        );
        return send(res, 500, { error: 'Something went wrong on our side.' });
      }
    };

  const rangeOf = (req: restify.Request): DateRange => {
    const url = new URL(req.url ?? '/', 'http://x');
    const parsed = dateRangeSchema.safeParse({
      from: url.searchParams.get('from') ?? undefined,
      to: url.searchParams.get('to') ?? undefined,
    });
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (i) =>
          `${i.path.join('.') || 'range'} ${i.path.length && i.code === 'invalid_type' ? 'is required (YYYY-MM-DD)' : i.message}`,
      );
      throw new HttpError(400, `Give the dates as ?from=YYYY-MM-DD&to=YYYY-MM-DD: ${problems.join('; ')}.`);
    }
    return parsed.data;
  };
  const report = (range: DateRange) => insightsReport(deps.db, range, { ...deps.report, now: deps.now() });

  // ---- page ----------------------------------------------------------------------------------
  server.get('/agent/insights', consoleFile('insights.html', 'text/html; charset=utf-8'));
  server.get('/agent/assets/insights.js', consoleFile('insights.js', 'text/javascript; charset=utf-8'));
  server.get('/agent/assets/charts.js', consoleFile('charts.js', 'text/javascript; charset=utf-8'));
  server.get('/agent/assets/insights.css', consoleFile('insights.css', 'text/css; charset=utf-8'));

  // ---- figures --------------------------------------------------------------------------------
  server.get(
    '/agent/api/insights',
    supervisor(false, async (req, res) => {
      send(res, 200, await report(rangeOf(req)));
    }),
  );
  server.get(
    '/agent/api/insights.csv',
    supervisor(false, async (req, res) => {
      const range = rangeOf(req);
      sendText(
        res,
        'text/csv; charset=utf-8',
        `insights-${range.from}-to-${range.to}.csv`,
        insightsCsv(await report(range)),
      );
    }),
  );

  // ---- inbox of messages not understood ----------------------------------------------------------
  server.get(
    '/agent/api/insights/inbox',
    supervisor(false, async (req, res, session) => {
      const range = rangeOf(req);
      await deps.audit.record(session.agent.id, 'insights_inbox_view', deps.now());
      // The labels a supervisor can choose: every intent of the taxonomy (None = out of scope).
      send(res, 200, { entries: await deps.inbox.list(range), intents: INTENT_NAMES });
    }),
  );
  server.post(
    '/agent/api/insights/inbox/:id/label',
    supervisor(true, async (req, res, session) => {
      const id = Number(req.params?.id);
      if (!Number.isSafeInteger(id) || id < 1) throw new HttpError(404, 'No such message.');
      const parsed = labelSchema.safeParse(await readJson(req));
      if (!parsed.success)
        throw new HttpError(
          400,
          'Send {"intent": "<an intent, or None for out of scope>"} or {"signpost": "<what to signpost>"}.',
        );
      if (!(await deps.inbox.label(id, parsed.data, session.agent.username, deps.now())))
        throw new HttpError(404, 'No such message (it may have passed the retention period).');
      await deps.audit.record(session.agent.id, 'insights_label', deps.now());
      send(res, 200, { ok: true });
    }),
  );
  server.get(
    '/agent/api/insights/labels.txt',
    supervisor(false, async (_req, res) => {
      sendText(res, 'text/plain; charset=utf-8', 'inbox-labels.txt', await deps.inbox.exportLabels());
    }),
  );
}
