/**
 * The Direct Line WebSocket stream: `/v3/directline/conversations/{id}/stream?watermark=&t=`.
 * On connect it replays everything after the watermark from the store, then forwards new
 * activities as `{"activities":[…],"watermark":"N"}` frames. Every delivery goes through one
 * promise chain per socket and compares watermarks, so replay and live events never reorder,
 * duplicate or skip (a gap, e.g. from another instance's event arriving late, is filled from
 * the store). An empty frame and a ping act as keep-alive; a socket that misses a pong is dropped.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type pino from 'pino';
import type { ConversationEvents } from './conversationEvents.js';
import type { StoredActivity } from './conversationStore.js';
import { PAGE_SIZE, errorSummary, type DirectLineConversations } from './conversations.js';
import { DirectLineError, Errors } from './errors.js';
import { parseWatermark } from './http.js';
import { claimUpgrade, decodeSegment, parseUpgradeTarget, refuseUpgrade } from '../upgrade.js';

const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/]+)\/stream\/?$/;

export interface StreamDeps {
  conversations: DirectLineConversations;
  events: ConversationEvents;
  logger: pino.Logger;
  keepAliveMs: number;
  /** Web Chat holds one socket per conversation (two briefly while reconnecting). */
  maxStreamsPerConversation: number;
}

export class DirectLineStreams {
  /** Clients only send empty keep-alives; anything large is not a Direct Line client. */
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly connections = new Set<StreamConnection>();
  private readonly perConversation = new Map<string, number>();
  private readonly keepAlive: NodeJS.Timeout;
  private readonly servers: Server[] = [];
  private closing = false;

  constructor(private readonly deps: StreamDeps) {
    this.keepAlive = setInterval(() => {
      for (const connection of this.connections) connection.keepAlive();
    }, deps.keepAliveMs);
    this.keepAlive.unref();
  }

  attach(server: Server): void {
    server.on('upgrade', this.onUpgrade);
    this.servers.push(server);
  }

  get openConnections(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.keepAlive);
    for (const server of this.servers) server.off('upgrade', this.onUpgrade);
    const closed = [...this.connections].map((connection) => connection.close(1001, 'server shutting down'));
    await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    for (const connection of this.connections) connection.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /**
   * Never throws: anything unexpected while answering one upgrade is logged and refused, so
   * no request can take the process (and every other resident's conversation) down with it.
   */
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const target = parseUpgradeTarget(req);
    const match = target ? STREAM_PATH.exec(target.pathname) : null;
    if (!target && (req.url ?? '').includes('/v3/directline/')) {
      claimUpgrade(socket);
      reject(socket, Errors.badArgument('The stream URL is not valid.'));
      return;
    }
    // Other upgrade handlers (the agent console) share this server: leave their paths alone.
    if (!target || !match?.[1]) return;
    claimUpgrade(socket);
    try {
      const conversationId = decodeSegment(match[1]);
      if (conversationId === null) {
        reject(socket, Errors.badArgument('The conversation id in the stream URL is not valid.'));
        return;
      }
      if (this.closing) {
        reject(socket, Errors.unavailable());
        return;
      }
      this.authorize(req, socket, head, conversationId, target.searchParams);
    } catch (error) {
      this.deps.logger.error({ err: errorSummary(error) }, 'stream upgrade failed');
      reject(socket, Errors.serviceError());
    }
  };

  private authorize(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    conversationId: string,
    query: URLSearchParams,
  ): void {
    this.deps.conversations
      .authorizeStream(query.get('t'), conversationId)
      .then(() => {
        if (socket.destroyed) return;
        if ((this.perConversation.get(conversationId) ?? 0) >= this.deps.maxStreamsPerConversation) {
          reject(socket, Errors.tooManyStreams());
          return;
        }
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          this.open(ws, conversationId, parseWatermark(query.get('watermark')));
        });
      })
      .catch((error: unknown) => {
        if (!(error instanceof DirectLineError))
          this.deps.logger.error({ err: errorSummary(error), conversationId }, 'stream upgrade failed');
        const failure = error instanceof DirectLineError ? error : Errors.serviceError();
        this.deps.logger.debug({ conversationId, status: failure.status }, 'stream refused');
        reject(socket, failure);
      });
  }

  private open(ws: WebSocket, conversationId: string, watermark: number | undefined): void {
    const connection = new StreamConnection(ws, conversationId, watermark, this.deps);
    this.connections.add(connection);
    this.perConversation.set(conversationId, (this.perConversation.get(conversationId) ?? 0) + 1);
    ws.once('close', () => {
      this.connections.delete(connection);
      const left = (this.perConversation.get(conversationId) ?? 1) - 1;
      if (left > 0) this.perConversation.set(conversationId, left);
      else this.perConversation.delete(conversationId);
      void connection.stop();
      this.deps.logger.debug({ conversationId, open: this.connections.size }, 'stream closed');
    });
    this.deps.logger.debug({ conversationId, open: this.connections.size }, 'stream opened');
    connection.start();
  }
}

