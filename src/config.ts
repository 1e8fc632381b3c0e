import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { parseEncryptionKey, weakKeyProblem } from './shared/crypto.js';
import { ConfigError } from './shared/errors.js';

/**
 * Unset or empty: undefined. Only whitespace is refused rather than read as unset: it is a value
 * someone meant to give (a quoted blank, a secret that failed to render), and reading it as unset
 * would silently turn a feature off (OPERATOR_API_TOKEN) or move the data (DATABASE_URL).
 */
const optionalText = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return undefined;
    const trimmed = value.trim();
    if (trimmed === '') {
      ctx.addIssue({ code: 'custom', message: 'is only whitespace: give a value or remove the variable' });
      return z.NEVER;
    }
    return trimmed;
  });

const telegramIds = z
  .string()
  .trim()
  .default('')
  .transform((value, ctx) => {
    const parts = value === '' ? [] : value.split(',').map((part) => part.trim());
    const ids: number[] = [];
    for (const part of parts) {
      if (!/^\d{1,16}$/.test(part)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${part}" is not a Telegram user id (digits, comma separated)`,
        });
        return z.NEVER;
      }
      ids.push(Number(part));
    }
    return ids;
  });

const url = (what: string) =>
  z
    .string()
    .trim()
    .refine((value) => URL.canParse(value), `must be a URL (${what})`)
    .transform((value) => value.replace(/\/+$/, ''));

const extraHeaders = z
  .string()
  .trim()
  .default('{}')
  .transform((value, ctx) => {
    try {
      const parsed: unknown = JSON.parse(value);
      const headers = z.record(z.string(), z.string()).safeParse(parsed);
      if (headers.success) return headers.data;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object of header names to string values' });
    return z.NEVER;
  });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: optionalText.pipe(url('postgres://user@host:5432/db').optional()),
  DATABASE_APP_URL: optionalText.pipe(url('postgres://service_role@host:5432/db').optional()),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  DATA_DIR: z.string().trim().min(1).default('./data'),

  ENCRYPTION_KEY: z
    .string({ error: 'is required: 32 random bytes as 64 hex characters or base64 (openssl rand -hex 32)' })
    .trim()
    .transform((value, ctx) => {
      const key = parseEncryptionKey(value);
      if (!key) {
        ctx.addIssue({ code: 'custom', message: 'must be 32 bytes as 64 hex characters or base64' });
        return z.NEVER;
      }
      const weakness = weakKeyProblem(key);
      if (weakness) {
        ctx.addIssue({
          code: 'custom',
          message: `is not a random key: it ${weakness}; generate one with: openssl rand -hex 32`,
        });
        return z.NEVER;
      }
      return key;
    }),

  MASTER_BOT_TOKEN: optionalText,
  OPERATOR_TELEGRAM_IDS: telegramIds,
  OPERATOR_API_TOKEN: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
  METRICS_TOKEN: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  DAILY_BACKUP: z.enum(['on', 'off']).default('off'),

  TELEGRAM_API_ROOT: url('Bot API root without a trailing slash').default('https://api.telegram.org'),
  BOT_MODE: z.enum(['polling', 'webhook']).default('polling'),
  INSTANCE_ID: optionalText.pipe(
    z
      .string()
      .max(100, 'must be at most 100 characters')
      .regex(/^[\w.:@-]+$/, 'may hold letters, digits and . _ : @ - only')
      .optional(),
  ),
  POLL_HEARTBEAT_SECONDS: z.coerce.number().min(0.1).max(60).default(5),
  POLL_LEASE_SECONDS: z.coerce.number().min(0.5).max(300).default(15),
  PUBLIC_BASE_URL: optionalText.pipe(url('https://bots.example.com').optional()),
  HTTP_HOST: z.string().trim().default('0.0.0.0'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),

  REMNAWAVE_URL: optionalText.pipe(url('https://panel.example.com').optional()),
  REMNAWAVE_TOKEN: optionalText,
  REMNAWAVE_EXTRA_HEADERS: extraHeaders,
  REMNAWAVE_WEBHOOK_SECRET: optionalText.pipe(
    z.string().min(32, 'must be at least 32 characters (the panel signs with it)').optional(),
  ),
  REMNAWAVE_WEBHOOK_MAX_AGE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  /** How old a Mini App's initData may be (Telegram signs it when the app opens); default a day. */
  MINI_APP_INIT_DATA_MAX_AGE_SECONDS: z.coerce.number().int().min(60).max(604_800).default(86_400),

  ZARINPAL_BASE_URL: url('https://payment.zarinpal.com').default('https://payment.zarinpal.com'),
  ZARINPAL_SANDBOX_BASE_URL: url('https://sandbox.zarinpal.com').default('https://sandbox.zarinpal.com'),
});

