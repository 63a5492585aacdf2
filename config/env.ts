// All configuration comes from the environment, validated once at start.
import path from 'node:path';
import { z } from 'zod';
import type { PemSource, TemporalSecurity } from '../shared/temporalData';
import { ConfigError } from './configError';
import { resolveTemporalEnv } from './temporalEnv';
import { parseAllowedTargets } from '../shared/webhookTargets';

const port = z.coerce.number().int().min(1).max(65535);
const optionalUrl = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const count = z.coerce.number().int().min(0);
const seconds = z.coerce
  .number()
  .int()
  .min(1)
  .max(7 * 24 * 3600);

const minutes = z
  .number()
  .positive()
  .max(7 * 24 * 60);
const DispatchPolicySchema = z.strictObject({
  offerWindowMinutes: z.strictObject({ P1: minutes, P2: minutes, P3: minutes, P4: minutes }).partial().optional(),
  contactWindowMinutes: minutes.optional(),
  maxReschedules: z.int().min(0).max(20).optional(),
  maxCandidates: z.int().min(1).max(50).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(resolveTemporalEnv(source));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export { ConfigError };

/** A comma-separated list (unset: empty), trimmed, blanks dropped. */
const commaList = () =>
  z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    );

/** Shown when SERVICE_HOTLINE is unset: a placeholder, not anybody's number. */
export const DEFAULT_HOTLINE = '400-000-0000';

export const EnvSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default(path.resolve(__dirname, '..', '.data')),
  TEMPORAL_ADDRESS: optionalUrl,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  // Secured Temporal (Temporal Cloud, a cluster with mTLS or API keys): Temporal's own client
  // variables, over a TEMPORAL_CONFIG_FILE profile (config/temporalEnv.ts); see temporalSecurity().
  /** 'true'/'false' forces TLS on/off; unset: on when a TLS setting or an API key is given. */
  TEMPORAL_TLS: z
    .enum(['', 'true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : v === 'true' || v === '1')),
  /** PEM client certificate and key (mTLS), each as a file or inline; both or neither. (Older names: TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY.) */
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalUrl,
  TEMPORAL_TLS_CLIENT_CERT_DATA: optionalUrl,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalUrl,
  TEMPORAL_TLS_CLIENT_KEY_DATA: optionalUrl,
  /** PEM CA certificate of the server (unset: the system's trusted CAs). (Older name: TEMPORAL_TLS_CA.) */
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalUrl,
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: optionalUrl,
  /** Name checked against the server certificate when it differs from TEMPORAL_ADDRESS's host. */
  TEMPORAL_TLS_SERVER_NAME: optionalUrl,
  /** Temporal's variable exists; the TypeScript SDK cannot skip the host check, so only false is accepted. */
  TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: z
    .enum(['', 'false', '0'], { message: 'not supported by the TypeScript SDK: set TEMPORAL_TLS_SERVER_NAME to the name the certificate carries' })
    .optional(),
  /** API key sent to Temporal as a bearer token (Temporal Cloud); turns TLS on. */
  TEMPORAL_API_KEY: optionalUrl,
  /** Temporal's client configuration file (TOML) and its profile; variables override its settings. */
  TEMPORAL_CONFIG_FILE: optionalUrl,
  TEMPORAL_PROFILE: optionalUrl,
  /** Retention of closed workflows in the namespace `npm run temporal:setup` creates (days). */
  TEMPORAL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  TASK_QUEUE: z.string().min(1).default('casework'),
  DATABASE_URL: optionalUrl,
  API_KEYS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Embedded-default ports and binaries (ignored in production mode).
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  EMBEDDED_PG_PORT: port.default(5433),
  TEMPORAL_CLI_PATH: optionalUrl,
  /**
   * SQLite pragmas of the embedded dev server (`--sqlite-pragma`, comma-separated
   * name=value). Default WAL + synchronous=normal: several times faster; an OS crash or
   * power loss may lose the last commits (a process crash loses nothing). Empty: SQLite's
   * defaults (rollback journal, synchronous=full). README "Performance".
   */
  TEMPORAL_SQLITE_PRAGMAS: z
    .string()
    .default('journal_mode=wal,synchronous=normal')
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z_]+=[a-z0-9_]+$/i, 'name=value, e.g. journal_mode=wal'))),
  /** How long an API request waits for Temporal (an Update's outcome, intake, describe) before 503 worker_unavailable. */
  API_TEMPORAL_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
  /** How long GET of a case/complaint waits for the live workflow query before answering from PostgreSQL. */
  API_LIVE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).optional(),
  /** Last-resort deadline of any API request (503 timeout). */
  API_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).optional(),
  /** Largest JSON body the API accepts. */
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
  /**
   * 'false': `npm run worker`/`npm run api` only wait until PostgreSQL answers and its
   * migrations are applied (a one-shot `npm run db:migrate` job applies them, as in
   * docker-compose.yml); default 'true': they apply them at start (under an advisory lock).
   */
  MIGRATE_ON_START: z.enum(['true', 'false']).default('true'),
  /** `npm run worker`: a file it refreshes with whether it polls, for a container health check (worker/healthFile.ts). */
  WORKER_HEALTH_FILE: optionalUrl,
  /** Where `npm start` runs the worker: 'true' (in the launcher) or 'false' (run `npm run worker` yourself). */
  EMBED_WORKER: z.enum(['true', 'false']).default('true'),
  /** HMAC key of customer links; `npm start` generates one into DATA_DIR when unset. */
  CUSTOMER_LINK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  /**
   * HMAC key under which API keys are hashed (api_keys rows and API_KEYS alike). Required by
   * `npm run api`; `npm start` generates one into DATA_DIR when unset. Changing it
   * invalidates every stored key: see README "Keys and customer links".
   */
  API_KEY_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** Temporal payload keys `id:base64key,...` (first encrypts, all decrypt); see config/payloadKeys.ts. */
  PAYLOAD_KEYS: optionalUrl,
  /** A file holding the payload keys in the PAYLOAD_KEYS format (one per line or comma-separated). */
  PAYLOAD_KEYS_FILE: optionalUrl,
  /** Browser origins (comma-separated) allowed to call /codec/* (the Temporal Web UI's); `npm start` adds its embedded UI. */
  CODEC_CORS_ORIGINS: commaList().pipe(z.array(z.url({ protocol: /^https?$/ }))),
  /** Base of links sent to customers (defaults to http://localhost:PORT). */
  PUBLIC_BASE_URL: z.url().optional(),
  /** The service hotline the customer pages and messages name (unset: a placeholder number). */
  SERVICE_HOTLINE: z
    .string()
    .trim()
    .regex(/^[0-9+][0-9 +-]{2,30}$/, 'a phone number: digits, spaces, "+" and "-"')
    .optional(),
  CUSTOMER_LINK_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(14 * 24),
  /** JSON overrides of the dispatch windows, e.g. {"offerWindowMinutes":{"P1":5},"contactWindowMinutes":20}. */
  DISPATCH_POLICY: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      try {
        const parsed = DispatchPolicySchema.safeParse(JSON.parse(s));
        if (parsed.success) return parsed.data;
        ctx.addIssue({ code: 'custom', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
      }
      return z.NEVER;
    }),
  /** IANA time zone of the service area (engineers' working days). */
  TIME_ZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone such as Asia/Shanghai'),

  // Notification gateways (see README "Notifications"). Unset URLs in `npm start` mean a
  // local SMTP capture and a local HTTP receiver; in `npm run worker` they mean that
  // channel is not configured (its messages fail with that error).
  /** SMS HTTP gateway: POST JSON here. user:pass@ in the URL → Basic auth. */
  SMS_GATEWAY_URL: optionalUrl.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** Bearer token for the SMS gateway (instead of Basic credentials in the URL). */
  SMS_GATEWAY_TOKEN: optionalUrl,
  /** nodemailer SMTP URL: smtp://user:pass@host:587 (STARTTLS) or smtps://…:465. */
  SMTP_URL: optionalUrl.pipe(z.url({ protocol: /^smtps?$/ }).optional()),
  MAIL_FROM: z.string().min(3).default('casework <no-reply@casework.local>'),
  /** Timeout of one gateway call (SMS, SMTP, each webhook POST). */
  NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /**
   * Webhook targets allowed although not public (loopback, private, link-local…): host names,
   * host:port, CIDR ranges, comma-separated. `npm start` adds its local webhook sink.
   */
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((s, ctx) => {
      try {
        return parseAllowedTargets(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** Give up on one webhook subscriber for one message after this many failed POSTs. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(20),
  /**
   * GET /dev/outbox (real message texts: development only). Off unless asked for: `npm start`
   * asks (--dev-outbox) for the embedded default; 1/true outside it is refused at start.
   */
  DEV_OUTBOX: z
    .enum(['', '1', 'true', '0', 'false'])
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : v === '1' || v === 'true')),
  // Limits and edges (README "Limits and edges"). A limit of 0 turns that limiter off.
  /** Requests one API key may make per RATE_LIMIT_KEY_WINDOW_S. */
  RATE_LIMIT_KEY_POINTS: count.default(6000),
  RATE_LIMIT_KEY_WINDOW_S: seconds.default(60),
  /** Requests one client address may make per RATE_LIMIT_ADDRESS_WINDOW_S, before authentication. */
  RATE_LIMIT_ADDRESS_POINTS: count.default(12000),
  RATE_LIMIT_ADDRESS_WINDOW_S: seconds.default(60),
  /** Failed authentications (wrong key, bad customer link) from one address within AUTH_FAILURE_WINDOW_S that lock it out. */
  AUTH_FAILURE_LIMIT: count.default(20),
  AUTH_FAILURE_WINDOW_S: seconds.default(600),
  /** How long a locked-out address is refused (429), whatever key it sends. */
  AUTH_LOCKOUT_S: seconds.default(900),
  /** Requests one API process works on at once; more are refused at once with 503 (0: no limit). */
  API_MAX_IN_FLIGHT: count.default(64),
  /** Event-loop lateness (ms) above which an API process refuses new requests with 503 (0: off). */
  API_MAX_EVENT_LOOP_DELAY_MS: count.default(500),
  /** Express "trust proxy": unset (direct clients), a hop count, or addresses/subnets/loopback,uniquelocal of the proxies. */
  TRUST_PROXY: z
    .string()
    .trim()
    .optional()
    .transform((s) => (!s ? false : /^\d+$/.test(s) ? Number(s) : s)),
  /** Browser origins allowed to call the API (comma-separated, exact); unset: CORS off. */
  CORS_ORIGINS: commaList().pipe(z.array(z.url({ protocol: /^https?$/ }).refine((o) => new URL(o).origin === o, 'an origin: scheme://host[:port], no path'))),
  /** Ports of the local SMTP capture and HTTP receiver (0: any free port). */
  LOCAL_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  LOCAL_RECEIVER_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /**
   * How many open workflows the worker keeps in memory (Temporal's sticky cache); one
   * evicted is replayed from its history at its next task. Unset: from the heap limit
   * (worker/workflowCache.ts). 0 disables the cache.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).optional(),
  /** The worker's Prometheus listener (GET /metrics); unset: none. Bound to WORKER_METRICS_HOST (default loopback). */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WORKER_METRICS_HOST: z.string().default('127.0.0.1'),
  /** host:port where the Temporal SDK runtime serves its own Prometheus metrics (worker); unset: none. */
  TEMPORAL_METRICS_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'host:port')
    .optional(),
});

