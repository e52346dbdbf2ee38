import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "@payreq/core";
import { createTestCore } from "@payreq/core/testing";
import { describe, expect, it, onTestFinished } from "vitest";
import { startFaultProxy } from "../test/fault-proxy.ts";
import { startServerProcess } from "../test/server-process.ts";

describe("upstream mode across two real processes", { timeout: 60_000 }, () => {
  it("answers like embedded mode, and a retry after a lost answer completes exactly once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "payreq-upstream-"));
    const upstreamSeed = await createTestCore({ store: openSqliteStore(join(dir, "upstream.db")) });
    const { aggregator } = upstreamSeed.demo.credentials;
    await upstreamSeed.store.close();
    const aggregatorSeed = await createTestCore({ store: openSqliteStore(join(dir, "aggregator.db")) });
    const { sunriseSender } = aggregatorSeed.demo.credentials;
    const { departments, customers } = aggregatorSeed.demo.ids;
    await aggregatorSeed.store.close();

    const upstream = await startServerProcess({ PAYREQ_DATABASE: join(dir, "upstream.db") });
    onTestFinished(() => upstream.stop().then(() => undefined));
    const proxy = await startFaultProxy(upstream.url);
    onTestFinished(() => proxy.close());
    const service = await startServerProcess({
      PAYREQ_DATABASE: join(dir, "aggregator.db"),
      PAYREQ_BACKEND: "upstream",
      PAYREQ_UPSTREAM_URL: proxy.url,
      PAYREQ_UPSTREAM_USERNAME: aggregator.username,
      PAYREQ_UPSTREAM_PASSWORD: aggregator.password,
    });
    onTestFinished(() => service.stop().then(() => undefined));
    expect(service.logs.join("\n")).toContain(`"backend":"upstream ${proxy.url}"`);

    const send = (orderNumber: string, key: string) =>
      fetch(`${service.url}/payment/aggregator/v1/departments/${departments.sunrise}/payment-requests`, {
        method: "POST",
        headers: {
          Authorization: `Basic ${Buffer.from(`${sunriseSender.username}:${sunriseSender.password}`).toString("base64")}`,
          "Content-Type": "application/json",
          "Idempotency-Key": key,
        },
        body: JSON.stringify({
          amount: 64.5,
          orderNumber,
          orderType: "RO",
          customerUuid: customers.sunriseFull,
          sendAsText: true,
          sendAsEmail: true,
        }),
      });

    const ok = await send("RO-TWO-PROC-1", "two-proc-1");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      errors: [],
      textSent: "SUCCESS",
      emailSent: "SUCCESS",
      orderCreated: true,
      invoiceCreated: true,
    });

    // The service retries a lost answer twice on its own (with the same key); lose all three.
    proxy.inject("/payment-requests", "lose-answer", 3);
    const lost = await send("RO-TWO-PROC-2", "two-proc-2");
    expect(lost.status).toBe(502);
    const retry = await send("RO-TWO-PROC-2", "two-proc-2");
    expect(retry.status).toBe(200);

    await upstream.stop();
    const platform = openSqliteStore(join(dir, "upstream.db"));
    const count = async (sql: string) => (await platform.sql.get<{ n: number }>(sql))?.n;
    expect(await count("select count(*) as n from dealer_orders")).toBe(2);
    expect(await count("select count(*) as n from invoices")).toBe(2);
    expect(await count("select count(*) as n from payment_requests")).toBe(2);
    expect(await count("select count(*) as n from outbox")).toBe(4);
    await platform.close();
  });
});
