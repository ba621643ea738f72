/**
 * The agent console's live channel: WebSocket at /agent/api/socket. The upgrade needs a valid
 * session cookie (401) and a same-origin Origin (403). The server only pushes; agents act through
 * the REST API (with CSRF tokens). A queue change goes to every agent; a conversation's messages
 * only to the agent who has it. This handler answers /agent paths only and leaves every other
 * upgrade (Direct Line's streams) to its own handler.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type pino from 'pino';
import type { HandoffEvent, HandoffService } from '../../services/handoff/handoffService.js';
import { claimUpgrade, parseUpgradeTarget, refuseUpgrade } from '../upgrade.js';
import { cookieValue, sameOrigin, SESSION_COOKIE } from './http.js';
import type { AgentSessions, Session } from './sessions.js';

const SOCKET_PATH = '/agent/api/socket';

interface Client {
  ws: WebSocket;
  agentId: string;
  expiresAt: number;
  /** The session cookie, kept to re-check the session while the socket is open. */
  token: string;
  alive: boolean;
}

export class AgentSockets {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  private readonly clients = new Set<Client>();
  private readonly servers: Server[] = [];
  private readonly keepAlive: NodeJS.Timeout;
  private readonly recheck: NodeJS.Timeout;
  private rechecking = false;

  constructor(
    private readonly service: HandoffService,
    private readonly sessions: AgentSessions,
    private readonly logger: pino.Logger,
    private readonly now: () => number,
    /** How often each open socket's session is looked up again (sign-out, disabled account, expiry). */
    recheckMs = 5_000,
  ) {
    service.events.on('change', this.onChange);
    this.keepAlive = setInterval(() => this.ping(), 30_000);
    this.keepAlive.unref();
    this.recheck = setInterval(() => void this.recheckSessions(), recheckMs);
    this.recheck.unref();
  }

  attach(server: Server): void {
    server.on('upgrade', this.onUpgrade);
    this.servers.push(server);
  }

  async close(): Promise<void> {
    clearInterval(this.keepAlive);
    clearInterval(this.recheck);
    this.service.events.off('change', this.onChange);
    for (const server of this.servers) server.off('upgrade', this.onUpgrade);
    for (const client of this.clients) client.ws.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** Never throws: a malformed upgrade is refused with a status, whatever it holds. */
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const target = parseUpgradeTarget(req);
    if (!target) {
      // An unreadable request line aimed at the console is ours to refuse; anything else is left to the server.
      if ((req.url ?? '').includes('/agent')) {
        claimUpgrade(socket);
        refuseUpgrade(socket, 400);
      }
      return;
    }
    if (!target.pathname.startsWith('/agent')) return;
    claimUpgrade(socket);
    try {
      if (target.pathname !== SOCKET_PATH) return refuseUpgrade(socket, 404);
      if (!sameOrigin(req)) return refuseUpgrade(socket, 403);
      const token = cookieValue(req, SESSION_COOKIE);
      this.sessions
        .find(token, this.now())
        .then((session) => {
          if (!session || !token) return refuseUpgrade(socket, 401);
          if (socket.destroyed) return;
          this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, session, token));
        })
        .catch((error: unknown) => {
          this.logger.error(
            { err: error instanceof Error ? error.message : String(error) },
            'agent socket upgrade failed',
          );
          refuseUpgrade(socket, 500);
        });
    } catch (error) {
      this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'agent socket upgrade failed');
      refuseUpgrade(socket, 500);
    }
  };

  private open(ws: WebSocket, session: Session, token: string): void {
    const client: Client = { ws, agentId: session.agent.id, expiresAt: session.expiresAt, token, alive: true };
    this.clients.add(client);
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
    // Agents do not talk over the socket: anything they send is ignored.
    ws.on('message', () => undefined);
    ws.send(JSON.stringify({ type: 'hello' }));
  }

  private readonly onChange = (event: HandoffEvent): void => {
    const now = this.now();
    // The same frame for every agent it concerns: built once per event, not once per socket.
    const frame = JSON.stringify(
      event.kind === 'queue'
        ? { type: 'queue' }
        : event.kind === 'message'
          ? { type: 'message', requestId: event.requestId, message: event.message }
          : { type: 'request', requestId: event.requestId, status: event.status, agentId: event.agentId },
    );
    for (const client of this.clients) {
      if (client.expiresAt <= now) {
        client.ws.close(4401, 'session expired');
        continue;
      }
      // A waiting conversation (no agent yet) is open to every agent, as its context view is.
      const involved =
        event.kind === 'queue' ||
        event.agentId === null ||
        client.agentId === event.agentId ||
        (event.kind === 'request' && client.agentId === event.previousAgentId);
      if (!involved) {
        continue;
      }
      if (client.ws.readyState === client.ws.OPEN) client.ws.send(frame);
    }
  };

  /**
   * A socket lives no longer than its session: once the agent signs out, is disabled or the
   * session expires, residents' messages stop reaching it within a few seconds, on whichever
   * instance the sign-out happened.
   */
  private async recheckSessions(): Promise<void> {
    if (this.rechecking || this.clients.size === 0) return;
    this.rechecking = true;
    try {
      const now = this.now();
      for (const client of [...this.clients]) {
        const session = await this.sessions.find(client.token, now).catch((error: unknown) => {
          // The store not answering is no reason to cut agents off; the next round tries again.
          this.logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'agent session re-check failed',
          );
          return undefined;
        });
        if (session === null || (session && session.agent.id !== client.agentId)) {
          this.clients.delete(client);
          client.ws.close(4401, 'signed out');
        }
      }
    } finally {
      this.rechecking = false;
    }
  }

  private ping(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        client.ws.terminate();
        this.clients.delete(client);
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }
}
