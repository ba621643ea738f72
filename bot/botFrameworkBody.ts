/**
 * The body of a Bot Framework channel's POST to /api/messages. Azure's channels and the
 * Emulator only ever send one JSON activity, so only application/json is read, in memory, up
 * to MAX_BODY_BYTES and MAX_JSON_DEPTH. restify's general bodyParser also accepts multipart
 * uploads and writes each part to the temp folder before any handler runs (and never deletes
 * them): anyone could fill the disk with requests that are then refused.
 */
import { BodyTooLargeError, readBody, type RequestBody } from '../adapters/readBody.js';
import { MAX_JSON_DEPTH, parseJsonText } from '../adapters/jsonText.js';

export type ActivityBody =
  { ok: true; value: Record<string, unknown> } | { ok: false; status: 400 | 413 | 415; message: string };

export async function readActivityBody(req: RequestBody, maxBytes: number): Promise<ActivityBody> {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (type !== 'application/json') return { ok: false, status: 415, message: 'Send the activity as application/json.' };
  let body: Buffer;
  try {
    body = await readBody(req, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return { ok: false, status: 413, message: `The request body is larger than ${maxBytes} bytes.` };
    throw error;
  }
  const parsed = parseJsonText(body.toString('utf8'));
  if (!parsed.ok) {
    return {
      ok: false,
      status: 400,
      message:
        parsed.reason === 'depth'
          ? `The body nests deeper than ${MAX_JSON_DEPTH} levels.`
          : 'The body is not valid JSON.',
    };
  }
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, status: 400, message: 'The body must be one activity (a JSON object).' };
  return { ok: true, value: value as Record<string, unknown> };
}
