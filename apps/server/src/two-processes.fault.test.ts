import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@payreq/core";
import { createTestCore } from "@payreq/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../test/server-process.ts";

describe("two payreq serve processes on one database file", { timeout: 120_000 }, () => {
  const processes: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop("SIGKILL")));
  });

  it("serve concurrently without a 5xx, one order per number and one open invoice per order", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "payreq-two-")), "shared.db");
    const seeded = await createTestCore({ path });
    const { sunriseSender } = seeded.demo.credentials;
    const dept = seeded.demo.ids.departments.sunrise;
    const customer = seeded.demo.ids.customers.sunriseFull;
    await seeded.database.close();

    processes.push(
      ...(await Promise.all([
        startServerProcess({ PAYREQ_DATABASE: path }),
        startServerProcess({ PAYREQ_DATABASE: path }),
      ])),
    );
    const auth = `Basic ${Buffer.from(`${sunriseSender.username}:${sunriseSender.password}`).toString("base64")}`;
    const orderNumbers = Array.from({ length: 25 }, (_, i) => `RO-TWO-${i}`);
    const calls = Array.from({ length: 300 }, (_, i) => ({
      server: processes[i % 2]!,
      orderNumber: orderNumbers[i % orderNumbers.length]!,
    }));

    const statuses: number[] = [];
    const queue = [...calls];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let call = queue.shift(); call; call = queue.shift()) {
          const res = await fetch(
            `${call.server.url}/payment/aggregator/v1/departments/${dept}/payment-requests`,
            {
              method: "POST",
              headers: { Authorization: auth, "Content-Type": "application/json" },
              body: JSON.stringify({
                amount: 50,
                orderNumber: call.orderNumber,
                orderType: "RO",
                customerUuid: customer,
                sendAsText: true,
              }),
            },
          );
          statuses.push(res.status);
          await res.arrayBuffer();
        }
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    const database = openDatabase(path);
    const perNumber = database.sqlite
      .prepare("select order_number, count(*) as n from dealer_orders group by order_type, order_number")
      .all() as { n: number }[];
    expect(perNumber).toHaveLength(orderNumbers.length);
    expect(perNumber.every((row) => row.n === 1)).toBe(true);
    const openPerOrder = database.sqlite
      .prepare("select order_uuid, count(*) as n from invoices where status = 'OPEN' group by order_uuid")
      .all() as { n: number }[];
    expect(openPerOrder).toHaveLength(orderNumbers.length);
    expect(openPerOrder.every((row) => row.n === 1)).toBe(true);
    expect(database.sqlite.prepare("select count(*) as n from payment_requests").get()).toEqual({
      n: calls.length,
    });
    const served = database.sqlite
      .prepare("select count(*) as n from audit_log where http_status = 200")
      .get();
    expect(served).toEqual({ n: calls.length });
    await database.close();
  });
});
