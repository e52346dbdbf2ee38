import { isAbsolute, resolve } from "node:path";
import { DEFAULT_RETRY_SCHEDULE_MS } from "@payreq/core";
import * as z from "zod";
import { parseTrustedProxies } from "./http/client-address.ts";

const DURATION = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "90s", "15m", "72h", "7d", "500ms", or a bare number of seconds. */
export const parseDuration = (text: string): number | undefined => {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? "s") as keyof typeof UNIT_MS;
  return Number(match[1]) * UNIT_MS[unit];
};

const durationMs = (name: string, text: string, ctx: z.RefinementCtx, also = "", zero = false): number => {
  const ms = parseDuration(text);
  if (ms === undefined || ms < 0 || (ms === 0 && !zero)) {
    ctx.addIssue({
      code: "custom",
      message: `${name} must be a duration such as 90s, 15m, 72h or 7d${also}`,
    });
    return z.NEVER;
  }
  return ms;
};

const duration = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => durationMs(name, text, ctx));

/** A duration that may be 0 (none). */
const durationOrZero = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => durationMs(name, text, ctx, ", or 0", true));

/** A duration, or `off` (undefined). */
const durationOrOff = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => (text === "off" ? undefined : durationMs(name, text, ctx, ", or off")));

const flag = (name: string, fallback: "0" | "1" = "0") =>
  z
    .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""], {
      error: `${name} must be one of 1, 0, true, false, yes, no, on, off`,
    })
    .default(fallback)
    .transform((value) => ["1", "true", "yes", "on"].includes(value));

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(0, `${name} must be 0-65535`)
    .max(65535, `${name} must be 0-65535`)
    .default(fallback);

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const ConfigSchema = z.object({
  PORT: port("PORT", 3000),
  HOST: z.string().min(1, "HOST must not be empty").default("127.0.0.1"),
  PAYREQ_DATABASE: z.string().min(1, "PAYREQ_DATABASE must not be empty").default("./data/payreq.db"),
  PAYREQ_DATABASE_URL: z
    .url({
      protocol: /^postgres(ql)?$/,
      error: "PAYREQ_DATABASE_URL must be a postgres:// or postgresql:// URL",
    })
    .optional(),
  PAYREQ_DATABASE_POOL: z.coerce
    .number({ error: "PAYREQ_DATABASE_POOL must be a number" })
    .int("PAYREQ_DATABASE_POOL must be an integer")
    .min(1, "PAYREQ_DATABASE_POOL must be 1-100")
    .max(100, "PAYREQ_DATABASE_POOL must be 1-100")
    .default(10),
  PAYREQ_MIGRATE: flag("PAYREQ_MIGRATE", "1"),
  PAYREQ_DRAIN_TIMEOUT: durationOrZero("PAYREQ_DRAIN_TIMEOUT", "5s"),
  PAYREQ_PAYMENT_URL_BASE: z
    .url({ protocol: /^https?$/, error: "PAYREQ_PAYMENT_URL_BASE must be an http(s) URL" })
    .optional(),
  PAYREQ_PAYMENT_URL_TTL: duration("PAYREQ_PAYMENT_URL_TTL", "7d"),
  PAYREQ_DELIVERY_TIMEOUT: duration("PAYREQ_DELIVERY_TIMEOUT", "10s"),
  PAYREQ_IDEMPOTENCY_TTL: duration("PAYREQ_IDEMPOTENCY_TTL", "24h"),
  PAYREQ_DEMO: flag("PAYREQ_DEMO"),
  PAYREQ_BACKEND: z
    .enum(["embedded", "upstream"], { error: "PAYREQ_BACKEND must be embedded or upstream" })
    .default("embedded"),
  PAYREQ_UPSTREAM_URL: z
    .url({ protocol: /^https?$/, error: "PAYREQ_UPSTREAM_URL must be an http(s) URL" })
    .refine(
      (url) => !new URL(url).username,
      "PAYREQ_UPSTREAM_URL must not hold credentials: use PAYREQ_UPSTREAM_USERNAME/PASSWORD",
    )
    .optional(),
  PAYREQ_UPSTREAM_USERNAME: z.string().min(1).optional(),
  PAYREQ_UPSTREAM_PASSWORD: z.string().min(1).optional(),
  PAYREQ_UPSTREAM_TIMEOUT: duration("PAYREQ_UPSTREAM_TIMEOUT", "5s"),
  PAYREQ_HEADERS_TIMEOUT: duration("PAYREQ_HEADERS_TIMEOUT", "10s"),
  PAYREQ_REQUEST_TIMEOUT: duration("PAYREQ_REQUEST_TIMEOUT", "30s"),
  PAYREQ_KEEP_ALIVE_TIMEOUT: duration("PAYREQ_KEEP_ALIVE_TIMEOUT", "5s"),
  PAYREQ_IDLE_TIMEOUT: duration("PAYREQ_IDLE_TIMEOUT", "120s"),
  PAYREQ_MAX_CONNECTIONS: z.coerce
    .number({ error: "PAYREQ_MAX_CONNECTIONS must be a number" })
    .int("PAYREQ_MAX_CONNECTIONS must be an integer")
    .min(1, "PAYREQ_MAX_CONNECTIONS must be at least 1")
    .max(1_000_000, "PAYREQ_MAX_CONNECTIONS must be at most 1000000")
    .default(1024),
  PAYREQ_HSTS: flag("PAYREQ_HSTS"),
  PAYREQ_TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((text, ctx) => {
      const parsed = parseTrustedProxies(text);
      if ("entries" in parsed) return parsed.entries;
      ctx.addIssue({ code: "custom", message: `PAYREQ_TRUSTED_PROXIES ${parsed.error}` });
      return z.NEVER;
    }),
  PAYREQ_OPS_SESSION_SECRET: z
    .string()
    .min(32, "PAYREQ_OPS_SESSION_SECRET must be at least 32 characters (e.g. openssl rand -base64 32)")
    .optional(),
  PAYREQ_METRICS: flag("PAYREQ_METRICS", "1"),
  PAYREQ_METRICS_HOST: z.string().min(1, "PAYREQ_METRICS_HOST must not be empty").default("127.0.0.1"),
  PAYREQ_METRICS_PORT: port("PAYREQ_METRICS_PORT", 9464),
  PAYREQ_LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `PAYREQ_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}` })
    .default("info"),
  PAYREQ_LOG_FORMAT: z
    .enum(["auto", "json", "pretty"], { error: "PAYREQ_LOG_FORMAT must be auto, json or pretty" })
    .default("auto"),
  PAYREQ_AUDIT_VERIFY_INTERVAL: durationOrOff("PAYREQ_AUDIT_VERIFY_INTERVAL", "1h"),
  PAYREQ_REMINDERS: flag("PAYREQ_REMINDERS", "1"),
  PAYREQ_REMINDER_INTERVAL: duration("PAYREQ_REMINDER_INTERVAL", "30s"),
  PAYREQ_WEBHOOKS: flag("PAYREQ_WEBHOOKS", "1"),
  PAYREQ_WEBHOOKS_ALLOW_PRIVATE: flag("PAYREQ_WEBHOOKS_ALLOW_PRIVATE"),
  PAYREQ_WEBHOOK_TIMEOUT: duration("PAYREQ_WEBHOOK_TIMEOUT", "15s"),
  PAYREQ_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const steps = text.split(",").map((step) => parseDuration(step));
      if (steps.length === 0 || steps.some((ms) => ms === undefined || ms <= 0) || steps.length > 20) {
        ctx.addIssue({
          code: "custom",
          message: "PAYREQ_WEBHOOK_RETRY_SCHEDULE must be 1-20 comma-separated durations such as 5s,5m,30m",
        });
        return z.NEVER;
      }
      return steps as number[];
    }),
  PAYREQ_SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: "PAYREQ_SMTP_URL must be an smtp:// or smtps:// URL" })
    .optional(),
  PAYREQ_EMAIL_FROM: z.email({ error: "PAYREQ_EMAIL_FROM must be an email address" }).optional(),
  PAYREQ_EMAIL_FROM_NAME: z
    .string()
    .max(100, "PAYREQ_EMAIL_FROM_NAME must be at most 100 characters")
    .optional(),
  PAYREQ_SMS_URL: z
    .url({ protocol: /^https?$/, error: "PAYREQ_SMS_URL must be an http(s) URL" })
    .refine(
      (url) => !new URL(url).username,
      "PAYREQ_SMS_URL must not hold credentials: use the account and token variables",
    )
    .optional(),
  PAYREQ_SMS_ACCOUNT_SID: z
    .string()
    .regex(/^[A-Za-z0-9]{1,64}$/, "PAYREQ_SMS_ACCOUNT_SID must be letters and digits")
    .optional(),
  PAYREQ_SMS_AUTH_TOKEN: z.string().min(1).optional(),
  PAYREQ_SMS_FROM: z
    .string()
    .regex(/^\+[1-9]\d{1,14}$/, "PAYREQ_SMS_FROM must be an E.164 number such as +13125550000")
    .optional(),
  PAYREQ_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "PAYREQ_PUBLIC_URL must be an http(s) URL" })
    .optional(),
  PAYREQ_STRIPE_SECRET_KEY: z
    .string()
    .regex(
      /^(sk|rk)_[A-Za-z0-9_]{8,}$/,
      "PAYREQ_STRIPE_SECRET_KEY must be a Stripe secret key (sk_… or rk_…)",
    )
    .optional(),
  PAYREQ_STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(
      /^whsec_[A-Za-z0-9+/=]{8,}(,whsec_[A-Za-z0-9+/=]{8,})*$/,
      "PAYREQ_STRIPE_WEBHOOK_SECRET must be Stripe signing secrets (whsec_…), comma-separated",
    )
    .optional(),
  PAYREQ_STRIPE_API_URL: z
    .url({ protocol: /^https?$/, error: "PAYREQ_STRIPE_API_URL must be an http(s) URL" })
    .optional(),
});

