/**
 * One pino logger for the whole process. Residents' personal data (names, phone numbers,
 * addresses, postcodes, vehicle registrations, account numbers, message text) must never reach
 * the logs, so every key that can carry it is redacted at any of the first three levels of
 * nesting, and request URLs lose their query strings (Direct Line stream URLs carry tokens).
 *
 * Lines are JSON for a log collector; on a developer's terminal they are made readable by
 * pino-pretty instead. Redaction happens before either, so both are equally safe.
 */
import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';

/** Keys whose values are personal data or secrets wherever they appear in a log object. */
export const SENSITIVE_KEYS = [
  'text',
  'body',
  'Body',
  'From',
  'To',
  'from',
  'to',
  'name',
  'userName',
  'fullName',
  'phone',
  'phoneNumber',
  'mobile',
  'address',
  'addressLabel',
  'postcode',
  'email',
  'registration',
  'vrm',
  'accountNumber',
  'account',
  'password',
  'token',
  'secret',
  'authorization',
  'cookie',
  'set-cookie',
  'x-twilio-signature',
  'attachments',
  'value',
  'channelData',
  'contact',
  'x-csrf-token',
  'csrfToken',
  'topic',
  'remoteAddress',
  'x-forwarded-for',
  'user-agent',
] as const;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SENSITIVE_KEYS) {
    const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const join = (prefix: string) => (segment.startsWith('[') ? `${prefix}${segment}` : `${prefix}.${segment}`);
    paths.push(segment.startsWith('[') ? `${segment}` : segment);
    paths.push(join('*'));
    paths.push(join('*.*'));
    paths.push(join('*.*.*'));
  }
  return paths;
}

/**
 * What a request or response log line says about it: the method, the path without its query
 * (Direct Line stream URLs carry tokens) and the status. Never the headers (cookies, CSRF
 * tokens, user agents) nor the client's address.
 */
export const httpSerializers = {
  req: (req: { method?: string; url?: string; id?: unknown }) => ({
    id: req.id,
    method: req.method,
    url: typeof req.url === 'string' ? req.url.split('?')[0] : req.url,
  }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
};

/**
 * Readable lines only for a person watching a terminal during development: production and any
 * piped or collected output (a container, systemd, a file) keep one JSON object per line.
 */
export function wantsReadableLogs(nodeEnv: string, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return nodeEnv !== 'production' && stdout.isTTY === true;
}

type PrettyFactory = (options: Record<string, unknown>) => pino.DestinationStream;

/**
 * pino-pretty as a synchronous stream in this thread (no worker: nothing is lost when the
 * process exits at once), or undefined where it is not installed (a production install), in
 * which case the lines stay JSON.
 */
function prettyStream(destination: pino.DestinationStream | undefined): pino.DestinationStream | undefined {
  try {
    const pretty = createRequire(import.meta.url)('pino-pretty') as PrettyFactory;
    return pretty({
      colorize: !destination,
      sync: true,
      translateTime: 'HH:MM:ss.l',
      ignore: 'pid,hostname,service',
      destination: destination ?? 1,
    });
  } catch {
    return undefined;
  }
}

/**
 * `destination`: where lines go (tests capture them); stdout by default.
 * `readable`: pino-pretty's format instead of JSON (see wantsReadableLogs).
 */
export function createLogger(level: string, destination?: pino.DestinationStream, readable = false): Logger {
  return pino(
    {
      level,
      base: { service: 'council-assistant' },
      redact: { paths: redactPaths(), censor: '[redacted]' },
      serializers: {
        err: pino.stdSerializers.err,
        ...httpSerializers,
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    (readable ? prettyStream(destination) : undefined) ?? destination,
  );
}
