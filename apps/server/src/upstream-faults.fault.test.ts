import { ERRORS } from "@payreq/contracts";
import { afterEach, describe, expect, it } from "vitest";
import type { Fault } from "../test/fault-proxy.ts";
import { createModeHarness } from "../test/two-modes.ts";

type Body = { errors: { errorCode: number; errorDescription: string }[]; paymentRequestUuid?: string };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const upstreamHarness = async (options: Parameters<typeof createModeHarness>[1] = {}) => {
  const h = await createModeHarness("upstream", options);
  closers.push(h.close);
  if (!h.upstream) throw new Error("upstream mode has an upstream");
  return { ...h, proxy: h.upstream.proxy };
};

const STEPS = [
  ["order", "/dealer-orders"],
  ["invoice", "/invoices"],
  ["payment-request", "/payment-requests"],
] as const;

const FAULTS: [Fault, number, number][] = [
  ["500", 502, ERRORS.UPSTREAM_UNAVAILABLE.code],
  ["timeout", 504, ERRORS.UPSTREAM_TIMEOUT.code],
  ["drop", 502, ERRORS.UPSTREAM_UNAVAILABLE.code],
  ["lose-answer", 502, ERRORS.UPSTREAM_UNAVAILABLE.code],
];

describe("upstream faults, step by step", { timeout: 30_000 }, () => {
  describe.each(STEPS)("the %s step", (step, path) => {
    it.each(FAULTS)(
      "answers a %s with its status and code, and a retry with the key completes exactly once",
      async (fault, status, code) => {
        const h = await upstreamHarness();
        const body = h.body();
        h.proxy.inject(path, fault);
        const failed = await h.post(body, { "Idempotency-Key": `fault-${step}-${fault}` });
        expect(failed.status).toBe(status);
        const envelope = (await failed.json()) as Body;
        expect(envelope.errors[0]?.errorCode).toBe(code);
        expect(envelope.errors[0]?.errorDescription).toContain(`The ${step} step`);

        const retry = await h.post(body, { "Idempotency-Key": `fault-${step}-${fault}` });
        expect(retry.status).toBe(200);
        expect(
          await h.count("select count(*) as n from dealer_orders where order_number = ?", body.orderNumber),
        ).toBe(1);
        expect(await h.count("select count(*) as n from invoices")).toBe(1);
        expect(await h.count("select count(*) as n from payment_requests")).toBe(1);
        expect(
          await h.count(
            "select max(n) as n from (select count(*) as n from outbox group by payment_request_uuid, channel)",
          ),
        ).toBe(1);
        const requests = h.proxy.seen.filter((s) => s.path.endsWith("/payment-requests"));
        expect(new Set(requests.map((r) => r.idempotencyKey)).size).toBe(1);
      },
    );
  });

  it("retries a failed call that is safe to repeat, with backoff, and succeeds without the caller noticing", async () => {
    const h = await upstreamHarness({ retries: 2 });
    h.proxy.inject("/invoices", "500", 2);
    const res = await h.post(h.body());
    expect(res.status).toBe(200);
    expect(h.proxy.seen.filter((s) => s.path.endsWith("/invoices"))).toHaveLength(3);
    expect(await h.count("select count(*) as n from invoices")).toBe(1);
  });

  it("never sends the payment request call without its idempotency key, so no retry is blind", async () => {
    const h = await upstreamHarness({ retries: 2 });
    h.proxy.inject("/payment-requests", "lose-answer", 2);
    const res = await h.post(h.body());
    expect(res.status).toBe(200);
    const calls = h.proxy.seen.filter((s) => s.path.endsWith("/payment-requests"));
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.idempotencyKey && c.idempotencyKey === calls[0]?.idempotencyKey)).toBe(true);
    expect(await h.count("select count(*) as n from payment_requests")).toBe(1);
    expect(await h.count("select count(*) as n from outbox")).toBe(2);
  });
});

describe("an aggregator in upstream mode", () => {
  it("serves no v4 endpoints of its own: it is not the platform", async () => {
    const h = await upstreamHarness();
    expect((await h.app.request(`/payment/v4/departments/${h.dept}`)).status).toBe(404);
    expect((await h.upstream?.server.core.deps.platform.getDepartment(h.dept))?.uuid).toBe(h.dept);
  });
});

describe("circuit breaker", () => {
  it("opens after repeated failures, fails fast without calling upstream, and closes again after the cool-down", async () => {
    let now = Date.parse("2026-11-24T12:00:00Z");
    const clock = { now: () => now };
    const h = await upstreamHarness({ clock, breakerThreshold: 3, breakerCoolDownMs: 10_000 });
    h.proxy.inject("/v4/departments", "500", 3);
    for (let i = 0; i < 3; i++) expect((await h.post(h.body())).status).toBe(502);
    const before = h.proxy.seen.length;
    const fast = await h.post(h.body());
    expect(fast.status).toBe(502);
    expect(((await fast.json()) as Body).errors[0]?.errorCode).toBe(ERRORS.UPSTREAM_CIRCUIT_OPEN.code);
    expect(h.proxy.seen.length).toBe(before);
    now += 10_001;
    const recovered = await h.post(h.body());
    expect(recovered.status).toBe(200);
    expect((await h.post(h.body())).status).toBe(200);
  });
});