/** Every variable the service reads (deploy/payreq.env.example documents each). */
export const CONFIG_VARIABLES = Object.keys(ConfigSchema.shape);

export type Config = {
  port: number;
  host: string;
  databasePath: string;
  /** PostgreSQL, shared by every instance; when set, `databasePath` is not used. */
  databaseUrl?: string | undefined;
  databasePoolSize: number;
  /** false (PAYREQ_MIGRATE=off): migrations are `payreq migrate`'s job; a schema older than the code stops the start. */
  migrate: boolean;
  /** After SIGTERM or SIGINT, how long the listener keeps serving (with /readyz 503) before it stops accepting. */
  drainTimeoutMs: number;
  paymentUrlBase: string;
  /** The base was derived from HOST and PORT (PAYREQ_PAYMENT_URL_BASE unset): it follows the port actually bound. */
  paymentUrlBaseFromPort: boolean;
  paymentUrlTtlMs: number;
  deliveryTimeoutMs: number;
  idempotencyTtlMs: number;
  demo: boolean;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
  hsts: boolean;
  /** Proxies (addresses, CIDR blocks) whose X-Forwarded-For names the client; empty: the socket's peer is. */
  trustedProxies?: readonly string[] | undefined;
  /** Signs ops console sessions; the same on every instance so a session works behind a load balancer. */
  opsSessionSecret?: string | undefined;
  /** The Prometheus endpoint's own listener; undefined with PAYREQ_METRICS=off (nothing is collected then). */
  metrics?: { host: string; port: number } | undefined;
  logLevel: LogLevel;
  /** `auto`: pretty when stdout is a terminal, JSON lines otherwise. */
  logFormat: "auto" | "json" | "pretty";
  /** How often `serve` verifies the audit chain for the metrics; undefined: never. */
  auditVerifyIntervalMs?: number | undefined;
  /** How often `serve` sends the reminders that are due; undefined (PAYREQ_REMINDERS=off): this instance never does. */
  reminderIntervalMs?: number | undefined;
  /** The webhook dispatcher of this instance; undefined with PAYREQ_WEBHOOKS=off (events are still raised). */
  webhooks?: { retryScheduleMs: readonly number[]; timeoutMs: number } | undefined;
  /** http:// and private, loopback and link-local destinations allowed (tests, on-premises DMSs). */
  webhooksAllowPrivate: boolean;
  smtp?: { url: string; from: string; fromName?: string | undefined } | undefined;
  upstream?: { baseUrl: string; username: string; password: string; timeoutMs: number } | undefined;
  sms?: { baseUrl: string; accountSid: string; authToken: string; from: string } | undefined;
  /** The service's public address (callbacks name it); undefined: the payment URL base's origin. */
  publicUrl?: string | undefined;
  /** Card payments through Stripe Checkout; undefined: the payment page takes none. */
  stripe?: { secretKey: string; webhookSecrets: string[]; apiUrl?: string | undefined } | undefined;
};

