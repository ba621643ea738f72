/**
 * The agent console's and the insights dashboard's own files (web/agent), served with the same
 * strict headers: no framing, no referrer, and a content security policy that allows only this
 * origin's scripts and styles, so a message a resident wrote can never run as script there.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type restify from 'restify';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'agent');

/** A handler that serves web/agent/`name` as `type`. */
export function consoleFile(name: string, type: string) {
  return async (_req: restify.Request, res: restify.Response): Promise<void> => {
    const body = await readFile(join(webDir, name));
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    );
    res.sendRaw(200, body);
  };
}
