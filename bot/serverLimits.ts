/**
 * Node's own HTTP server settings that keep one client from holding the service: how long a
 * request's headers and whole body may take, how long a connection may sit idle, and how many
 * connections are open at once. Also the last word on WebSocket upgrades no handler claimed.
 */
import type { Server } from 'node:http';
import { isClaimed, parseUpgradeTarget, refuseUpgrade } from '../adapters/upgrade.js';

export interface ServerLimits {
  /** Headers must arrive within this (slowloris). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this. */
  requestTimeoutMs: number;
  /** A connection with no bytes either way for this long is closed (a stalled body, an idle keep-alive). */
  idleTimeoutMs: number;
  /** Connections beyond this are refused at once; open sockets (Web Chat, agents) count too. */
  maxConnections: number;
}

export function applyServerLimits(server: Server, limits: ServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  // Node only applies this to HTTP exchanges; an upgraded WebSocket keeps its own pings.
  server.timeout = limits.idleTimeoutMs;
  server.maxConnections = limits.maxConnections;

  // Registered before the channels' handlers, so it looks after they have all had their turn:
  // an upgrade nobody claimed (an unknown path, a request line no URL parser reads) is
  // answered and closed instead of holding a socket open.
  server.on('upgrade', (req, socket) => {
    setImmediate(() => {
      if (isClaimed(socket)) return;
      socket.on('error', () => socket.destroy());
      refuseUpgrade(socket, parseUpgradeTarget(req) ? 404 : 400);
    });
  });
}