/** How to authenticate to Temporal (shared/temporalData.ts temporalConnectionSecurity reads the files). */
export function temporalSecurity(env: Env): TemporalSecurity {
  const pem = (name: string, file: string | undefined, data: string | undefined): PemSource | undefined => {
    if (file && data) throw new ConfigError(`${name}_PATH and ${name}_DATA both set: give the PEM one way`);
    return file ? { path: file } : data ? { pem: data } : undefined;
  };
  const clientCert = pem('TEMPORAL_TLS_CLIENT_CERT', env.TEMPORAL_TLS_CLIENT_CERT_PATH, env.TEMPORAL_TLS_CLIENT_CERT_DATA);
  const clientKey = pem('TEMPORAL_TLS_CLIENT_KEY', env.TEMPORAL_TLS_CLIENT_KEY_PATH, env.TEMPORAL_TLS_CLIENT_KEY_DATA);
  if (Boolean(clientCert) !== Boolean(clientKey)) {
    throw new ConfigError('TEMPORAL_TLS_CLIENT_CERT_* and TEMPORAL_TLS_CLIENT_KEY_* go together (the client certificate and its key)');
  }
  return {
    tls: env.TEMPORAL_TLS,
    clientCert,
    clientKey,
    serverCa: pem('TEMPORAL_TLS_SERVER_CA_CERT', env.TEMPORAL_TLS_SERVER_CA_CERT_PATH, env.TEMPORAL_TLS_SERVER_CA_CERT_DATA),
    serverName: env.TEMPORAL_TLS_SERVER_NAME,
    apiKey: env.TEMPORAL_API_KEY,
  };
}

