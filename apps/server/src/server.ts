import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { dirname } from "node:path";
import type { Duplex } from "node:stream";
import { serve } from "@hono/node-server";
import { type ErrorName, errorItem } from "@payreq/contracts";
import {
  type Core,
  createCore,
  createHttpWebhookSender,
  createNotifier,
  createStripeProcessor,
  createUpstreamPlatform,
  createUuidV7Generator,
  type Logger,
  openStore,
  type Store,
  systemClock,
} from "@payreq/core";
import { createApp } from "./app.ts";
import type { Config } from "./config.ts";
import type { Background } from "./http/background.ts";
import { createCallTracker } from "./http/call-tracker.ts";
import { trustProxies } from "./http/client-address.ts";
import type { ChainStatus } from "./observability/chain-status.ts";
import { disabledMetrics, type ServiceMetrics } from "./observability/service-metrics.ts";
import { SMS_STATUS_PATH } from "./server-paths.ts";

export type RunningServer = {
  url: string;
  port: number;
  core: Core;
  store: Store;
  /** Connections open now, refused ones included. */
  readonly openConnections: number;
  /** Calls being handled now (until their handler has finished, whatever became of the connection), and since the start. */
  readonly callsInFlight: number;
  readonly callsEnded: number;
  /** Draining: /readyz answers 503 and every answer closes its connection; calls are still served. */
  drain(): void;
  /**
   * Stops accepting; connections get up to `graceMs` to finish (then they are closed), and every handler that was
   * running is waited for. The database stays open.
   */
  stopAccepting(graceMs?: number): Promise<void>;
  /** stopAccepting, then closes the database. */
  shutdown(graceMs?: number): Promise<void>;
};

/** The service's public address: PAYREQ_PUBLIC_URL, else the origin of the payment links. */
export const publicUrlOf = (config: Pick<Config, "publicUrl" | "paymentUrlBase">) =>
  config.publicUrl ?? new URL(config.paymentUrlBase).origin;

/** Where the SMS provider is asked to report each text's status (its signature covers this URL). */
const smsStatusUrlOf = (config: Pick<Config, "publicUrl" | "paymentUrlBase">) =>
  `${publicUrlOf(config)}${SMS_STATUS_PATH}`;

/** Where Stripe's hosted checkout lives (and a stand-in's, when PAYREQ_STRIPE_API_URL points at one). */
const checkoutOriginsOf = (stripe: NonNullable<Config["stripe"]>) => [
  "https://checkout.stripe.com",
  ...(stripe.apiUrl ? [new URL(stripe.apiUrl).origin] : []),
];

/** The configured store: PostgreSQL when PAYREQ_DATABASE_URL is set, else the SQLite file. */
export const openConfiguredStore = (
  config: Pick<Config, "databasePath" | "databaseUrl" | "databasePoolSize"> & { migrate?: boolean },
  options: { serving?: boolean } = {},
): Promise<Store> => {
  const migrate = config.migrate ?? true;
  if (config.databaseUrl)
    return openStore(config.databaseUrl, { poolSize: config.databasePoolSize, migrate });
  if (config.databasePath !== ":memory:") mkdirSync(dirname(config.databasePath), { recursive: true });
  // The service writes SQLite on a worker thread, beside its HTTP work; a command writes on its own thread.
  return openStore(config.databasePath, { sqliteWorker: options.serving ?? false, migrate });
};

/**
 * The core on the configured providers: SMTP and an SMS API where set, the outbox for the rest. With `metrics`
 * enabled, core reports to it and it watches the store, the authenticator and the upstream circuit.
 */
export const buildCore = (
  config: Config,
  store: Store,
  logger: Logger,
  metrics: ServiceMetrics = disabledMetrics,
): Core & { close(): void } => {
  const ids = createUuidV7Generator();
  const notifier = createNotifier(
    {
      smtp: config.smtp && { ...config.smtp, timeoutMs: config.deliveryTimeoutMs },
      sms: config.sms && { ...config.sms, statusCallbackUrl: smsStatusUrlOf(config) },
    },
    ids,
  );
  const clock = systemClock;
  const upstream = config.upstream && createUpstreamPlatform(config.upstream, clock, metrics.core);
  const webhookSender = createHttpWebhookSender({ allowPrivate: config.webhooksAllowPrivate });
  const core = createCore({
    store,
    logger,
    ids,
    clock,
    notifier,
    webhookSender,
    ...(metrics.enabled ? { metrics: metrics.core } : {}),
    ...(upstream ? { platform: upstream } : {}),
    paymentUrls: { baseUrl: config.paymentUrlBase, ttlMs: config.paymentUrlTtlMs },
    deliveryTimeoutMs: config.deliveryTimeoutMs,
    ...(config.stripe ? { cardProcessor: createStripeProcessor(config.stripe) } : {}),
  });
  metrics.watch(core, upstream?.circuitState);
  return {
    ...core,
    close: () => {
      notifier.close();
      void webhookSender.close();
    },
  };
};

/** Written to the socket, past the app's middleware: the same nosniff and no-store as every answer of the app. */
const rawResponse = (status: string, name: ErrorName, extraHeaders = "") => {
  const body = JSON.stringify({ errors: [errorItem(name)], warnings: [] });
  return `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n${extraHeaders}Connection: close\r\n\r\n${body}`;
};

