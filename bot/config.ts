/**
 * Configuration comes only from environment variables (every one is listed in .env.example).
 * They are validated here once, at start: a wrong value stops the start with a message that
 * names the variable, rather than a confusing failure later in a resident's conversation.
 */
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const backOfficeChoice = z
  .string()
  .trim()
  .transform((value) => (value === '' ? 'embedded' : value))
  .pipe(z.enum(['embedded', 'http'], { error: 'must be embedded or http' }))
  .default('embedded');

const backOfficeUrl = optionalText.pipe(
  z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
);

/** Each back-office port, with its setting and its own URL setting. */
export const BACK_OFFICE_SETTINGS = {
  addresses: ['BACK_OFFICE_ADDRESSES', 'BACK_OFFICE_ADDRESSES_URL'],
  bins: ['BACK_OFFICE_BINS', 'BACK_OFFICE_BINS_URL'],
  permits: ['BACK_OFFICE_PERMITS', 'BACK_OFFICE_PERMITS_URL'],
  councilTax: ['BACK_OFFICE_COUNCIL_TAX', 'BACK_OFFICE_COUNCIL_TAX_URL'],
  cases: ['BACK_OFFICE_CASES', 'BACK_OFFICE_CASES_URL'],
} as const;

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  // The address to listen on: every interface by default (as a container needs); one address,
  // such as 127.0.0.1 behind a proxy on the same machine, to be reachable only there.
  HOST: z
    .union([z.ipv4(), z.ipv6(), z.literal('localhost')], {
      error: 'must be an IP address (such as 0.0.0.0, 127.0.0.1 or ::) or localhost',
    })
    .default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STORAGE_URL: z
    .string()
    .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'must start with sqlite: or postgres://')
    .default('sqlite:./var/assistant.db'),
  REDIS_URL: optionalText.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  PUBLIC_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  COUNCIL_DATA_DIR: z.string().default('./data/demo'),
  // The trained intent model's cache, beside the database by default; written on first start.
  INTENT_MODEL_PATH: z
    .string()
    .trim()
    .regex(/\.json$/, 'must be a file name ending in .json')
    .default('./var/intent-model.json'),

  // Web Chat over our own Direct Line 3.0 endpoint.
  DIRECTLINE_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  DIRECTLINE_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(1800),
  // A conversation's tokens are not refreshed past this age, counted from its first token.
  DIRECTLINE_TOKEN_MAX_AGE_HOURS: z.coerce.number().min(1).max(168).default(12),
  CONVERSATION_IDLE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  // Defaults to true, except with NODE_ENV=production (see loadConfig).
  DEMO_PAGE: z.preprocess((value) => (value === '' ? undefined : value), booleanFlag.optional()),
  CORS_ORIGIN: z.union([z.literal('*'), z.url({ protocol: /^https?$/ })]).default('*'),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
  // A request's headers and body must arrive within this; a connection idle twice as long is closed.
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(30),
  // Open connections (Web Chat and agent sockets included) before new ones are refused.
  MAX_CONNECTIONS: z.coerce.number().int().min(10).max(100_000).default(2000),
  // How long an instance's hold on a resident's message (or a text being sent) outlives it:
  // after a crash, another instance (or this one restarted) finishes the work after this long.
  INBOX_LEASE_SECONDS: z.coerce.number().int().min(2).max(600).default(30),

  // Azure Bot Service channels and the Emulator, on /api/messages.
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TENANT_ID: optionalText,
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: booleanFlag.default(false),

  // SMS through Twilio.
  TWILIO_ACCOUNT_SID: optionalText.pipe(
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex characters')
      .optional(),
  ),
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_PHONE_NUMBER: optionalText,
  TWILIO_API_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
  SMS_GREET_AFTER_SILENCE_HOURS: z.coerce.number().min(0.1).max(720).default(12),
  SMS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(600).default(20),
  SMS_MAX_SEGMENTS_PER_TEXT: z.coerce.number().int().min(1).max(10).default(2),
  SMS_WEBHOOK_WAIT_MS: z.coerce.number().int().min(100).max(14_000).default(10_000),
  // Retries of a text Twilio's API did not take: the first wait, doubling up to the longest.
  SMS_SEND_RETRIES: z.coerce.number().int().min(0).max(30).default(10),
  SMS_SEND_RETRY_FIRST_MS: z.coerce.number().int().min(1).max(600_000).default(1000),
  SMS_SEND_RETRY_MAX_MS: z.coerce.number().int().min(1).max(3_600_000).default(60_000),

  // Behind our own proxies: how many of them append to X-Forwarded-For (0: trust none and use
  // the connection's address). "true" means one proxy, "false" none.
  TRUST_PROXY: z
    .string()
    .trim()
    .transform((value) => (value === 'true' ? 1 : value === 'false' || value === '' ? 0 : Number(value)))
    .pipe(z.number().int('must be true, false or a number of proxies from 0 to 5').min(0).max(5))
    .default(0),
  // Velocity limits: per client address, and for everyone together.
  LIMIT_TOKENS_PER_CLIENT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  LIMIT_TOKENS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  LIMIT_CONVERSATIONS_PER_CLIENT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  LIMIT_CONVERSATIONS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(300),
  LIMIT_LOOKUPS_PER_CLIENT_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(20),
  LIMIT_LOOKUPS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(120),
  LIMIT_PERMIT_REFERENCE_FAILURES_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(5),
  LIMIT_HANDOFFS_PER_CLIENT_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(5),
  LIMIT_HANDOFFS_PER_MINUTE: z.coerce.number().int().min(0).max(100_000).default(30),
  LIMIT_SIGN_INS_PER_CLIENT_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(60),

  // Agent console demo account (real agents are added with `npm run agents -- add <name>`).
  DEMO_AGENT_USERNAME: z
    .string()
    .regex(/^[a-z0-9._-]{3,40}$/, 'lower-case letters, digits, dot, dash or underscore')
    .default('demo-agent'),
  DEMO_AGENT_PASSWORD: optionalText.pipe(z.string().min(12, 'must be at least 12 characters').optional()),

  // Insights dashboard (/agent/insights, supervisors only): what one SMS segment costs the council,
  // in pounds (Twilio bills per segment), and how long a conversation may go quiet before one
  // that got neither an answer nor a person counts as abandoned.
  SMS_SEGMENT_PRICE_GBP: z.coerce.number().min(0, 'must be 0 or more').max(1, 'is in pounds: at most 1').default(0.04),
  INSIGHTS_ABANDONED_AFTER_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  // The demo's supervisor account (username demo-supervisor), who may read the insights.
  DEMO_SUPERVISOR_PASSWORD: optionalText.pipe(z.string().min(12, 'must be at least 12 characters').optional()),
  // The council's back-office systems, port by port: the data folder's records (embedded) or a
  // system speaking the back-office API (http, docs/back-office-api.yaml).
  BACK_OFFICE_ADDRESSES: backOfficeChoice,
  BACK_OFFICE_BINS: backOfficeChoice,
  BACK_OFFICE_PERMITS: backOfficeChoice,
  BACK_OFFICE_COUNCIL_TAX: backOfficeChoice,
  BACK_OFFICE_CASES: backOfficeChoice,
  // Where the API is: one base URL for every http port, or one per port (which wins).
  BACK_OFFICE_URL: backOfficeUrl,
  BACK_OFFICE_ADDRESSES_URL: backOfficeUrl,
  BACK_OFFICE_BINS_URL: backOfficeUrl,
  BACK_OFFICE_PERMITS_URL: backOfficeUrl,
  BACK_OFFICE_COUNCIL_TAX_URL: backOfficeUrl,
  BACK_OFFICE_CASES_URL: backOfficeUrl,
  BACK_OFFICE_TOKEN: optionalText,
  // Each request's limit, and extra tries for reads (never for bookings, reports or cases).
  BACK_OFFICE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  BACK_OFFICE_RETRIES: z.coerce.number().int().min(0).max(5).default(2),

  // How long personal data in transcripts and conversation state is kept.
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
});

