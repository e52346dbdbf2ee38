import { verifyAuditChain } from "@payreq/core";
import { startSmsProvider } from "@payreq/core/testing/providers";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { seededDatabase } from "../test/seeded-database.ts";
import { type ServerProcess, startServerProcess } from "../test/server-process.ts";

/**
 * Several `payreq serve` processes on one database behave as one service: SQLite allows several processes on one
 * host and one file, PostgreSQL any number of instances (here three, as behind a load balancer).
 */
describe.each(TEST_STORES)("payreq serve instances on one %s database", { timeout: 120_000 }, (kind) => {
  const count = kind === "sqlite" ? 2 : 3;
  const processes: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop("SIGKILL")));
  });

  it(`serve 300 concurrent calls over ${count} processes: no 5xx, one order per number, one open invoice per order`, async () => {
    const seeded = await seededDatabase(kind);
    const dept = seeded.demo.ids.departments.sunrise;
    const customer = seeded.demo.ids.customers.sunriseFull;
    const sms = await startSmsProvider("ACinst", "inst-token");
    onTestFinished(() => sms.close());
    const env = {
      ...seeded.env,
      PAYREQ_SMS_URL: sms.url,
      PAYREQ_SMS_ACCOUNT_SID: "ACinst",
      PAYREQ_SMS_AUTH_TOKEN: "inst-token",
      PAYREQ_SMS_FROM: "+13125550000",
    };
    const instances = await Promise.all(Array.from({ length: count }, () => startServerProcess(env)));
    processes.push(...instances);
    const send = (server: ServerProcess, body: Record<string, unknown>, key?: string) =>
      fetch(`${server.url}/payment/aggregator/v1/departments/${dept}/payment-requests`, {
        method: "POST",
        headers: {
          Authorization: seeded.auth,
          "Content-Type": "application/json",
          ...(key ? { "Idempotency-Key": key } : {}),
        },
        body: JSON.stringify(body),
      });

    const orderNumbers = Array.from({ length: 25 }, (_, i) => `RO-INST-${i}`);
    const calls = Array.from({ length: 300 }, (_, i) => ({
      server: instances[i % count]!,
      orderNumber: orderNumbers[i % orderNumbers.length]!,
    }));
    const statuses: number[] = [];
    const queue = [...calls];
    await Promise.all(
      Array.from({ length: 24 }, async () => {
        for (let call = queue.shift(); call; call = queue.shift()) {
          const res = await send(call.server, {
            amount: 50,
            orderNumber: call.orderNumber,
            orderType: "RO",
            customerUuid: customer,
          });
          statuses.push(res.status);
          await res.arrayBuffer();
        }
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    const { sql } = seeded.store;
    const perNumber = await sql.all<{ n: number }>(
      "select order_number, count(*) as n from dealer_orders group by order_type, order_number",
    );
    expect(perNumber).toHaveLength(orderNumbers.length);
    expect(perNumber.every((row) => row.n === 1)).toBe(true);
    const openPerOrder = await sql.all<{ n: number }>(
      "select order_uuid, count(*) as n from invoices where status = 'OPEN' group by order_uuid",
    );
    expect(openPerOrder).toHaveLength(orderNumbers.length);
    expect(openPerOrder.every((row) => row.n === 1)).toBe(true);
    expect(await sql.get("select count(*) as n from payment_requests")).toEqual({ n: calls.length });
    expect(await sql.get("select count(*) as n from audit_log where http_status = 200")).toEqual({
      n: calls.length,
    });

    // The same Idempotency-Key sent to two instances at once: one payment request and one text; the other
    // answer is 409 (still running) or the replay, and a later retry replays the one result.
    const keys = Array.from({ length: 20 }, (_, i) => `race-${i}`);
    const raced = await Promise.all(
      keys.map(async (key, i) => {
        const body = {
          amount: 20,
          orderNumber: `RO-RACE-${i}`,
          orderType: "RO",
          customerUuid: customer,
          sendAsText: true,
        };
        const pair = [instances[i % count]!, instances[(i + 1) % count]!];
        const answers = await Promise.all(pair.map((server) => send(server, body, key)));
        const bodies = await Promise.all(
          answers.map((a) => a.json() as Promise<{ paymentRequestUuid?: string }>),
        );
        const later = (await (await send(pair[1]!, body, key)).json()) as {
          paymentRequestUuid: string;
          paymentUrl: string;
        };
        return { statuses: answers.map((a) => a.status), bodies, later };
      }),
    );
    // Started with PORT=0, each instance's links name the port it got, not 0.
    expect(raced[0]?.later.paymentUrl).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*\/pay\/[A-Za-z0-9_-]{64}$/);
    for (const race of raced) {
      expect(race.statuses).toContain(200);
      for (const status of race.statuses) expect([200, 409]).toContain(status);
      const winners = race.bodies.filter((b) => b.paymentRequestUuid).map((b) => b.paymentRequestUuid);
      expect(new Set([...winners, race.later.paymentRequestUuid]).size).toBe(1);
    }
    expect(
      await sql.get(
        "select count(*) as n from payment_requests where request_id in (select first_request_id from idempotency_keys)",
      ),
    ).toEqual({
      n: keys.length,
    });
    const textsPerLink = new Map<string, number>();
    for (const request of sms.requests) {
      const link = /\/pay\/[A-Za-z0-9_-]{64}/.exec(request.form.get("Body") ?? "")?.[0] ?? "?";
      textsPerLink.set(link, (textsPerLink.get(link) ?? 0) + 1);
    }
    expect(sms.requests).toHaveLength(keys.length);
    expect([...textsPerLink.values()].every((n) => n === 1)).toBe(true);
    expect(await verifyAuditChain(sql)).toMatchObject({ ok: true });
  });
});
