/**
 * A local stand-in for the part of Twilio's REST API the twilio library calls to send a text:
 * POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, Basic auth with the
 * account SID and auth token. Answers like Twilio (201, sid SM…, status "queued",
 * num_segments), records every message accepted, lists them (GET, newest first, by To and
 * From), and can be told to fail the next requests with 429 or 500 to exercise retries.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface SentMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  numSegments: number;
  at: number;
}

export interface FakeTwilio {
  /** http://127.0.0.1:<port>, for TWILIO_API_BASE_URL. */
  url: string;
  sent: SentMessage[];
  /** Every request that reached the Messages endpoint, with the status it got. */
  requests: { status: number; at: number }[];
  /** The next `count` requests get `status` (429 or 5xx) before any succeed. */
  failNext(count: number, status: number): void;
  /** Every request for the next `ms` gets `status`: an outage of Twilio's API. */
  failFor(ms: number, status: number): void;
  /** Each answer waits this long (a slow network). */
  latencyMs: number;
  /** Resolves when at least `count` messages were sent (or rejects after `timeoutMs`). */
  waitForSent(count: number, timeoutMs?: number): Promise<SentMessage[]>;
  sentTo(to: string): SentMessage[];
  close(): Promise<void>;
}

const GSM = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€\f]*$/;

function segmentsOf(body: string): number {
  if (GSM.test(body)) return body.length <= 160 ? 1 : Math.ceil(body.length / 153);
  return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeTwilio(accountSid: string, authToken: string): Promise<FakeTwilio> {
  const sent: SentMessage[] = [];
  const requests: { status: number; at: number }[] = [];
  const failures: number[] = [];
  let outage: { until: number; status: number } | undefined;
  const waiters: { count: number; resolve: () => void }[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;

  const fake: FakeTwilio = {
    url: '',
    sent,
    requests,
    latencyMs: 0,
    failNext(count, status) {
      for (let i = 0; i < count; i += 1) failures.push(status);
    },
    failFor(ms, status) {
      outage = { until: Date.now() + ms, status };
    },
    waitForSent(count, timeoutMs = 20_000) {
      if (sent.length >= count) return Promise.resolve(sent);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`fake Twilio: ${sent.length} of ${count} messages after ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve(sent)) });
      });
    },
    sentTo: (to) => sent.filter((message) => message.to === to),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const reply = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    const payload = JSON.stringify(body);
    const finish = () => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
      res.end(payload);
    };
    if (fake.latencyMs > 0) setTimeout(finish, fake.latencyMs);
    else finish();
  };

  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const at = Date.now();
    if (req.method === 'GET' && req.url?.split('?')[0] === path) {
      // Listing messages (newest first), as the outbox does to learn whether a text whose answer was lost went.
      if (req.headers.authorization !== expectedAuth)
        return reply(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
      if (outage && at < outage.until)
        return reply(res, outage.status, { code: 20500, message: 'Internal Server Error', status: outage.status });
      const query = new URL(req.url, 'http://fake').searchParams;
      const listed = sent
        .filter(
          (m) => (!query.get('To') || m.to === query.get('To')) && (!query.get('From') || m.from === query.get('From')),
        )
        .reverse()
        .slice(0, Number(query.get('PageSize') ?? 50))
        .map(resource);
      return reply(res, 200, {
        messages: listed,
        start: 0,
        end: listed.length,
        page: 0,
        page_size: listed.length,
        first_page_uri: path,
        next_page_uri: null,
        previous_page_uri: null,
        uri: path,
      });
    }
    if (req.method !== 'POST' || req.url?.split('?')[0] !== path) {
      requests.push({ status: 404, at });
      return reply(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    }
    if (req.headers.authorization !== expectedAuth) {
      requests.push({ status: 401, at });
      return reply(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
    }
    const failure = outage && at < outage.until ? outage.status : failures.shift();
    if (failure !== undefined) {
      requests.push({ status: failure, at });
      return reply(res, failure, {
        code: failure === 429 ? 20429 : 20500,
        message: failure === 429 ? 'Too Many Requests' : 'Internal Server Error',
        status: failure,
      });
    }
    const form = new URLSearchParams(raw);
    const to = form.get('To');
    const from = form.get('From');
    const body = form.get('Body');
    if (!to || !from || body === null) {
      requests.push({ status: 400, at });
      return reply(res, 400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
    }
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const numSegments = segmentsOf(body);
    const message: SentMessage = {
      sid,
      to,
      from,
      body,
      numSegments,
      at,
      ...(form.get('StatusCallback') ? { statusCallback: form.get('StatusCallback') ?? '' } : {}),
    };
    sent.push(message);
    requests.push({ status: 201, at });
    for (const waiter of [...waiters]) {
      if (sent.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    reply(res, 201, resource(message));
  });
  /** A message as Twilio's API shows it. */
  const resource = ({ sid, to, from, body, numSegments, at }: SentMessage) => {
    const now = new Date(at).toUTCString();
    return {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from,
      messaging_service_sid: null,
      num_media: '0',
      num_segments: String(numSegments),
      price: null,
      price_unit: 'USD',
      sid,
      status: 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    };
  };
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
