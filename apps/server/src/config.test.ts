import { describe, expect, it } from "vitest";
import { ConfigError, parseDuration, readConfig } from "./config.ts";

describe("readConfig", () => {
  it("has working defaults", () => {
    const config = readConfig({ INIT_CWD: "/srv/app" });
    expect(config).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      databasePath: "/srv/app/data/payreq.db",
      paymentUrlBase: "http://127.0.0.1:3000/pay",
      paymentUrlTtlMs: 7 * 86_400_000,
      idempotencyTtlMs: 86_400_000,
      demo: false,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      idleTimeoutMs: 120_000,
      maxConnections: 1024,
      hsts: false,
      trustedProxies: [],
      metrics: { host: "127.0.0.1", port: 9464 },
      logLevel: "info",
      logFormat: "auto",
      auditVerifyIntervalMs: 3_600_000,
    });
  });

  it("switches metrics and the chain's verification off", () => {
    const config = readConfig({ PAYREQ_METRICS: "off", PAYREQ_AUDIT_VERIFY_INTERVAL: "off" });
    expect(config.metrics).toBeUndefined();
    expect(config.auditVerifyIntervalMs).toBeUndefined();
  });

  it.each([
    [{ PAYREQ_HEADERS_TIMEOUT: "40s" }, "PAYREQ_HEADERS_TIMEOUT"],
    [{ PAYREQ_IDLE_TIMEOUT: "5s", PAYREQ_DELIVERY_TIMEOUT: "10s" }, "PAYREQ_IDLE_TIMEOUT"],
    [{ PAYREQ_MAX_CONNECTIONS: "0" }, "PAYREQ_MAX_CONNECTIONS"],
    [{ PAYREQ_DATABASE_URL: "mysql://db/payreq" }, "PAYREQ_DATABASE_URL"],
    [{ PAYREQ_DATABASE_POOL: "0" }, "PAYREQ_DATABASE_POOL"],
    [{ PAYREQ_OPS_SESSION_SECRET: "short" }, "PAYREQ_OPS_SESSION_SECRET"],
    [{ PORT: "9000", PAYREQ_METRICS_PORT: "9000" }, "PAYREQ_METRICS_PORT"],
  ])("refuses timeouts and caps that cannot work together: %j", (env, name) => {
    expect(() => readConfig(env)).toThrow(name);
  });

  it("reads every variable", () => {
    const config = readConfig({
      PORT: "8080",
      HOST: "0.0.0.0",
      PAYREQ_DATABASE: "/var/lib/payreq.db",
      PAYREQ_PAYMENT_URL_BASE: "https://pay.example.com/p",
      PAYREQ_PAYMENT_URL_TTL: "72h",
      PAYREQ_DELIVERY_TIMEOUT: "5s",
      PAYREQ_IDEMPOTENCY_TTL: "72h",
      PAYREQ_DEMO: "1",
      PAYREQ_HEADERS_TIMEOUT: "2s",
      PAYREQ_REQUEST_TIMEOUT: "20s",
      PAYREQ_KEEP_ALIVE_TIMEOUT: "3s",
      PAYREQ_IDLE_TIMEOUT: "60s",
      PAYREQ_MAX_CONNECTIONS: "200",
      PAYREQ_HSTS: "on",
      PAYREQ_TRUSTED_PROXIES: "10.0.0.0/8, 192.168.1.5,fd00::/8",
      PAYREQ_DATABASE_URL: "postgres://payreq:secret@db.internal:5432/payreq",
      PAYREQ_DATABASE_POOL: "20",
      PAYREQ_MIGRATE: "off",
      PAYREQ_DRAIN_TIMEOUT: "8s",
      PAYREQ_OPS_SESSION_SECRET: "a-long-shared-secret-of-32-characters!",
      PAYREQ_METRICS: "on",
      PAYREQ_METRICS_HOST: "10.0.0.5",
      PAYREQ_METRICS_PORT: "9100",
      PAYREQ_LOG_LEVEL: "warn",
      PAYREQ_LOG_FORMAT: "json",
      PAYREQ_AUDIT_VERIFY_INTERVAL: "15m",
      PAYREQ_REMINDER_INTERVAL: "2m",
      PAYREQ_WEBHOOKS_ALLOW_PRIVATE: "1",
      PAYREQ_WEBHOOK_TIMEOUT: "5s",
      PAYREQ_WEBHOOK_RETRY_SCHEDULE: "1s,1s,2s",
    });
    expect(config).toEqual({
      port: 8080,
      host: "0.0.0.0",
      databasePath: "/var/lib/payreq.db",
      databaseUrl: "postgres://payreq:secret@db.internal:5432/payreq",
      databasePoolSize: 20,
      migrate: false,
      drainTimeoutMs: 8000,
      paymentUrlBase: "https://pay.example.com/p",
      paymentUrlBaseFromPort: false,
      paymentUrlTtlMs: 72 * 3_600_000,
      deliveryTimeoutMs: 5000,
      idempotencyTtlMs: 72 * 3_600_000,
      demo: true,
      headersTimeoutMs: 2000,
      requestTimeoutMs: 20_000,
      keepAliveTimeoutMs: 3000,
      idleTimeoutMs: 60_000,
      maxConnections: 200,
      hsts: true,
      trustedProxies: ["10.0.0.0/8", "192.168.1.5", "fd00::/8"],
      opsSessionSecret: "a-long-shared-secret-of-32-characters!",
      metrics: { host: "10.0.0.5", port: 9100 },
      logLevel: "warn",
      logFormat: "json",
      auditVerifyIntervalMs: 900_000,
      reminderIntervalMs: 120_000,
      webhooks: { retryScheduleMs: [1000, 1000, 2000], timeoutMs: 5000 },
      webhooksAllowPrivate: true,
    });
  });

  it("migrates at start and drains for 5 s by default; a drain may be 0, never negative or a word", () => {
    expect(readConfig({})).toMatchObject({ migrate: true, drainTimeoutMs: 5000 });
    expect(readConfig({ PAYREQ_DRAIN_TIMEOUT: "0" }).drainTimeoutMs).toBe(0);
    expect(readConfig({ PAYREQ_DRAIN_TIMEOUT: "250ms" }).drainTimeoutMs).toBe(250);
    for (const bad of ["-1", "soon", "5 minutes"]) {
      expect(() => readConfig({ PAYREQ_DRAIN_TIMEOUT: bad })).toThrow(
        "PAYREQ_DRAIN_TIMEOUT must be a duration such as 90s, 15m, 72h or 7d, or 0",
      );
    }
    expect(() => readConfig({ PAYREQ_MIGRATE: "later" })).toThrow("PAYREQ_MIGRATE must be one of");
  });

  it("dispatches webhooks on the Standard Webhooks schedule by default, and none with PAYREQ_WEBHOOKS=off", () => {
    expect(readConfig({}).webhooks).toEqual({
      retryScheduleMs: [
        5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000,
      ],
      timeoutMs: 15_000,
    });
    expect(readConfig({}).webhooksAllowPrivate).toBe(false);
    expect(readConfig({ PAYREQ_WEBHOOKS: "off" }).webhooks).toBeUndefined();
    for (const schedule of ["soon", "1s,,2s", "1s,0s", Array(21).fill("1s").join(",")]) {
      expect(() => readConfig({ PAYREQ_WEBHOOK_RETRY_SCHEDULE: schedule }), schedule).toThrow(
        "PAYREQ_WEBHOOK_RETRY_SCHEDULE must be 1-20 comma-separated durations",
      );
    }
  });

  it("sends reminders every 30 s by default, and never with PAYREQ_REMINDERS=off", () => {
    expect(readConfig({}).reminderIntervalMs).toBe(30_000);
    expect(
      readConfig({ PAYREQ_REMINDERS: "off", PAYREQ_REMINDER_INTERVAL: "5s" }).reminderIntervalMs,
    ).toBeUndefined();
    expect(() => readConfig({ PAYREQ_REMINDER_INTERVAL: "soon" })).toThrow("PAYREQ_REMINDER_INTERVAL");
  });

  it.each(["proxy.internal", "10.0.0.0/33", "10.0.0.0/8/1", "fd00::/129", "10.0.0.1/x", "10.0.0.300"])(
    "refuses PAYREQ_TRUSTED_PROXIES holding %j",
    (entry) => {
      expect(() => readConfig({ PAYREQ_TRUSTED_PROXIES: `127.0.0.1, ${entry}` })).toThrow(
        `PAYREQ_TRUSTED_PROXIES must be IP addresses or CIDR blocks, comma-separated; not "${entry}"`,
      );
    },
  );

  it.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["PAYREQ_PAYMENT_URL_BASE", "ftp://pay.example.com"],
    ["PAYREQ_PAYMENT_URL_TTL", "forever"],
    ["PAYREQ_DELIVERY_TIMEOUT", "0s"],
    ["PAYREQ_DEMO", "maybe"],
    ["PAYREQ_METRICS", "sometimes"],
    ["PAYREQ_METRICS_PORT", "70000"],
    ["PAYREQ_LOG_LEVEL", "verbose"],
    ["PAYREQ_LOG_FORMAT", "xml"],
    ["PAYREQ_AUDIT_VERIFY_INTERVAL", "hourly"],
  ])("stops with a message naming %s for %j", (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(name);
  });
});

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["90", 90_000],
    ["15m", 900_000],
    ["7d", 604_800_000],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it("rejects other text", () => {
    expect(parseDuration("1 week")).toBeUndefined();
  });
});
