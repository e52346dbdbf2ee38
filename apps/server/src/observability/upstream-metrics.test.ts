import { afterEach, describe, expect, it } from "vitest";
import { seriesValue } from "../../test/metrics-text.ts";
import { createModeHarness } from "../../test/two-modes.ts";
import { createServiceMetrics } from "./service-metrics.ts";

type Harness = Awaited<ReturnType<typeof createModeHarness>>;

describe("metrics in upstream mode", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("counts the platform's answers, failures, timeouts and retries, and shows the circuit opening", async () => {
    const metrics = createServiceMetrics();
    h = await createModeHarness("upstream", {
      metrics,
      retries: 1,
      timeoutMs: 300,
      breakerThreshold: 2,
      breakerCoolDownMs: 60_000,
    });
    const proxy = h.upstream?.proxy;
    if (!proxy) throw new Error("upstream mode has a proxy");

    expect((await h.post(h.body({ sendAsEmail: false }))).status).toBe(200);
    let text = await metrics.exposition();
    for (const step of ["department", "order", "invoice", "payment-request"]) {
      expect(seriesValue(text, "payreq_upstream_requests_total", { step, result: "ok" }), step).toBe(1);
      expect(seriesValue(text, "payreq_upstream_request_duration_seconds_count", { step }), step).toBe(1);
    }
    expect(seriesValue(text, "payreq_deliveries_total", { channel: "text", provider: "platform" })).toBe(1);
    expect(seriesValue(text, "payreq_upstream_circuit_state", { state: "closed" })).toBe(1);
    expect(seriesValue(text, "payreq_info", { backend: "upstream" })).toBe(1);

    // A timeout, then a retry that succeeds: the caller never notices.
    proxy.inject("dealer-orders", "timeout", 1);
    expect((await h.post(h.body())).status).toBe(200);
    text = await metrics.exposition();
    expect(seriesValue(text, "payreq_upstream_requests_total", { step: "order", result: "timeout" })).toBe(1);
    expect(seriesValue(text, "payreq_upstream_retries_total", { step: "order" })).toBe(1);

    // The platform fails twice in a row: tried, retried, 502, and the second failure opens the circuit.
    proxy.inject("dealer-orders", "500", 2);
    expect((await h.post(h.body())).status).toBe(502);
    text = await metrics.exposition();
    expect(seriesValue(text, "payreq_upstream_requests_total", { step: "order", result: "failed" })).toBe(2);
    expect(seriesValue(text, "payreq_upstream_retries_total", { step: "order" })).toBe(2);
    expect(seriesValue(text, "payreq_send_requests_total", { department: h.dept, outcome: "FAILED" })).toBe(
      1,
    );
    expect(seriesValue(text, "payreq_send_errors_total", { title: "UPSTREAM_UNAVAILABLE" })).toBe(1);
    expect(
      seriesValue(text, "payreq_send_step_duration_seconds_count", { step: "order", result: "error" }),
    ).toBe(1);
    expect(seriesValue(text, "payreq_upstream_circuit_state", { state: "open" })).toBe(1);
    expect(seriesValue(text, "payreq_upstream_circuit_state", { state: "closed" })).toBe(0);

    // While it is open, calls fail fast without reaching the platform.
    expect((await h.post(h.body())).status).toBe(502);
    text = await metrics.exposition();
    expect(
      seriesValue(text, "payreq_upstream_requests_total", { step: "department", result: "circuit_open" }),
    ).toBe(1);
    expect(seriesValue(text, "payreq_send_errors_total", { title: "UPSTREAM_CIRCUIT_OPEN" })).toBe(1);
    // The department could not be looked up, so the failure is not put on any department.
    expect(
      seriesValue(text, "payreq_send_requests_total", { department: "unknown", outcome: "FAILED" }),
    ).toBe(1);
  });
});
