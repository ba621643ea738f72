/**
 * Reads Twilio's application/x-www-form-urlencoded webhook body with a size limit. Parsed with
 * URLSearchParams into plain strings: the signature is computed over exactly these pairs.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** An incoming request as far as reading its body goes (restify's Request and Node's both fit). */
export type FormRequest = Readable & { headers: IncomingHttpHeaders };

export class BodyTooLargeError extends Error {
  constructor() {
    super('request body too large');
  }
}

export async function readFormBody(req: FormRequest, maxBytes: number): Promise<Record<string, string>> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw new BodyTooLargeError();
  }
  const chunks: Buffer[] = [];
  let received = 0;
  let tooLarge = false;
  await new Promise<void>((resolve, reject) => {
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        // Keep draining so the client reads our 413 rather than a reset connection.
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve());
    req.once('error', reject);
    req.once('aborted', () => reject(new Error('request aborted')));
  });
  if (tooLarge) throw new BodyTooLargeError();
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params[key] = value;
  return params;
}