export class ConfigError extends Error {}

/** Reads and validates the environment once; relative paths are taken from where the command was run. */
export const readConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const cleaned = Object.fromEntries(
    CONFIG_VARIABLES.flatMap((key) => (env[key] === undefined || env[key] === "" ? [] : [[key, env[key]]])),
  );
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${String(issue.path[0])}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const missing = [
    ...(c.PAYREQ_BACKEND === "upstream"
      ? (["PAYREQ_UPSTREAM_URL", "PAYREQ_UPSTREAM_USERNAME", "PAYREQ_UPSTREAM_PASSWORD"] as const)
          .filter((name) => !c[name])
          .map((name) => `${name}: required with PAYREQ_BACKEND=upstream`)
      : []),
    ...(c.PAYREQ_HEADERS_TIMEOUT > c.PAYREQ_REQUEST_TIMEOUT
      ? ["PAYREQ_HEADERS_TIMEOUT: must not be longer than PAYREQ_REQUEST_TIMEOUT"]
      : []),
    ...(c.PAYREQ_IDLE_TIMEOUT <= c.PAYREQ_DELIVERY_TIMEOUT
      ? [
          "PAYREQ_IDLE_TIMEOUT: must be longer than PAYREQ_DELIVERY_TIMEOUT, or a call would lose its connection",
        ]
      : []),
    ...(c.PAYREQ_METRICS && c.PAYREQ_METRICS_PORT !== 0 && c.PAYREQ_METRICS_PORT === c.PORT
      ? ["PAYREQ_METRICS_PORT: must differ from PORT (the API listener never serves /metrics)"]
      : []),
    ...(c.PAYREQ_SMTP_URL && !c.PAYREQ_EMAIL_FROM
      ? ["PAYREQ_EMAIL_FROM: required with PAYREQ_SMTP_URL"]
      : []),
    ...(c.PAYREQ_SMS_URL || c.PAYREQ_SMS_ACCOUNT_SID || c.PAYREQ_SMS_AUTH_TOKEN || c.PAYREQ_SMS_FROM
      ? (["PAYREQ_SMS_ACCOUNT_SID", "PAYREQ_SMS_AUTH_TOKEN", "PAYREQ_SMS_FROM"] as const)
          .filter((name) => !c[name])
          .map((name) => `${name}: required to send texts through an SMS provider`)
      : []),
    ...(c.PAYREQ_STRIPE_SECRET_KEY || c.PAYREQ_STRIPE_WEBHOOK_SECRET
      ? (["PAYREQ_STRIPE_SECRET_KEY", "PAYREQ_STRIPE_WEBHOOK_SECRET"] as const)
          .filter((name) => !c[name])
          .map((name) => `${name}: required to take card payments through Stripe`)
      : []),
  ];
  if (missing.length > 0)
    throw new ConfigError(`Invalid configuration:\n${missing.map((line) => `  ${line}`).join("\n")}`);
  const base = env.INIT_CWD ?? process.cwd();
  const databasePath =
    c.PAYREQ_DATABASE === ":memory:" || isAbsolute(c.PAYREQ_DATABASE)
      ? c.PAYREQ_DATABASE
      : resolve(base, c.PAYREQ_DATABASE);
  const shownHost = c.HOST === "0.0.0.0" || c.HOST === "::" ? "127.0.0.1" : c.HOST;
  return {
    port: c.PORT,
    host: c.HOST,
    databasePath,
    databaseUrl: c.PAYREQ_DATABASE_URL,
    databasePoolSize: c.PAYREQ_DATABASE_POOL,
    migrate: c.PAYREQ_MIGRATE,
    drainTimeoutMs: c.PAYREQ_DRAIN_TIMEOUT,
    paymentUrlBase: c.PAYREQ_PAYMENT_URL_BASE ?? `http://${shownHost}:${c.PORT}/pay`,
    paymentUrlBaseFromPort: c.PAYREQ_PAYMENT_URL_BASE === undefined,
    paymentUrlTtlMs: c.PAYREQ_PAYMENT_URL_TTL,
    deliveryTimeoutMs: c.PAYREQ_DELIVERY_TIMEOUT,
    idempotencyTtlMs: c.PAYREQ_IDEMPOTENCY_TTL,
    demo: c.PAYREQ_DEMO,
    headersTimeoutMs: c.PAYREQ_HEADERS_TIMEOUT,
    requestTimeoutMs: c.PAYREQ_REQUEST_TIMEOUT,
    keepAliveTimeoutMs: c.PAYREQ_KEEP_ALIVE_TIMEOUT,
    idleTimeoutMs: c.PAYREQ_IDLE_TIMEOUT,
    maxConnections: c.PAYREQ_MAX_CONNECTIONS,
    hsts: c.PAYREQ_HSTS,
    trustedProxies: c.PAYREQ_TRUSTED_PROXIES,
    opsSessionSecret: c.PAYREQ_OPS_SESSION_SECRET,
    metrics: c.PAYREQ_METRICS ? { host: c.PAYREQ_METRICS_HOST, port: c.PAYREQ_METRICS_PORT } : undefined,
    logLevel: c.PAYREQ_LOG_LEVEL,
    logFormat: c.PAYREQ_LOG_FORMAT,
    auditVerifyIntervalMs: c.PAYREQ_AUDIT_VERIFY_INTERVAL,
    reminderIntervalMs: c.PAYREQ_REMINDERS ? c.PAYREQ_REMINDER_INTERVAL : undefined,
    webhooks: c.PAYREQ_WEBHOOKS
      ? {
          retryScheduleMs: c.PAYREQ_WEBHOOK_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE_MS,
          timeoutMs: c.PAYREQ_WEBHOOK_TIMEOUT,
        }
      : undefined,
    webhooksAllowPrivate: c.PAYREQ_WEBHOOKS_ALLOW_PRIVATE,
    upstream:
      c.PAYREQ_BACKEND === "upstream" &&
      c.PAYREQ_UPSTREAM_URL &&
      c.PAYREQ_UPSTREAM_USERNAME &&
      c.PAYREQ_UPSTREAM_PASSWORD
        ? {
            baseUrl: c.PAYREQ_UPSTREAM_URL,
            username: c.PAYREQ_UPSTREAM_USERNAME,
            password: c.PAYREQ_UPSTREAM_PASSWORD,
            timeoutMs: c.PAYREQ_UPSTREAM_TIMEOUT,
          }
        : undefined,
    smtp:
      c.PAYREQ_SMTP_URL && c.PAYREQ_EMAIL_FROM
        ? { url: c.PAYREQ_SMTP_URL, from: c.PAYREQ_EMAIL_FROM, fromName: c.PAYREQ_EMAIL_FROM_NAME }
        : undefined,
    sms:
      c.PAYREQ_SMS_ACCOUNT_SID && c.PAYREQ_SMS_AUTH_TOKEN && c.PAYREQ_SMS_FROM
        ? {
            baseUrl: c.PAYREQ_SMS_URL ?? "https://api.twilio.com",
            accountSid: c.PAYREQ_SMS_ACCOUNT_SID,
            authToken: c.PAYREQ_SMS_AUTH_TOKEN,
            from: c.PAYREQ_SMS_FROM,
          }
        : undefined,
    publicUrl: c.PAYREQ_PUBLIC_URL?.replace(/\/+$/, ""),
    stripe:
      c.PAYREQ_STRIPE_SECRET_KEY && c.PAYREQ_STRIPE_WEBHOOK_SECRET
        ? {
            secretKey: c.PAYREQ_STRIPE_SECRET_KEY,
            webhookSecrets: c.PAYREQ_STRIPE_WEBHOOK_SECRET.split(","),
            apiUrl: c.PAYREQ_STRIPE_API_URL,
          }
        : undefined,
  };
};
