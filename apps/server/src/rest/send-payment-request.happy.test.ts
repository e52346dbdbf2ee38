import { PUBLISHED_RESPONSE_FIELDS, SendPaymentRequestResponse } from "@payreq/contracts";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { createTestApp, PUBLISHED_EXAMPLE } from "../../test/harness.ts";

describe.each(TEST_STORES)("on %s", (kind) => {
  describe("REST: POST /payment/aggregator/v1/departments/{departmentUuid}/payment-requests", () => {
    it("answers the published example (with real identifiers in its placeholders) with 200 and a payment URL", async () => {
      const t = await createTestApp({ store: kind });
      const order = t.body();
      const created = (await (await t.post(order)).json()) as SendPaymentRequestResponse;
      const { ids } = t.demo;
      const res = await t.post({
        ...PUBLISHED_EXAMPLE,
        dealerUuid: ids.dealers.sunrise,
        orderUuid: created.orderUuid,
        customerUuid: ids.customers.sunriseFull,
        dealerAssociateDepartmentUuid: t.dept,
        dealerAssociateUuid: ids.associates.sunrise.uuid,
        dealerAssociateUserUuid: ids.associates.sunrise.userUuid,
        orderNumber: order.orderNumber,
        orderType: order.orderType,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await res.json()) as Record<string, unknown>;
      expect(SendPaymentRequestResponse.parse(body)).toBeTruthy();
      for (const field of PUBLISHED_RESPONSE_FIELDS) expect(body).toHaveProperty(field);
      expect(body.errors).toEqual([]);
      expect(body.paymentUrl).toMatch(/^https:\/\/pay\.example\.test\/p\/[A-Za-z0-9_-]{64}$/);
      expect(body.textSent).toBe("SUCCESS");
      expect(body.emailSent).toBe("SUCCESS");
      expect(body.requestId).toBe(res.headers.get("x-request-id"));
    });

    it("keeps the published field types: arrays, a string URL, SUCCESS/FAILURE strings", async () => {
      const t = await createTestApp({ store: kind });
      const res = await t.post(t.body({ customerUuid: t.demo.ids.customers.sunriseEmailOnly }));
      const body = (await res.json()) as Record<string, unknown>;
      expect(Array.isArray(body.errors)).toBe(true);
      expect(Array.isArray(body.warnings)).toBe(true);
      expect(typeof body.paymentUrl).toBe("string");
      expect(body.textSent).toBe("FAILURE");
      const [warning] = body.warnings as Record<string, unknown>[];
      expect(Object.keys(warning ?? {}).sort()).toEqual([
        "warningCode",
        "warningDescription",
        "warningMessage",
        "warningTitle",
      ]);
      expect(Number.isInteger(warning?.warningCode)).toBe(true);
    });

    it("omits textSent and emailSent when neither channel is asked for", async () => {
      const t = await createTestApp({ store: kind });
      const res = await t.post(t.body({ sendAsText: false, sendAsEmail: false }));
      const body = (await res.json()) as Record<string, unknown>;
      expect(res.status).toBe(200);
      expect(body).not.toHaveProperty("textSent");
      expect(body).not.toHaveProperty("emailSent");
    });

    it("gives every call its own request id, even when a caller resends its own X-Request-Id", async () => {
      const t = await createTestApp({ store: kind });
      const first = await t.post(t.body(), { headers: { "X-Request-Id": "caller-id-123" } });
      const second = await t.post(t.body(), { headers: { "X-Request-Id": "caller-id-123" } });
      const bad = await t.post(t.body(), { headers: { "X-Request-Id": "caller-id-123" }, auth: null });
      expect([first.status, second.status, bad.status]).toEqual([200, 200, 401]);
      const ids = [first, second, bad].map((r) => r.headers.get("x-request-id"));
      expect(new Set(ids).size).toBe(3);
      expect(ids).not.toContain("caller-id-123");
      expect(((await second.json()) as { requestId: string }).requestId).toBe(ids[1]);
      expect((await t.auditRows()).map((r) => r.request_id)).toEqual(ids);
    });

    it("answers the same call through tRPC with the same response shape", async () => {
      const t = await createTestApp({ store: kind });
      const res = await t.trpc({ departmentUuid: t.dept, ...t.body() });
      expect(res.status).toBe(200);
      const data = ((await res.json()) as { result: { data: unknown } }).result.data;
      expect(SendPaymentRequestResponse.parse(data)).toMatchObject({
        errors: [],
        textSent: "SUCCESS",
        emailSent: "SUCCESS",
      });
      expect(res.headers.get("x-request-id")).toBeTruthy();
      expect((await t.auditRows()).at(-1)).toMatchObject({
        transport: "trpc",
        operation: "paymentRequests.send",
        http_status: 200,
      });
    });
  });

  describe("health and docs", () => {
    it("serves /healthz and /readyz", async () => {
      const t = await createTestApp({ store: kind });
      expect((await t.app.request("/healthz")).status).toBe(200);
      const ready = await t.app.request("/readyz");
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready" });
    });

    it("answers 503 on /readyz once the database is closed", async () => {
      const t = await createTestApp({ store: kind });
      await t.store.close();
      expect((await t.app.request("/readyz")).status).toBe(503);
    });

    it("serves /docs with its assets from this server, not a CDN", async () => {
      const t = await createTestApp({ store: kind });
      const page = await (await t.app.request("/docs")).text();
      const sources = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) {
        expect(source.startsWith("/")).toBe(true);
        expect((await t.app.request(source)).status).toBe(200);
      }
      expect((await t.app.request("/docs/assets/../../package.json")).status).toBe(404);
    });
  });
});
