import { ERRORS } from "@payreq/contracts";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { basic, createTestApp } from "../../test/harness.ts";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** The v4 endpoints as the aggregator credential calls them. */
const v4Caller = (t: TestApp) => {
  const { aggregator } = t.demo.credentials;
  const auth = basic(aggregator.username, aggregator.password);
  const post = (path: string, body: unknown, key?: string) =>
    t.app.request(`/payment/v4/departments/${t.dept}${path}`, {
      method: "POST",
      headers: {
        Authorization: auth,
        "Content-Type": "application/json",
        ...(key ? { "Idempotency-Key": key } : {}),
      },
      body: JSON.stringify(body),
    });
  return {
    /** A new order with an open invoice; its guid. */
    openInvoice: async (orderNumber: string) => {
      const order = (await (
        await post("/dealer-orders", {
          orderNumber,
          orderType: "RO",
          customerUuid: t.demo.ids.customers.sunriseFull,
          amount: 40,
        })
      ).json()) as { dealerOrder: { dealerOrderUuid: string } };
      const invoice = (await (
        await post("/invoices", { amount: 40, orderUuid: order.dealerOrder.dealerOrderUuid })
      ).json()) as { invoice: { guid: string } };
      return invoice.invoice.guid;
    },
    send: (body: unknown, key?: string) => post("/payment-requests", body, key),
  };
};