class StreamConnection {
  /** Highest watermark this client has been sent (-1: none yet). */
  private last: number;
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => Promise<void>) | undefined;
  private stopped = false;
  private alive = true;

  constructor(
    private readonly ws: WebSocket,
    private readonly conversationId: string,
    watermark: number | undefined,
    private readonly deps: StreamDeps,
  ) {
    this.last = watermark ?? -1;
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('error', (error) => deps.logger.debug({ err: errorSummary(error), conversationId }, 'stream socket error'));
    // Incoming frames are Web Chat's empty keep-alives; nothing to do with them.
    ws.on('message', () => {
      this.alive = true;
    });
  }

  start(): void {
    // Subscribe before replaying, so nothing published in between is missed.
    this.deps.events
      .subscribe(this.conversationId, (event) => this.enqueue(event))
      .then(
        (unsubscribe) => {
          if (this.stopped) void unsubscribe();
          else this.unsubscribe = unsubscribe;
          this.enqueue(undefined);
        },
        (error: unknown) => {
          this.deps.logger.error(
            { err: errorSummary(error), conversationId: this.conversationId },
            'stream could not subscribe',
          );
          this.ws.close(1011, 'unavailable');
        },
      );
  }

  keepAlive(): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
    this.ws.send('');
  }

  close(code: number, reason: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close(code, reason);
    });
  }

  terminate(): void {
    this.ws.terminate();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    if (unsubscribe) await unsubscribe();
  }

  /** undefined means "catch up from the store". */
  private enqueue(event: StoredActivity | undefined): void {
    this.chain = this.chain
      .then(() => this.deliver(event))
      .catch((error: unknown) => {
        this.deps.logger.warn(
          { err: errorSummary(error), conversationId: this.conversationId },
          'stream delivery failed',
        );
        // The client reconnects with its watermark and the replay fills the gap.
        this.ws.close(1011, 'delivery failed');
      });
  }

  private async deliver(event: StoredActivity | undefined): Promise<void> {
    if (this.stopped || this.ws.readyState !== WebSocket.OPEN) return;
    if (event && event.watermark <= this.last) return;
    if (event && event.watermark === this.last + 1) {
      this.send([event]);
      return;
    }
    for (;;) {
      const rows = await this.deps.conversations.activitiesAfter(
        this.conversationId,
        this.last < 0 ? undefined : this.last,
      );
      if (rows.length === 0 || this.ws.readyState !== WebSocket.OPEN) return;
      this.send(rows);
      if (rows.length < PAGE_SIZE) return;
    }
  }

  private send(rows: StoredActivity[]): void {
    const lastRow = rows.at(-1);
    if (!lastRow) return;
    this.ws.send(JSON.stringify({ activities: rows.map((row) => row.activity), watermark: String(lastRow.watermark) }));
    this.last = lastRow.watermark;
  }
}

function reject(socket: Duplex, error: DirectLineError): void {
  refuseUpgrade(socket, error.status, { contentType: 'application/json', text: JSON.stringify(error.toBody()) });
}
