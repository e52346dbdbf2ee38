import { describe, expect, it } from "vitest";
import { count, ordersNumbered, sunriseBody } from "../../test/helpers.ts";
import { openTestStore } from "../../test/test-stores.ts";
import type { Notifier } from "../ports/notifier.ts";
import { createOutboxNotifier } from "../ports/notifier.ts";
import { createTestCore, testMeta } from "../testing.ts";
import { sendPaymentRequest } from "./send-payment-request.ts";

const setup = async (options: Parameters<typeof createTestCore>[0] = {}) => {
  const t = await createTestCore({ ...options, store: await openTestStore("sqlite") });
  const sender = await t.principalOf(t.demo.credentials.sunriseSender);
  const send = (body: unknown, meta = testMeta()) =>
    sendPaymentRequest(t.deps, sender, t.demo.ids.departments.sunrise, body, meta);
  return { ...t, send };
};

const rowCounts = async (t: Awaited<ReturnType<typeof setup>>) => ({
  orders: await count(t.store, "dealer_orders"),
  invoices: await count(t.store, "invoices"),
  paymentRequests: await count(t.store, "payment_requests"),
  outbox: await count(t.store, "outbox"),
  audit: await count(t.store, "audit_log"),
});

describe("a call whose messages only go to the outbox, on SQLite", () => {
  it("is one transaction; a call whose messages leave the process is two", async () => {
    const outbox = await setup();
    const before = outbox.store.stats.transactions;
    expect((await outbox.send(sunriseBody())).status).toBe(200);
    expect(outbox.store.stats.transactions - before).toBe(1);

    // The same outbox, but not known to be one: the payment request is committed before anything is handed over.
    const { recordsOnly: _, ...provider } = createOutboxNotifier({ next: () => "ref" });
    const remote = await setup({ notifier: provider satisfies Notifier });
    const start = remote.store.stats.transactions;
    expect((await remote.send(sunriseBody())).status).toBe(200);
    expect(remote.store.stats.transactions - start).toBe(2);
  });

  it("leaves none of its rows when its audit row cannot be written", async () => {
    const t = await setup();
    const meta = testMeta();
    expect((await t.send(sunriseBody(), meta)).status).toBe(200);
    const before = await rowCounts(t);
    // A second call under the same request id: its audit row breaks the log's unique request id.
    const body = sunriseBody();
    const result = await t.send(body, { ...meta, receivedAt: Date.now() });
    expect(result.status).toBe(500);
    expect(await ordersNumbered(t.store, body.orderNumber)).toHaveLength(0);
    expect(await rowCounts(t)).toEqual(before);
  });

  it("answers and records exactly what the two-transaction path does", async () => {
    const one = await setup();
    const { recordsOnly: _, ...provider } = createOutboxNotifier({ next: () => "ref" });
    const two = await setup({ notifier: provider });
    const body = { ...sunriseBody(), orderNumber: "RO-SAME-1" };
    const [a, b] = [await one.send(body), await two.send(body)];
    const shape = (r: typeof a) => ({
      ...r.body,
      requestId: "-",
      orderUuid: "-",
      invoiceUuid: "-",
      paymentRequestUuid: "-",
      paymentUrl: "-",
    });
    expect(shape(a)).toEqual(shape(b));
    expect(a.timeline.map((s) => [s.step, s.result])).toEqual(b.timeline.map((s) => [s.step, s.result]));
    const outboxOf = (t: typeof one) =>
      t.store.sql.all<Record<string, unknown>>(
        "select channel, status, provider, recipient, subject, length, segments, attachment from outbox order by channel",
      );
    expect(await outboxOf(one)).toEqual(await outboxOf(two));
    const auditOf = (t: typeof one) =>
      t.store.sql.get<Record<string, unknown>>(
        `select outcome, http_status, order_number, order_created, invoice_created, text_sent, email_sent,
           warning_codes, error_codes from audit_log order by seq desc limit 1`,
      );
    expect(await auditOf(one)).toEqual(await auditOf(two));
  });
});
