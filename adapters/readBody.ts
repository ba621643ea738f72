/**
 * Reads a request body with a size limit, for every channel's webhook. An oversized body is
 * still drained (up to a hard cap) so the client reads our 413 instead of a connection reset
 * mid-upload; past the hard cap, reading stops.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The parts of a request this reads (restify's Request and Node's IncomingMessage both fit). */
export interface RequestBody {
  headers: IncomingHttpHeaders;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  once(event: 'end' | 'aborted', listener: () => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  pause(): unknown;
}

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super('request body too large');
    this.name = 'BodyTooLargeError';
  }
}

export async function readBody(req: RequestBody, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  const hardCap = Math.max(maxBytes * 16, 1_048_576);
  if (Number.isFinite(declared) && declared > hardCap) throw new BodyTooLargeError(maxBytes);

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
  if (tooLarge) throw new BodyTooLargeError(maxBytes);
  return Buffer.concat(chunks);
}
