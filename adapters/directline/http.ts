/**
 * Small HTTP helpers the Direct Line routes share: CORS, JSON error bodies, reading a size-
 * limited JSON body, and working out the public origin behind a proxy (for streamUrl).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { DirectLineError, Errors } from './errors.js';

/**
 * The parts of a request these helpers read. restify's Request and pino-http's augmentation of
 * IncomingMessage disagree about `log`, so a structural type keeps both callers type-safe.
 */
export type RequestHead = Pick<IncomingMessage, 'headers' | 'url' | 'socket'>;
export interface RequestBody {
  headers: IncomingHttpHeaders;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  once(event: 'end' | 'aborted', listener: () => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  pause(): unknown;
}

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

/**
 * Reads the whole body, refusing more than `maxBytes`. An oversized body is still drained (up
 * to a hard cap) so the client reads our 413 instead of a connection reset mid-upload.
 */
export async function readJsonBody(req: RequestBody, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  const hardCap = Math.max(maxBytes * 16, 1_048_576);
  if (Number.isFinite(declared) && declared > hardCap) throw Errors.bodyTooLarge(maxBytes);

  const chunks: Buffer[] = [];
  let received = 0;
  let tooLarge = false;
  await new Promise<void>((resolve, reject) => {
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        if (received > hardCap) {
          req.pause();
          resolve();
        }
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve());
    req.once('error', reject);
    req.once('aborted', () => reject(new Error('request aborted')));
  });
  if (tooLarge) throw Errors.bodyTooLarge(maxBytes);

  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw Errors.badJson();
  }
}

/** `https://host` as the browser sees it, honouring a reverse proxy's X-Forwarded-* headers. */
export function publicOrigin(req: RequestHead): { http: string; ws: string } {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
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
