import { ERRORS } from "@payreq/contracts";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { basic, createTestApp } from "../../test/harness.ts";

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

    it("refuses a sending credential without the v4 scopes", async () => {
      const t = await createTestApp({ store: kind });
      const res = await t.app.request(`/payment/v4/departments/${t.dept}/invoices/x`, {
        headers: { Authorization: t.sender },
      });
      expect(res.status).toBe(403);
    });
  });
});