type Env = z.infer<typeof envSchema>;

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly logLevel: Env['LOG_LEVEL'];
  readonly database: {
    /** Owner connection: migrations. Absent → embedded PGlite in `dataDir`. */
    readonly url: string | undefined;
    /** The service's own login role (required with `url`; see docs/ARCHITECTURE.md). */
    readonly appUrl: string | undefined;
    readonly poolMax: number;
    readonly dataDir: string;
  };
  /** Jobs one process runs at once (broadcasts of many shops at once want 16 to 32). */
  readonly jobConcurrency: number;
  readonly encryptionKey: Buffer;
  readonly operators: { readonly telegramIds: readonly number[]; readonly apiToken: string | undefined };
  /** Management REST API: requests per minute per token (per address for requests without a valid token). */
  readonly api: { readonly rateLimitPerMinute: number };
  /** Bearer token of GET /metrics and GET /health/bots; absent: both answer 404. */
  readonly metrics: { readonly token: string | undefined };
  /** DAILY_BACKUP=on: a backup a day, sent by the master bot to the operators. */
  readonly backup: { readonly daily: boolean };
  readonly telegram: {
    readonly apiRoot: string;
    readonly masterBotToken: string | undefined;
    readonly mode: 'polling' | 'webhook';
  };
  readonly http: { readonly host: string; readonly port: number; readonly publicBaseUrl: string | undefined };
  /**
   * Several processes on one PostgreSQL (docs/ARCHITECTURE.md, "Growing past one machine"): this
   * process's name among them (INSTANCE_ID, else random per start) and, in polling mode, how often it
   * heartbeats its poll leases and how long a lease outlives the last heartbeat.
   */
  readonly instance: {
    readonly id: string;
    /** INSTANCE_ID was set (rather than made up for this start). */
    readonly named: boolean;
    readonly heartbeatMs: number;
    readonly leaseMs: number;
  };
  readonly remnawave:
    | { readonly url: string; readonly token: string; readonly extraHeaders: Record<string, string> }
    | undefined;
  /**
   * The panel's signed webhooks (POST /panel/webhook): the secret the panel signs with and how old a
   * delivery may be. Absent: the route does not exist.
   */
  readonly remnawaveWebhook: { readonly secret: string; readonly maxAgeSeconds: number } | undefined;
  readonly zarinpal: { readonly baseUrl: string; readonly sandboxBaseUrl: string };
  /** The shops' Mini Apps (/app/<bot id>): how old a signed initData may be. */
  readonly miniApp: { readonly initDataMaxAgeSeconds: number };
}

/** The ports Telegram's cloud Bot API delivers webhooks to (core.telegram.org/bots/api#setwebhook). */
const CLOUD_WEBHOOK_PORTS = new Set(['443', '80', '88', '8443']);

/**
 * The cloud Bot API only; a self-hosted telegram-bot-api server (or the simulator) delivers to any
 * URL, so the webhook rules below apply only when the bots talk to api.telegram.org.
 */
function isTelegramCloud(apiRoot: string): boolean {
  return new URL(apiRoot).hostname.toLowerCase() === 'api.telegram.org';
}

/** Why setWebhook on api.telegram.org would refuse this base URL, or undefined when it would not. */
function cloudWebhookRefusal(publicBaseUrl: string): string | undefined {
  const url = new URL(publicBaseUrl);
  if (url.protocol !== 'https:') return `is ${url.protocol.replace(/:$/, '')}, not https`;
  // URL drops the default port (443 for https), so an empty port means 443
  if (url.port !== '' && !CLOUD_WEBHOOK_PORTS.has(url.port)) {
    return `uses port ${url.port}; Telegram delivers webhooks only to ports 443, 80, 88 or 8443`;
  }
  return undefined;
}

