import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import type { Duplex } from "node:stream";
import { serve } from "@hono/node-server";
import { errorItem } from "@payreq/contracts";
import {
  type Core,
  createCore,
  createHttpBackend,
  createNotifier,
  createUuidV7Generator,
  type Logger,
  openDatabase,
  type PayreqDatabase,
  systemClock,
} from "@payreq/core";
import { createApp } from "./app.ts";
import type { Config } from "./config.ts";

export type RunningServer = {
  url: string;
  port: number;
  core: Core;
  database: PayreqDatabase;
  /** Stops accepting, lets in-flight calls finish (up to `graceMs`), then closes the database. */
  shutdown(graceMs?: number): Promise<void>;
};

export const openConfiguredDatabase = (config: Pick<Config, "databasePath">): PayreqDatabase => {
  if (config.databasePath !== ":memory:") mkdirSync(dirname(config.databasePath), { recursive: true });
  return openDatabase(config.databasePath);
};

/** The core on the configured providers: SMTP and an SMS API where set, the outbox for the rest. */
export const buildCore = (
  config: Config,
  database: PayreqDatabase,
  logger: Logger,
): Core & { close(): void } => {
  const ids = createUuidV7Generator();
  const notifier = createNotifier(
    { smtp: config.smtp && { ...config.smtp, timeoutMs: config.deliveryTimeoutMs }, sms: config.sms },
    ids,
  );
  const clock = systemClock;
  const core = createCore({
    database,
    logger,
    ids,
    clock,
    notifier,
    ...(config.upstream ? { backend: createHttpBackend(config.upstream, clock) } : {}),
    paymentUrls: { baseUrl: config.paymentUrlBase, ttlMs: config.paymentUrlTtlMs },
    deliveryTimeoutMs: config.deliveryTimeoutMs,
  });
  return { ...core, close: () => notifier.close() };
};

/**
 * Requests Node's HTTP parser refuses before the app sees them (conflicting or understated Content-Length, bad
 * chunking, headers over 16 KiB) still get the published envelope, then the connection is closed.
 */
const answerClientError = (error: NodeJS.ErrnoException, socket: Duplex, logger: Logger) => {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const name = tooLarge ? "HEADERS_TOO_LARGE" : "MALFORMED_HTTP_REQUEST";
  const body = JSON.stringify({ errors: [errorItem(name)], warnings: [] });
  const status = tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request";
  logger.warn("malformed http request", { code: error.code ?? "unknown" });
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
};

/** Listens on the configured host and port; port 0 picks a free one. */
export const startServer = async (
  core: Core,
  config: Pick<Config, "host" | "port">,
): Promise<RunningServer> => {
  const app = createApp({ core });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () =>
      resolve(s as Server),
    );
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket) =>
    answerClientError(error, socket, core.deps.logger),
  );
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    core,
    database: core.deps.database,
    shutdown(graceMs = 10_000) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive connections become idle once their call is answered; close them as they do.
        const sweep = setInterval(() => server.closeIdleConnections(), 25);
        const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
        await closed;
        clearInterval(sweep);
        clearTimeout(deadline);
        await core.deps.database.close();
      })();
      return closing;
    },
  };
};
