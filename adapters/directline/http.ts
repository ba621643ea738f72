/**
 * Small HTTP helpers the Direct Line routes share: CORS, JSON error bodies, reading a size-
 * limited JSON body, and working out the public origin behind a proxy (for streamUrl).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody, type RequestBody } from '../readBody.js';
import { MAX_JSON_DEPTH, parseJsonText } from '../jsonText.js';
import { DirectLineError, Errors } from './errors.js';

/**
 * The parts of a request these helpers read. restify's Request and pino-http's augmentation of
 * IncomingMessage disagree about `log`, so a structural type keeps both callers type-safe.
 */
export type RequestHead = Pick<IncomingMessage, 'headers' | 'url' | 'socket'>;

/** Web Chat sends Authorization and x-ms-bot-agent; rxjs adds X-Requested-With. */
const ALLOWED_HEADERS = 'Authorization, Content-Type, Accept, x-ms-bot-agent, X-Requested-With';

export function setCorsHeaders(res: ServerResponse, allowedOrigin = '*'): void {
  res.setHeader('Access-Control-Allow-Origin', allowedOrigin);
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
  res.setHeader('Access-Control-Max-Age', '600');
  if (allowedOrigin !== '*') res.setHeader('Vary', 'Origin');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(payload));
  res.setHeader('Cache-Control', 'no-store');
  res.end(payload);
}

export function sendError(res: ServerResponse, error: DirectLineError): void {
  sendJson(res, error.status, error.toBody());
}

/** The JSON body, refusing more than `maxBytes` (413) and anything that is not JSON (400). */
export async function readJsonBody(req: RequestBody, maxBytes: number): Promise<unknown> {
  let body: Buffer;
  try {
    body = await readBody(req, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw Errors.bodyTooLarge(maxBytes);
    throw error;
  }
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw parsed.reason === 'depth' ? Errors.tooDeep(MAX_JSON_DEPTH) : Errors.badJson();
  return parsed.value;
}

/** `https://host` as the browser sees it, honouring a reverse proxy's X-Forwarded-* headers. */
export function publicOrigin(req: RequestHead): { http: string; ws: string } {
  const first = (value: string | string[] | undefined) =>
    (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
  const forwardedProto = first(req.headers['x-forwarded-proto'])?.toLowerCase();
  const encrypted = 'encrypted' in req.socket && req.socket.encrypted === true;
  const secure = forwardedProto ? forwardedProto === 'https' || forwardedProto === 'wss' : encrypted;
  const rawHost = first(req.headers['x-forwarded-host']) ?? first(req.headers.host) ?? 'localhost';
  // Only a host[:port] may reach the URL we hand out; anything else falls back to localhost.
  const host = /^[A-Za-z0-9.\-[\]:]+$/.test(rawHost) ? rawHost : 'localhost';
  return { http: `${secure ? 'https' : 'http'}://${host}`, ws: `${secure ? 'wss' : 'ws'}://${host}` };
}

/** The query string of a raw request URL (restify's queryParser may or may not be installed). */
export function queryOf(req: RequestHead): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

/** Parses a client watermark: absent, "-" or garbage means "from the start". */
export function parseWatermark(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^\d{1,9}$/.test(value)) return undefined;
  return Number(value);
}

export function isDirectLineError(error: unknown): error is DirectLineError {
  return error instanceof DirectLineError;
}
