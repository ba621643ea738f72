/**
 * Velocity limits on the HTTP routes that cost the most for the least: minting a Web Chat
 * token, starting a conversation, and signing in to the agent console (per address, whatever
 * the username). Over a limit: 429 with Retry-After, in Direct Line's error
 * shape (and CORS headers, so Web Chat can read it). Also makes each resident request's client
 * known to the turn it runs (runAsClient), so limits deeper in (account checks, permit
 * lookups, handoffs) count per client too. Bot Framework channels and Twilio are left out:
 * their requests all come from Azure's or Twilio's addresses, not the resident's.
 */
import { timingSafeEqual } from 'node:crypto';
import type restify from 'restify';
import { clientAddress, clientKey, runAsClient } from '../../adapters/requestClient.js';
import type { LimitName, VelocityLimits } from './velocityLimits.js';

const LIMITED: { method: string; path: string; limit: LimitName }[] = [
  { method: 'POST', path: '/demo/token', limit: 'tokens' },
  { method: 'POST', path: '/v3/directline/tokens/generate', limit: 'tokens' },
  { method: 'POST', path: '/v3/directline/conversations', limit: 'conversations' },
  { method: 'POST', path: '/agent/api/login', limit: 'signIns' },
];

export interface HttpLimitOptions {
  limits: VelocityLimits;
  trustProxy: number;
  allowedOrigin: string;
  /** DIRECTLINE_SECRET: the council's backend mints for all its visitors, so only the overall limit applies to it. */
  secret?: string;
}

export function limitResidentRoutes(server: restify.Server, options: HttpLimitOptions): void {
  const bearsSecret = (req: restify.Request) => {
    if (!options.secret) return false;
    const presented = Buffer.from(String(req.headers.authorization ?? ''));
    const expected = Buffer.from(`Bearer ${options.secret}`);
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  };

  server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
    const path = (req.getPath() || '/').replace(/\/+$/, '') || '/';
    const resident = path.startsWith('/v3/directline/') || path.startsWith('/demo/');
    const rule = LIMITED.find((r) => r.method === req.method && r.path === path);
    if (!resident && !rule) return next();
    const client = clientKey(clientAddress(req, options.trustProxy));
    const proceed = () => (resident ? runAsClient(client, () => next()) : next());
    if (!rule) return proceed();
    options.limits.admit(rule.limit, bearsSecret(req) ? null : client).then(
      (admission) => {
        if (admission.allowed) return proceed();
        res.setHeader('Retry-After', String(admission.retryAfterSeconds));
        res.setHeader('Access-Control-Allow-Origin', options.allowedOrigin);
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Connection', 'close');
        res.send(429, {
          error: {
            code: 'TooManyRequests',
            message: `Too many requests. Please try again in ${admission.retryAfterSeconds} seconds.`,
          },
        });
        return next(false);
      },
      () => proceed(),
    );
  });
}
