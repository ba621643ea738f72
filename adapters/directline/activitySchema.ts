/**
 * What a Web Chat client may post. Only the fields a resident's client legitimately sets are
 * kept; everything that identifies the conversation, the bot or the resident (id, from.id,
 * conversation, recipient, channelId, serviceUrl, timestamp) is set by the server, so a client
 * cannot forge them. channelData is kept (Web Chat matches its echo by clientActivityID), but
 * like value, entities and attachment content it is bounded in depth and size: everything here
 * is stored, replayed to sockets and read back into memory with the history, so one resident
 * posting large nested structures must not be able to grow the heap.
 */
import { z } from 'zod';

export const DEFAULT_MAX_TEXT_LENGTH = 4000;

/** Web Chat's own channelData, entities and card values are a few levels deep and well under 1 KB. */
export const MAX_CLIENT_JSON_DEPTH = 5;
export const MAX_CLIENT_JSON_BYTES = 2048;

/** Depth of a JSON value (a scalar is 0, `[]` is 1); stops counting past `limit`. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.value === null || typeof item.value !== 'object') continue;
    const depth = item.depth + 1;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(item.value)) stack.push({ value: child, depth });
  }
  return deepest;
}

const smallEnough = (value: unknown) =>
  depthOf(value, MAX_CLIENT_JSON_DEPTH) <= MAX_CLIENT_JSON_DEPTH &&
  Buffer.byteLength(JSON.stringify(value)) <= MAX_CLIENT_JSON_BYTES;
const tooBig = { message: `at most ${MAX_CLIENT_JSON_DEPTH} levels deep and ${MAX_CLIENT_JSON_BYTES} bytes` };

/** Any JSON, provided it is shallow and small enough to keep. */
const json = z.json().refine(smallEnough, tooBig);

const attachment = z.object({
  contentType: z.string().max(256),
  contentUrl: z.string().max(2048).optional(),
  content: json.optional(),
  name: z.string().max(256).optional(),
  thumbnailUrl: z.string().max(2048).optional(),
});

const entity = z.looseObject({ type: z.string().max(256) }).refine(smallEnough, tooBig);

export function clientActivitySchema(maxTextLength: number) {
  return z
    .object({
      type: z.enum(['message', 'event', 'typing']),
      // Length is checked separately so an over-long message gets its own polite code.
      text: z.string().optional(),
      textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
      locale: z.string().max(35).optional(),
      localTimestamp: z.string().max(64).optional(),
      localTimezone: z.string().max(64).optional(),
      name: z.string().max(256).optional(),
      value: json.optional(),
      channelData: z.record(z.string(), z.json()).refine(smallEnough, tooBig).optional(),
      attachments: z.array(attachment).max(10).optional(),
      entities: z.array(entity).max(20).optional(),
      replyToId: z.string().max(256).optional(),
      from: z
        .object({
          id: z.string().max(256).optional(),
          name: z.string().max(256).optional(),
          role: z.string().max(32).optional(),
        })
        .optional(),
    })
    .superRefine((activity, ctx) => {
      if (activity.text !== undefined && activity.text.length > maxTextLength) {
        ctx.addIssue({ code: 'custom', message: 'text too long', path: ['text'], params: { textTooLong: true } });
      }
    });
}

export type ClientActivity = z.infer<ReturnType<typeof clientActivitySchema>>;

export type ClientActivityResult =
  | { ok: true; activity: ClientActivity }
  | { ok: false; reason: 'textTooLong' }
  | { ok: false; reason: 'invalid'; detail: string };

export function parseClientActivity(
  body: unknown,
  schema: ReturnType<typeof clientActivitySchema>,
): ClientActivityResult {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, activity: result.data };
  if (result.error.issues.some((issue) => issue.code === 'custom' && issue.params?.textTooLong === true)) {
    return { ok: false, reason: 'textTooLong' };
  }
  // Name the fields that are wrong, never their values (they may be the resident's words).
  const fields = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(body)'))].slice(0, 5);
  return { ok: false, reason: 'invalid', detail: `The activity is not valid: check ${fields.join(', ')}.` };
}