export type Config = Omit<z.infer<typeof configSchema>, 'DEMO_PAGE'> & { DEMO_PAGE: boolean };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  // The demo page mints tokens for anyone who asks: on by default for trying the assistant,
  // off by default in production, where a council's own website mints them.
  const config: Config = { ...parsed.data, DEMO_PAGE: parsed.data.DEMO_PAGE ?? parsed.data.NODE_ENV !== 'production' };
  const problems: string[] = [];
  if (config.MICROSOFT_APP_ID && !config.MICROSOFT_APP_PASSWORD && config.MICROSOFT_APP_TYPE !== 'UserAssignedMSI') {
    problems.push('MICROSOFT_APP_PASSWORD: required when MICROSOFT_APP_ID is set');
  }
  if (config.MICROSOFT_APP_TYPE === 'SingleTenant' && config.MICROSOFT_APP_ID && !config.MICROSOFT_APP_TENANT_ID) {
    problems.push('MICROSOFT_APP_TENANT_ID: required when MICROSOFT_APP_TYPE is SingleTenant');
  }
  const twilio = [config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, config.TWILIO_PHONE_NUMBER];
  if (twilio.some(Boolean) && !twilio.every(Boolean)) {
    problems.push('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER: set all three or none');
  }
  if (config.TWILIO_AUTH_TOKEN && !config.PUBLIC_BASE_URL) {
    problems.push('PUBLIC_BASE_URL: required with Twilio, because Twilio signs requests against the public URL');
  }
  for (const [choice, url] of Object.values(BACK_OFFICE_SETTINGS)) {
    if (config[choice] === 'http' && !config[url] && !config.BACK_OFFICE_URL) {
      problems.push(`${url}: required (or BACK_OFFICE_URL) when ${choice} is http`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
