/**
 * What a Web Chat client may post. Only the fields a resident's client legitimately sets are
 * kept; everything that identifies the conversation, the bot or the resident (id, from.id,
 * conversation, recipient, channelId, serviceUrl, timestamp) is set by the server, so a client
 * cannot forge them. channelData is kept whole: Web Chat matches its echo by clientActivityID.
 */
import { z } from 'zod';

export const DEFAULT_MAX_TEXT_LENGTH = 4000;

const json = z.json();

const attachment = z.object({
  contentType: z.string().max(256),
  contentUrl: z.string().max(2048).optional(),
  content: json.optional(),
  name: z.string().max(256).optional(),
  thumbnailUrl: z.string().max(2048).optional(),
});

const entity = z.looseObject({ type: z.string().max(256) });

export function clientActivitySchema(maxTextLength: number) {
  return z.object({
    type: z.enum(['message', 'event', 'typing']),
    // Length is checked separately so an over-long message gets its own polite code.
    text: z.string().optional(),
    textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
    locale: z.string().max(35).optional(),
    localTimestamp: z.string().max(64).optional(),
    localTimezone: z.string().max(64).optional(),
    name: z.string().max(256).optional(),
    value: json.optional(),
    channelData: z.record(z.string(), json).optional(),
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
  }).superRefine((activity, ctx) => {
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

export function parseClientActivity(body: unknown, schema: ReturnType<typeof clientActivitySchema>): ClientActivityResult {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, activity: result.data };
  if (result.error.issues.some((issue) => issue.code === 'custom' && issue.params?.textTooLong === true)) {
    return { ok: false, reason: 'textTooLong' };
  }
  // Name the fields that are wrong, never their values (they may be the resident's words).
  const fields = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(body)'))].slice(0, 5);
  return { ok: false, reason: 'invalid', detail: `The activity is not valid: check ${fields.join(', ')}.` };
}
