/**
 * The Twilio webhooks. Every request must carry a valid X-Twilio-Signature for PUBLIC_BASE_URL
 * + path, checked with the twilio library; anything else gets 403 and a log line without the
 * body. Replies never go in the webhook response: it waits for the turn (whose replies go by
 * REST, like proactive ones, so there is one ordered path to the resident) and answers empty
 * TwiML, or answers anyway after webhookWaitMs so Twilio never times out and retries.
 */
import type { ServerResponse } from 'node:http';
import type { CountryCode } from 'libphonenumber-js';
import type pino from 'pino';
import type restify from 'restify';
import twilio from 'twilio';
import { BodyTooLargeError, readFormBody } from './formBody.js';
import { toE164 } from './phone.js';
import type { InboundOutcome, SmsMetrics } from './twilioSmsAdapter.js';

export const INBOUND_PATH = '/api/sms/twilio';
export const STATUS_PATH = '/api/sms/twilio/status';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export interface TwilioRouteParts {
  authToken: string;
  accountSid: string;
  publicBaseUrl: string;
  maxBodyBytes: number;
  councilNumber: string;
  defaultCountry: CountryCode;
  webhookWaitMs: number;
  logger: pino.Logger;
  metrics?: SmsMetrics;
  isClosing(): boolean;
  track<T>(work: Promise<T>): Promise<T>;
  inbound(params: Record<string, string>): Promise<InboundOutcome>;
  /** While shutting down: keep the text in the inbox for another instance (or after the restart). */
  keepForLater(params: Record<string, string>): Promise<void>;
  status(params: Record<string, string>): Promise<void>;
}

function send(res: ServerResponse, status: number, body = '', type = 'text/plain; charset=utf-8'): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

const sendTwiml = (res: ServerResponse) => send(res, 200, EMPTY_TWIML, 'text/xml; charset=utf-8');

type Verified = { params: Record<string, string> } | { refused: true };

/** Reads and verifies a webhook; on failure the response has been sent. */
async function verified(
  req: restify.Request,
  res: restify.Response,
  parts: TwilioRouteParts,
  route: string,
  refuseWhenClosing = true,
): Promise<Verified> {
  if (refuseWhenClosing && parts.isClosing()) {
    send(res, 503, 'shutting down');
    return { refused: true };
  }
  const contentType = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') {
    req.resume();
    parts.metrics?.webhook('bad-request');
    send(res, 415, 'expected application/x-www-form-urlencoded');
    return { refused: true };
  }
  let params: Record<string, string>;
  try {
    params = await readFormBody(req, parts.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      parts.logger.warn({ route, limit: parts.maxBodyBytes }, 'Twilio webhook body too large');
      parts.metrics?.webhook('too-large');
      send(res, 413, 'request body too large');
    } else {
      send(res, 400, 'could not read the request');
    }
    return { refused: true };
  }
  const signature = req.headers['x-twilio-signature'];
  const url = parts.publicBaseUrl.replace(/\/$/, '') + (req.url ?? route);
  if (typeof signature !== 'string' || !twilio.validateRequest(parts.authToken, signature, url, params)) {
    parts.logger.warn(
      { route, reason: typeof signature === 'string' ? 'wrong signature' : 'no signature' },
      'Twilio webhook refused',
    );
    parts.metrics?.webhook('forbidden');
    send(res, 403, 'forbidden');
    return { refused: true };
  }
  if (params.AccountSid !== undefined && params.AccountSid !== parts.accountSid) {
    parts.logger.warn({ route, reason: 'another account' }, 'Twilio webhook refused');
    parts.metrics?.webhook('forbidden');
    send(res, 403, 'forbidden');
    return { refused: true };
  }
  return { params };
}

export function registerTwilioRoutes(server: restify.Server, parts: TwilioRouteParts): void {
  const { logger } = parts;

  server.post(INBOUND_PATH, async (req: restify.Request, res: restify.Response) => {
    // Not refused while shutting down: Twilio does not retry a 503, so the text would be lost.
    const result = await verified(req, res, parts, INBOUND_PATH, false);
    if ('refused' in result) return;
    const { params } = result;
    const messageSid = params.MessageSid;
    if (!messageSid || !/^[A-Z]{2}[0-9a-fA-F]{32}$/.test(messageSid)) {
      parts.metrics?.webhook('bad-request');
      send(res, 400, 'MessageSid missing');
      return;
    }
    if (toE164(params.To, parts.defaultCountry) !== parts.councilNumber) {
      logger.warn({ messageSid, reason: 'unknown To number' }, 'Twilio webhook refused');
      parts.metrics?.webhook('forbidden');
      send(res, 403, 'forbidden');
      return;
    }

    if (parts.isClosing()) {
      try {
        await parts.keepForLater(params);
        logger.info({ messageSid }, 'SMS kept for another instance: this one is shutting down');
        sendTwiml(res);
      } catch (err) {
        logger.error({ err, messageSid }, 'SMS could not be kept while shutting down');
        send(res, 503, 'shutting down');
      }
      return;
    }

    const turn = parts.track(parts.inbound(params));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waiting'>((resolve) => {
      timer = setTimeout(() => resolve('waiting'), parts.webhookWaitMs);
    });
    try {
      const outcome = await Promise.race([turn, waited]);
      if (outcome === 'waiting') {
        logger.warn({ messageSid }, 'SMS turn still running; answered Twilio, replies follow by REST');
        turn.catch((err: unknown) => logger.error({ err, messageSid }, 'SMS turn failed after Twilio was answered'));
      } else {
        parts.metrics?.webhook(outcome);
        logger.info({ messageSid, outcome }, 'SMS received');
      }
      sendTwiml(res);
    } catch (err) {
      parts.metrics?.webhook('error');
      logger.error({ err, messageSid }, 'SMS turn failed');
      send(res, 500, 'error');
    } finally {
      clearTimeout(timer);
    }
  });

  server.post(STATUS_PATH, async (req: restify.Request, res: restify.Response) => {
    const result = await verified(req, res, parts, STATUS_PATH);
    if ('refused' in result) return;
    try {
      await parts.track(parts.status(result.params));
      send(res, 204);
    } catch (err) {
      logger.error({ err, sid: result.params.MessageSid }, 'SMS status callback failed');
      send(res, 500, 'error');
    }
  });
}