describe.each(TEST_STORES)("on %s", (kind) => {
  describe("v4 endpoints served by the embedded backend", () => {
    it("find, create and read orders and invoices, with one audit row per call", async () => {
      const t = await createTestApp({ store: kind });
      const { aggregator } = t.demo.credentials;
      const auth = basic(aggregator.username, aggregator.password);
      const base = `/payment/v4/departments/${t.dept}`;
      const call = (method: string, path: string, body?: unknown) =>
        t.app.request(`${base}${path}`, {
          method,
          headers: { Authorization: auth, ...(body ? { "Content-Type": "application/json" } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
      const before = (await t.auditRows()).length;
      const department = await call("GET", "");
      expect(await department.json()).toMatchObject({
        department: { departmentUuid: t.dept, dealerName: "Sunrise Motors" },
      });
      expect((await call("GET", "/dealer-orders?orderType=RO&orderNumber=RO-V4")).status).toBe(404);
      const created = (await (
        await call("POST", "/dealer-orders", {
          orderNumber: "RO-V4",
          orderType: "RO",
          customerUuid: t.demo.ids.customers.sunriseFull,
          amount: 20,
        })
      ).json()) as { created: boolean; dealerOrder: { dealerOrderUuid: string } };
      expect(created.created).toBe(true);
      const uuid = created.dealerOrder.dealerOrderUuid;
      expect(await (await call("GET", "/dealer-orders?orderType=RO&orderNumber=RO-V4")).json()).toMatchObject(
        {
          dealerOrder: { dealerOrderUuid: uuid },
        },
      );
      expect(await (await call("GET", `/dealer-orders/${uuid}`)).json()).toMatchObject({
        dealerOrder: { orderNumber: "RO-V4" },
      });
      expect((await call("GET", `/dealer-orders/${uuid}/open-invoice`)).status).toBe(404);
      const invoice = (await (await call("POST", "/invoices", { amount: 20, orderUuid: uuid })).json()) as {
        invoice: { guid: string };
      };
      expect(await (await call("GET", `/dealer-orders/${uuid}/open-invoice`)).json()).toMatchObject({
        invoice: { guid: invoice.invoice.guid },
      });
      expect(await (await call("GET", `/invoices/${invoice.invoice.guid}`)).json()).toMatchObject({
        invoice: { amount: 20, invoiceStatus: "OPEN" },
      });
      const foreignDealer = await call("POST", "/invoices", {
        amount: 20,
        orderUuid: uuid,
        dealerUuid: t.demo.ids.dealers.harbor,
      });
      expect(((await foreignDealer.json()) as { errors: { errorCode: number }[] }).errors[0]?.errorCode).toBe(
        ERRORS.INVALID_DEALER_TOKEN.code,
      );
      const rows = (await t.auditRows()).slice(before);
      expect(rows).toHaveLength(10);
      expect(new Set(rows.map((r) => r.request_id)).size).toBe(10);
      expect(rows.map((r) => r.operation)).toContain("v4.dealer-orders.find");
      expect(rows.map((r) => r.operation)).toContain("v4.dealer-orders");
    });

    it("sends a payment request for an open invoice through the send pipeline: its audit row has its steps", async () => {
      const t = await createTestApp({ store: kind });
      const v4 = v4Caller(t);
      const invoiceGuid = await v4.openInvoice("RO-V4-SEND");
      const res = await v4.send({ invoiceGuid, sendAsText: true, sendAsEmail: true }, "v4-send-1");
      expect(res.status).toBe(200);
      const body = (await res.json()) as { paymentRequestGuid: string; textSent: string; emailSent: string };
      expect(body).toMatchObject({ textSent: "SUCCESS", emailSent: "SUCCESS" });
      const row = (await t.auditRows()).at(-1);
      expect(row).toMatchObject({
        operation: "v4.payment-requests",
        http_status: 200,
        invoice_uuid: invoiceGuid,
        payment_request_uuid: body.paymentRequestGuid,
        text_sent: "SUCCESS",
        email_sent: "SUCCESS",
        idempotency_key: "v4-send-1",
      });
      const steps = (JSON.parse(String(row?.timeline)) as { step: string; result: string }[]).map(
        (s) => `${s.step} ${s.result}`,
      );
      expect(steps).toEqual(["department ok", "invoice ok", "payment-request ok", "delivery ok"]);
      // The same key replays the first answer: no second payment request, no second message.
      const replay = await v4.send({ invoiceGuid, sendAsText: true, sendAsEmail: true }, "v4-send-1");
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(((await replay.json()) as { paymentRequestGuid: string }).paymentRequestGuid).toBe(
        body.paymentRequestGuid,
      );
      const outbox = await t.store.sql.all("select uuid from outbox where payment_request_uuid = ?", [
        body.paymentRequestGuid,
      ]);
      expect(outbox).toHaveLength(2);
    });

    it("stores a keyed refusal of the invoice's step as the key's answer, as Send Payment Request does", async () => {
      const t = await createTestApp({ store: kind });
      const v4 = v4Caller(t);
      const res = await v4.send({ invoiceGuid: "no-such-invoice", sendAsText: true }, "v4-send-missing");
      expect(res.status).toBe(404);
      const errors = ((await res.json()) as { errors: { errorCode: number }[] }).errors;
      expect(errors[0]?.errorCode).toBe(ERRORS.INVOICE_NOT_FOUND.code);
      const [key] = await t.store.sql.all<{ state: string; response_status: number }>(
        "select state, response_status from idempotency_keys where key = ?",
        ["v4-send-missing"],
      );
      expect(key).toEqual({ state: "finished", response_status: 404 });
      const again = await v4.send({ invoiceGuid: "no-such-invoice", sendAsText: true }, "v4-send-missing");
      expect(again.status).toBe(404);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      const row = (await t.auditRows()).at(-2);
      expect(row).toMatchObject({
        operation: "v4.payment-requests",
        http_status: 404,
        invoice_uuid: "no-such-invoice",
      });
      expect((JSON.parse(String(row?.timeline)) as { step: string; result: string }[]).at(-1)).toMatchObject({
        step: "invoice",
        result: `error ${ERRORS.INVOICE_NOT_FOUND.code}`,
      });
    });

    it("refuses a sending credential without the v4 scopes", async () => {
      const t = await createTestApp({ store: kind });
      const res = await t.app.request(`/payment/v4/departments/${t.dept}/invoices/x`, {
        headers: { Authorization: t.sender },
      });
      expect(res.status).toBe(403);
    });
  });
});
