/**
 * Reads Twilio's application/x-www-form-urlencoded webhook body with a size limit. Parsed with
 * URLSearchParams into plain strings: the signature is computed over exactly these pairs.
 */
import { readBody, type RequestBody } from '../readBody.js';

export { BodyTooLargeError } from '../readBody.js';

export async function readFormBody(req: RequestBody, maxBytes: number): Promise<Record<string, string>> {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams((await readBody(req, maxBytes)).toString('utf8'))) params[key] = value;
  return params;
}
