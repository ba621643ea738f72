/**
 * Who is asking, as far as velocity limits need to know. The client's address comes from the
 * TCP connection, or from X-Forwarded-For only when TRUST_PROXY says how many proxies of ours
 * stand in front (otherwise anyone could claim any address). Limits and counters only ever
 * see a hash of it, never the address itself.
 *
 * A channel route runs the resident's turn inside `runAsClient`, so a service wrapper deep in
 * the turn (the council tax check, a permit lookup, a handoff) can count per client without
 * dialogs or services knowing anything about HTTP.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface RequestWithAddress {
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string | undefined };
}

/**
 * The client's address: with `trustedProxies` = n > 0, the n-th address from the right of
 * X-Forwarded-For (each of our proxies appends the address it saw); otherwise the socket's.
 */
export function clientAddress(req: RequestWithAddress, trustedProxies: number): string {
  const socketAddress = req.socket.remoteAddress ?? 'unknown';
  if (trustedProxies <= 0) return socketAddress;
  const header = req.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  return chain[chain.length - trustedProxies] ?? chain[0] ?? socketAddress;
}

/** A stable, non-reversible key for an address (IPv4-mapped IPv6 counted as the IPv4 address). */
export function clientKey(address: string): string {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return `c${createHash('sha256').update(plain).digest('base64url').slice(0, 22)}`;
}

const current = new AsyncLocalStorage<string>();

/** Runs `work` with `client` as the current client key (for the turn it starts). */
export function runAsClient<T>(client: string, work: () => T): T {
  return current.run(client, work);
}

/** The current client key, when the work was started by a channel request. */
export function currentClient(): string | undefined {
  return current.getStore();
}
