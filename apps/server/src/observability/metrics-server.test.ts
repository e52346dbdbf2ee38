import { afterEach, describe, expect, it } from "vitest";
import { createTestApp } from "../../test/harness.ts";
import { seriesValue } from "../../test/metrics-text.ts";
import { type RunningServer, startServer } from "../server.ts";
import { type MetricsServer, startMetricsServer } from "./metrics-server.ts";

describe("the metrics listener", () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  const start = async () => {
    const t = await createTestApp({ metrics: true });
    const api: RunningServer = await startServer(t, { host: "127.0.0.1", port: 0 }, { metrics: t.metrics });
    stops.push(() => api.shutdown(100));
    const metrics: MetricsServer = await startMetricsServer(t.metrics, { host: "127.0.0.1", port: 0 });
    stops.push(() => metrics.close());
    return { t, api, metrics };
  };

  it("serves /metrics on its own free port in Prometheus's text format, while the API's port does not", async () => {
    const { t, api, metrics } = await start();
    expect(metrics.port).toBeGreaterThan(0);
    expect(metrics.port).not.toBe(api.port);
    expect(metrics.url).toBe(`http://127.0.0.1:${metrics.port}/metrics`);

    const call = await fetch(`${api.url}${t.sendPath()}`, {
      method: "POST",
      headers: { Authorization: t.sender, "Content-Type": "application/json" },
      body: JSON.stringify(t.body()),
    });
    expect(call.status).toBe(200);
    const scrape = await fetch(metrics.url);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scrape.text();
    expect(seriesValue(text, "payreq_send_requests_total", { outcome: "SUCCESS" })).toBe(1);

    const onApi = await fetch(`${api.url}/metrics`);
    expect(onApi.status).toBe(404);
    expect(await onApi.text()).not.toContain("payreq_");
  });

  it("answers nothing but GET or HEAD /metrics", async () => {
    const { metrics } = await start();
    const base = metrics.url.replace(/\/metrics$/, "");
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics/../healthz`)).status).toBe(404);
    const post = await fetch(metrics.url, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    const head = await fetch(metrics.url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("refuses to start on a port in use, naming the setting", async () => {
    const { t, metrics } = await start();
    await expect(startMetricsServer(t.metrics, { host: "127.0.0.1", port: metrics.port })).rejects.toThrow(
      /PAYREQ_METRICS_PORT.*EADDRINUSE/,
    );
  });
});