/**
 * Requests Node's HTTP parser refuses before the app sees them (conflicting or understated Content-Length, bad
 * chunking, headers over 16 KiB, headers or body not received in time) still get the published envelope, then
 * the connection is closed.
 */
const answerClientError = (error: NodeJS.ErrnoException, socket: Duplex, logger: Logger) => {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    // A slow client is routine, not a warning: logged like any answered request (the request log never sees it).
    logger.info("http request timed out", { status: 408, code: error.code });
    socket.end(rawResponse("408 Request Timeout", "REQUEST_TIMEOUT"));
    return;
  }
  logger.warn("malformed http request", { code: error.code ?? "unknown" });
  if (error.code === "HPE_HEADER_OVERFLOW") {
    socket.end(rawResponse("431 Request Header Fields Too Large", "HEADERS_TOO_LARGE"));
  } else {
    socket.end(rawResponse("400 Bad Request", "MALFORMED_HTTP_REQUEST"));
  }
};

/** How long a client may take, and how many connections it may hold (see the README's configuration). */
export type ConnectionLimits = Pick<
  Config,
  "headersTimeoutMs" | "requestTimeoutMs" | "keepAliveTimeoutMs" | "idleTimeoutMs" | "maxConnections"
>;

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 120_000,
  maxConnections: 1024,
};

/** Connections over the cap get a 503 on their first request; past the headroom Node drops them unread. */
const DROP_HEADROOM = 64;

const refuseOverCap = (): Response =>
  new Response(JSON.stringify({ errors: [errorItem("TOO_MANY_CONNECTIONS")], warnings: [] }), {
    status: 503,
    headers: {
      "Content-Type": "application/json",
      "Retry-After": "1",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      Connection: "close",
    },
  });

/** "listen EADDRINUSE: address already in use 127.0.0.1:3000" says only "address already in use" of it. */
const listenProblem = (error: Error) =>
  /^listen E[A-Z]+: (.+) \S+$/.exec(error.message)?.[1] ?? error.message;

/** Listens on the configured host and port; port 0 picks a free one. */
export const startServer = async (
  core: Core,
  config: Pick<Config, "host" | "port"> &
    Partial<ConnectionLimits> &
    Partial<
      Pick<
        Config,
        "hsts" | "opsSessionSecret" | "trustedProxies" | "stripe" | "sms" | "publicUrl" | "paymentUrlBase"
      >
    >,
  observability: {
    metrics?: ServiceMetrics;
    chain?: ChainStatus;
    background?: Background;
    onEvents?: () => void;
  } = {},
): Promise<RunningServer> => {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...config };
  const drainState = { draining: false };
  const calls = createCallTracker();
  const app = createApp({
    core,
    drain: drainState,
    hsts: config.hsts,
    trustedProxies: config.trustedProxies?.length ? trustProxies(config.trustedProxies) : undefined,
    opsSessionSecret: config.opsSessionSecret,
    metrics: observability.metrics,
    chain: observability.chain,
    background: observability.background,
    onEvents: observability.onEvents,
    checkoutOrigins: config.stripe ? checkoutOriginsOf(config.stripe) : undefined,
    smsStatus:
      config.sms && config.paymentUrlBase
        ? {
            authToken: config.sms.authToken,
            url: smsStatusUrlOf({ publicUrl: config.publicUrl, paymentUrlBase: config.paymentUrlBase }),
          }
        : undefined,
  });
  const overCap = new WeakSet<Socket>();
  let open = 0;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve(
      {
        fetch: (request, env) =>
          overCap.has(env.incoming.socket as Socket) ? refuseOverCap() : calls.track(app.fetch(request, env)),
        hostname: config.host,
        port: config.port,
        serverOptions: {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          // Node checks the two timeouts above on this interval (30 s by default): the bound is only as good as it.
          connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
        },
      },
      () => {
        s.off("error", refused);
        resolve(s as Server);
      },
    );
    // Without a listener, a port in use would crash the process with a stack trace instead of a message.
    const refused = (error: Error) =>
      reject(
        new Error(`cannot listen on ${config.host}:${config.port} (HOST, PORT): ${listenProblem(error)}`),
      );
    s.once("error", refused);
  });
  server.timeout = limits.idleTimeoutMs;
  server.maxConnections = limits.maxConnections + DROP_HEADROOM;
  server.prependListener("connection", (socket: Socket) => {
    if (open >= limits.maxConnections) overCap.add(socket);
    open++;
    socket.once("close", () => open--);
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket) =>
    answerClientError(error, socket, core.deps.logger),
  );
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  let accepting: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  const stopAccepting = (graceMs = 10_000) => {
    accepting ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections become idle once their call is answered; close them as they do.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearInterval(sweep);
      clearTimeout(deadline);
      // A connection closed (by the client, or at the deadline) does not stop its handler: a call in its delivery
      // step goes on, and must be recorded before anything it needs is closed.
      await calls.idle();
    })();
    return accepting;
  };
  return {
    url: `http://${host}:${port}`,
    port,
    core,
    store: core.store,
    get openConnections() {
      return open;
    },
    get callsInFlight() {
      return calls.inFlight;
    },
    get callsEnded() {
      return calls.ended;
    },
    drain() {
      drainState.draining = true;
    },
    stopAccepting,
    shutdown(graceMs) {
      closing ??= stopAccepting(graceMs).then(() => core.store.close());
      return closing;
    },
  };
};
