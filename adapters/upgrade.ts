/**
 * Shared care for WebSocket upgrade requests. Several handlers listen on one http.Server's
 * 'upgrade' event and each answers only its own paths, so an upgrade must be read without
 * throwing (a request line like `GET http://[/x` or a path like `/%E0%A4%A` would otherwise
 * throw out of the listener and stop the process), claimed by exactly one handler, and, when
 * no handler claims it, refused by the server rather than left open.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export interface UpgradeTarget {
  pathname: string;
  searchParams: URLSearchParams;
}

/**
 * The path and query of an upgrade, or null when the request line is not an ordinary
 * origin-form path (absolute URLs, malformed hosts, anything `URL` refuses).
 */
export function parseUpgradeTarget(req: Pick<IncomingMessage, 'url'>): UpgradeTarget | null {
  const raw = req.url ?? '';
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  try {
    const url = new URL(raw, 'http://localhost');
    return { pathname: url.pathname, searchParams: url.searchParams };
  } catch {
    return null;
  }
}

/** decodeURIComponent that answers null instead of throwing on malformed percent-encoding. */
export function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

const claimed = new WeakSet<Duplex>();

/**
 * Marks the socket as this handler's. Node removes its own 'error' listener from an upgraded
 * socket, so one is added here: a client resetting the connection while we check its
 * credentials must not become an uncaught exception.
 */
export function claimUpgrade(socket: Duplex): void {
  claimed.add(socket);
  socket.on('error', () => socket.destroy());
}

export function isClaimed(socket: Duplex): boolean {
  return claimed.has(socket);
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Answers an upgrade with a plain HTTP status and closes the socket; safe on a socket already gone. */
export function refuseUpgrade(socket: Duplex, status: number, body?: { contentType: string; text: string }): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const reason = REASONS[status] ?? 'Error';
  const head = [`HTTP/1.1 ${status} ${reason}`, 'Connection: close'];
  if (body) head.push(`Content-Type: ${body.contentType}`);
  head.push(`Content-Length: ${body ? Buffer.byteLength(body.text) : 0}`);
  socket.end(`${head.join('\r\n')}\r\n\r\n${body?.text ?? ''}`);
}