/** Customer-link settings; the secret must come from the caller when env has none. */
export function customerLinkConfig(env: Env, secret = env.CUSTOMER_LINK_SECRET): { secret: string; baseUrl: string; ttlHours: number } {
  if (!secret) throw new ConfigError('CUSTOMER_LINK_SECRET is required (at least 16 characters): it signs the links sent to customers');
  return { secret, baseUrl: env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`, ttlHours: env.CUSTOMER_LINK_TTL_HOURS };
}

/** The API-key hashing secret; the caller passes the embedded default's when env has none. */
export function apiKeySecret(env: Env, secret = env.API_KEY_SECRET): string {
  if (!secret) throw new ConfigError('API_KEY_SECRET is required (at least 32 characters, e.g. openssl rand -base64 32): API keys are stored as its HMAC');
  return secret;
}

/** The API's deadlines as set in the environment (unset ones keep the API's defaults). */
export function apiDeadlines(env: Env): { temporalMs?: number; liveQueryMs?: number; requestMs?: number } {
  return { temporalMs: env.API_TEMPORAL_TIMEOUT_MS, liveQueryMs: env.API_LIVE_QUERY_TIMEOUT_MS, requestMs: env.API_REQUEST_TIMEOUT_MS };
}

/** The API's limits as set in the environment (README "Limits and edges"). */
export function apiLimits(env: Env) {
  return {
    perKey: { points: env.RATE_LIMIT_KEY_POINTS, windowS: env.RATE_LIMIT_KEY_WINDOW_S },
    perAddress: { points: env.RATE_LIMIT_ADDRESS_POINTS, windowS: env.RATE_LIMIT_ADDRESS_WINDOW_S },
    authFailures: { limit: env.AUTH_FAILURE_LIMIT, windowS: env.AUTH_FAILURE_WINDOW_S, lockoutS: env.AUTH_LOCKOUT_S },
    maxInFlight: env.API_MAX_IN_FLIGHT,
    maxEventLoopDelayMs: env.API_MAX_EVENT_LOOP_DELAY_MS,
  };
}

/** How the API meets browsers and proxies. */
export function apiEdge(env: Env) {
  return { trustProxy: env.TRUST_PROXY, corsOrigins: env.CORS_ORIGINS };
}
