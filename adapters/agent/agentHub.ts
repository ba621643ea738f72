/**
 * The agent hub, put together: agent accounts, sign-in sessions and their lockout, the audit
 * trail, the /agent page and its API, and the WebSocket that keeps open consoles current. It
 * acts only through the handoff service it is given; the composition root builds both.
 */
import type restify from 'restify';
import type pino from 'pino';
import type { Db } from '../../store/database.js';
import type { Cases } from '../../services/cases/cases.js';
import type { HandoffService } from '../../services/handoff/handoffService.js';
import type { SavedReply } from '../../services/handoff/savedReplies.js';
import type { AgentAccounts } from './accounts.js';
import { AgentAudit } from './audit.js';
import type { ResidentPhones } from './context.js';
import { registerAgentRoutes } from './routes.js';
import { AgentSessions } from './sessions.js';
import { SignInFailures } from './signInFailures.js';
import { AgentSockets } from './sockets.js';

export interface AgentHubOptions {
  db: Db;
  service: HandoffService;
  accounts: AgentAccounts;
  /** Callback requests (HC-) agents claim and close. */
  cases: Cases;
  savedReplies: SavedReply[];
  /** Residents' numbers, from the channels that know them. */
  phones: ResidentPhones;
  logger: pino.Logger;
  now: () => number;
  /** Agent sessions last this long (default 8 hours). */
  sessionTtlMs?: number;
  /** Mark the session cookie Secure (set when served over HTTPS). */
  secureCookies?: boolean;
  /** How often expired sessions and old sign-in failures are cleared (default 15 s). */
  purgeIntervalMs?: number;
}

export class AgentHub {
  /** Console sign-in sessions and the audit trail, shared with the supervisors' insights pages. */
  readonly sessions: AgentSessions;
  readonly audit: AgentAudit;
  private readonly signInFailures: SignInFailures;
  private readonly sockets: AgentSockets;
  private readonly sessionTtlMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AgentHubOptions) {
    this.sessionTtlMs = options.sessionTtlMs ?? 8 * 3_600_000;
    this.sessions = new AgentSessions(options.db, options.accounts, this.sessionTtlMs);
    this.audit = new AgentAudit(options.db);
    this.signInFailures = new SignInFailures(options.db);
    this.sockets = new AgentSockets(options.service, this.sessions, options.logger, options.now);
  }

  registerRoutes(server: restify.Server): void {
    const { options } = this;
    registerAgentRoutes(server, {
      service: options.service,
      cases: options.cases,
      savedReplies: options.savedReplies,
      accounts: options.accounts,
      sessions: this.sessions,
      audit: this.audit,
      signInFailures: this.signInFailures,
      phones: options.phones,
      logger: options.logger,
      secureCookies: options.secureCookies ?? false,
      sessionTtlMs: this.sessionTtlMs,
      now: options.now,
    });
  }

  attachWebSockets(server: restify.Server): void {
    this.sockets.attach(server.server);
  }

  /** Clears expired sessions and old sign-in failures now and periodically. */
  start(): void {
    if (this.timer) return;
    const purge = () => {
      const now = this.options.now();
      this.sessions.purgeExpired(now).catch(() => undefined);
      this.signInFailures.purge(now).catch(() => undefined);
    };
    this.timer = setInterval(purge, this.options.purgeIntervalMs ?? 15_000);
    this.timer.unref();
    purge();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sockets.close();
  }
}
