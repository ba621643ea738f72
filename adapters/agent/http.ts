/** Small HTTP helpers for the agent hub: cookies, same-origin checks and bounded JSON bodies. */
import type { IncomingHttpHeaders } from 'node:http';
import { BodyTooLargeError, readBody, type RequestBody } from '../readBody.js';
import { parseJsonText } from '../jsonText.js';

/** Just what these helpers read: restify's and Node's requests (and ws upgrades) all fit. */
interface WithHeaders {
  headers: IncomingHttpHeaders;
}

export const SESSION_COOKIE = 'agent_session';
export const MAX_BODY_BYTES = 16 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function cookieValue(req: WithHeaders, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    // A malformed value (`%E0%A4%A`) is no session at all, never an exception.
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  // Path=/agent: resident pages and APIs never receive it. Strict: no cross-site request carries it.
  return `${SESSION_COOKIE}=${token}; Path=/agent; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function clearedCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/agent; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

/**
 * A browser always sends Origin on cross-site POSTs and WebSocket upgrades: when present it
 * must be this server's own (the Host it was asked for), besides SameSite and the CSRF token.
 */
export function sameOrigin(req: WithHeaders): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** A JSON object body, at most MAX_BODY_BYTES; only application/json (forms cannot send it cross-site without a preflight). */
export async function readJson(req: RequestBody): Promise<Record<string, unknown>> {
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json'))
    throw new HttpError(415, 'Send JSON (Content-Type: application/json).');
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new HttpError(413, 'Request body too large.');
    throw error;
  }
  const parsed = parseJsonText(body.toString('utf8') || '{}');
  if (!parsed.ok)
    throw new HttpError(400, parsed.reason === 'depth' ? 'The body nests too deeply.' : 'The body is not valid JSON.');
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new HttpError(400, 'The body must be a JSON object.');
  return { ...value };
}

export function textField(body: Record<string, unknown>, name: string, max: number): string {
  const value = body[name];
  if (typeof value !== 'string' || !value.trim()) throw new HttpError(400, `${name} is required.`);
  if (value.length > max) throw new HttpError(400, `${name} is longer than ${max} characters.`);
  return value.trim();
}