/** Parses the environment once; throws a ConfigError naming every bad or missing variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.BOT_MODE === 'webhook' && !e.PUBLIC_BASE_URL) {
    problems.push('PUBLIC_BASE_URL: is required when BOT_MODE=webhook (Telegram must reach it over HTTPS)');
  }
  if (e.BOT_MODE === 'webhook' && e.PUBLIC_BASE_URL && isTelegramCloud(e.TELEGRAM_API_ROOT)) {
    const refusal = cloudWebhookRefusal(e.PUBLIC_BASE_URL);
    if (refusal) {
      problems.push(
        `PUBLIC_BASE_URL: ${refusal}; Telegram's setWebhook refuses it when BOT_MODE=webhook (only a self-hosted Bot API server set in TELEGRAM_API_ROOT accepts other URLs)`,
      );
    }
  }
  if (e.DATABASE_APP_URL && !e.DATABASE_URL) {
    problems.push('DATABASE_APP_URL: needs DATABASE_URL too (the owner connection that runs migrations)');
  }
  if (e.DAILY_BACKUP === 'on' && !e.MASTER_BOT_TOKEN) {
    problems.push('DAILY_BACKUP: needs MASTER_BOT_TOKEN (the master bot sends the backups to the operators)');
  }
  if ((e.REMNAWAVE_URL === undefined) !== (e.REMNAWAVE_TOKEN === undefined)) {
    problems.push('REMNAWAVE_URL and REMNAWAVE_TOKEN: set both or neither');
  }
  if (e.POLL_LEASE_SECONDS < 2 * e.POLL_HEARTBEAT_SECONDS) {
    problems.push(
      'POLL_LEASE_SECONDS: must be at least twice POLL_HEARTBEAT_SECONDS (a lease must outlive a late heartbeat)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    database: {
      url: e.DATABASE_URL,
      appUrl: e.DATABASE_APP_URL,
      poolMax: e.DATABASE_POOL_MAX,
      dataDir: e.DATA_DIR,
    },
    jobConcurrency: e.JOB_CONCURRENCY,
    encryptionKey: e.ENCRYPTION_KEY,
    operators: { telegramIds: e.OPERATOR_TELEGRAM_IDS, apiToken: e.OPERATOR_API_TOKEN },
    api: { rateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE },
    metrics: { token: e.METRICS_TOKEN },
    backup: { daily: e.DAILY_BACKUP === 'on' },
    telegram: { apiRoot: e.TELEGRAM_API_ROOT, masterBotToken: e.MASTER_BOT_TOKEN, mode: e.BOT_MODE },
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT, publicBaseUrl: e.PUBLIC_BASE_URL },
    instance: {
      id: e.INSTANCE_ID ?? `${hostname().slice(0, 40)}-${randomBytes(4).toString('hex')}`,
      named: e.INSTANCE_ID !== undefined,
      heartbeatMs: Math.round(e.POLL_HEARTBEAT_SECONDS * 1000),
      leaseMs: Math.round(e.POLL_LEASE_SECONDS * 1000),
    },
    remnawave:
      e.REMNAWAVE_URL && e.REMNAWAVE_TOKEN
        ? { url: e.REMNAWAVE_URL, token: e.REMNAWAVE_TOKEN, extraHeaders: e.REMNAWAVE_EXTRA_HEADERS }
        : undefined,
    remnawaveWebhook: e.REMNAWAVE_WEBHOOK_SECRET
      ? { secret: e.REMNAWAVE_WEBHOOK_SECRET, maxAgeSeconds: e.REMNAWAVE_WEBHOOK_MAX_AGE_SECONDS }
      : undefined,
    zarinpal: { baseUrl: e.ZARINPAL_BASE_URL, sandboxBaseUrl: e.ZARINPAL_SANDBOX_BASE_URL },
    miniApp: { initDataMaxAgeSeconds: e.MINI_APP_INIT_DATA_MAX_AGE_SECONDS },
  };
}
