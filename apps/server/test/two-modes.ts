import type { SqlParam } from "@payreq/core";
import { type Clock, createUpstreamPlatform, type UpstreamSettings } from "@payreq/core";
import { createTestCore } from "@payreq/core/testing";
import { createApp } from "../src/app.ts";
import { disabledMetrics, type ServiceMetrics } from "../src/observability/service-metrics.ts";
import { type RunningServer, startServer } from "../src/server.ts";
import { startFaultProxy } from "./fault-proxy.ts";
import { basic, sunriseBody } from "./harness.ts";

export type Mode = "embedded" | "upstream";

/**
 * The service as a caller sees it, in either mode: embedded (one core), or upstream (an aggregator core whose
 * backend is the HTTP client, talking through a fault proxy to a second, embedded service on a real port).
 */
export const createModeHarness = async (
  mode: Mode,
  upstreamOptions: Partial<UpstreamSettings> & { clock?: Clock; metrics?: ServiceMetrics } = {},
) => {
  const { metrics = disabledMetrics, clock: givenClock, ...settings } = upstreamOptions;
  const measured = metrics.enabled ? { metrics: metrics.core } : {};
  let upstream:
    | {
        server: RunningServer;
        core: Awaited<ReturnType<typeof createTestCore>>;
        proxy: Awaited<ReturnType<typeof startFaultProxy>>;
      }
    | undefined;
  let core: Awaited<ReturnType<typeof createTestCore>>;
  if (mode === "embedded") {
    core = await createTestCore(measured);
    metrics.watch(core);
  } else {
    const upstreamCore = await createTestCore();
    const server = await startServer(upstreamCore, { host: "127.0.0.1", port: 0 });
    const proxy = await startFaultProxy(server.url);
    const { aggregator } = upstreamCore.demo.credentials;
    const clock = givenClock ?? { now: Date.now };
    const platform = createUpstreamPlatform(
      {
        baseUrl: proxy.url,
        username: aggregator.username,
        password: aggregator.password,
        timeoutMs: 1000,
        retries: 0,
        ...settings,
      },
      clock,
      metrics.core,
    );
    core = await createTestCore({ clock, platform, ...measured });
    metrics.watch(core, platform.circuitState);
    upstream = { server, core: upstreamCore, proxy };
  }
  const app = createApp({ core, metrics });
  const { sunriseSender } = core.demo.credentials;
  const dept = core.demo.ids.departments.sunrise;
  const post = (
    body: unknown,
    headers: Record<string, string> = {},
    department: string = dept,
    auth = basic(sunriseSender.username, sunriseSender.password),
  ) =>
    app.request(`/payment/aggregator/v1/departments/${department}/payment-requests`, {
      method: "POST",
      headers: { Authorization: auth, "Content-Type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const body = (overrides: Record<string, unknown> = {}) =>
    sunriseBody(core.demo.ids.customers.sunriseFull, overrides);
  /** Where the orders, invoices, payment requests and messages live: the embedded core, or the upstream's. */
  const platform = upstream?.core ?? core;
  const count = async (sql: string, ...params: SqlParam[]) =>
    (await platform.store.sql.get<{ n: number }>(sql, params))?.n ?? 0;
  return {
    mode,
    core,
    app,
    dept,
    post,
    body,
    upstream,
    platform,
    count,
    close: async () => {
      if (upstream) {
        await upstream.proxy.close();
        await upstream.server.shutdown(100);
      }
    },
  };
};
