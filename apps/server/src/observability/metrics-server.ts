import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServiceMetrics } from "./service-metrics.ts";

export type MetricsServer = { url: string; port: number; close(): Promise<void> };

/**
 * `GET /metrics` on a listener of its own, loopback by default, apart from the API: the series describe the
 * service's traffic and are for whoever can reach that address (a Prometheus on the host or a private network),
 * never for the API's callers. Port 0 picks a free one; `url` names it.
 */
export const startMetricsServer = async (
  metrics: ServiceMetrics,
  listen: { host: string; port: number },
): Promise<MetricsServer> => {
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found: the metrics are at /metrics\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain" }).end("method not allowed\n");
      return;
    }
    try {
      const body = await metrics.exposition();
      res.writeHead(200, { "Content-Type": metrics.contentType, "Cache-Control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(500, { "Content-Type": "text/plain" }).end("metrics unavailable\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) =>
      reject(
        new Error(
          `cannot serve /metrics on ${listen.host}:${listen.port} (PAYREQ_METRICS_HOST, PAYREQ_METRICS_PORT): ${error.message}`,
        ),
      );
    server.once("error", failed);
    server.listen(listen.port, listen.host, () => {
      server.off("error", failed);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host.includes(":") ? `[${listen.host}]` : listen.host;
  return {
    url: `http://${host}:${port}/metrics`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Prometheus keeps its scrape connection open; it must not hold the shutdown.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
