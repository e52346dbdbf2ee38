import { ERRORS, Scopes } from "@payreq/contracts";
import type { Notifier } from "@payreq/core";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { basic, createTestApp } from "../../test/harness.ts";
import { labelValues, seriesValue } from "../../test/metrics-text.ts";
import { SEND_PATH } from "../rest/send-payment-request-route.ts";

const SEND_ROUTE = { route: SEND_PATH, method: "POST" };

/** A provider that refuses every text and accepts every email, as a real SMS account out of credit would. */
const refusingTexts: Notifier = {
  sendText: async () => {
    throw new Error("account suspended");
  },
  sendEmail: async () => ({ provider: "smtp", providerRef: "m-1" }),
  providers: { text: "sms", email: "smtp" },
};

describe.each(TEST_STORES)("metrics as calls happen, on %s", (store) => {
  it("counts a successful send: request, outcome by department, steps, deliveries, audit row, group commit", async () => {
    const t = await createTestApp({ store, metrics: true });
    const before = await t.scrape();
    expect(seriesValue(before, "payreq_send_requests_total")).toBe(0);

    const response = await t.post(t.body());
    expect(response.status).toBe(200);
    const after = await t.scrape();

    expect(seriesValue(after, "payreq_http_requests_total", { ...SEND_ROUTE, status: "200" })).toBe(1);
    expect(seriesValue(after, "payreq_http_request_duration_seconds_count", SEND_ROUTE)).toBe(1);
    expect(
      seriesValue(after, "payreq_send_requests_total", {
        transport: "rest",
        department: t.dept,
        outcome: "SUCCESS",
      }),
    ).toBe(1);
    expect(seriesValue(after, "payreq_send_duration_seconds_count", { outcome: "SUCCESS" })).toBe(1);
    for (const step of ["department", "order", "invoice", "payment-request", "delivery"]) {
      expect(
        seriesValue(after, "payreq_send_step_duration_seconds_count", { step, result: "ok" }),
        step,
      ).toBe(1);
    }
    expect(
      seriesValue(after, "payreq_deliveries_total", {
        channel: "text",
        provider: "outbox",
        result: "SUCCESS",
      }),
    ).toBe(1);
    expect(
      seriesValue(after, "payreq_deliveries_total", {
        channel: "email",
        provider: "outbox",
        result: "SUCCESS",
      }),
    ).toBe(1);
    expect(seriesValue(after, "payreq_logins_total", { result: "ok" })).toBe(1);
    expect(seriesValue(after, "payreq_audit_rows_written_total", { outcome: "SUCCESS" })).toBe(1);
    // The store's own counts: the call's grouped commit shows in the batch histogram.
    expect(seriesValue(after, "payreq_group_commit_batch_size_count")).toBeGreaterThan(
      seriesValue(before, "payreq_group_commit_batch_size_count"),
    );
    expect(seriesValue(after, "payreq_group_commit_duration_seconds_count")).toBe(
      seriesValue(after, "payreq_group_commit_batch_size_count"),
    );
    expect(seriesValue(after, "payreq_store_transactions_total")).toBeGreaterThan(
      seriesValue(before, "payreq_store_transactions_total"),
    );
    expect(seriesValue(after, "payreq_info", { store: t.store.dialect, backend: "embedded" })).toBe(1);
    // Node's default process metrics are there too.
    expect(seriesValue(after, "process_cpu_seconds_total")).toBeGreaterThan(0);
  });

  it("counts refused calls: a wrong password, a body error, another department's scope, an unknown route", async () => {
    const t = await createTestApp({ store, metrics: true });
    expect((await t.post(t.body(), { auth: basic("sunrise-sender", "not-the-password") })).status).toBe(401);
    expect((await t.post(t.body(), { auth: null })).status).toBe(401);
    expect((await t.post(t.body({ amount: "lots" }))).status).toBe(400);
    expect((await t.post(t.body(), { department: t.demo.ids.departments.harbor })).status).toBe(403);
    expect((await t.app.request("/payment/aggregator/v1/no-such-thing")).status).toBe(404);
    const text = await t.scrape();

    expect(seriesValue(text, "payreq_logins_total", { result: "wrong" })).toBe(1);
    expect(seriesValue(text, "payreq_logins_total", { result: "missing" })).toBe(1);
    expect(seriesValue(text, "payreq_http_requests_total", { ...SEND_ROUTE, status: "401" })).toBe(2);
    expect(seriesValue(text, "payreq_http_requests_total", { route: "unmatched", status: "404" })).toBe(1);
    // Refused before the department was looked up: counted, never under the department asked for.
    expect(
      seriesValue(text, "payreq_send_requests_total", { department: "unknown", outcome: "REJECTED" }),
    ).toBe(2);
    expect(labelValues(text, "payreq_send_requests_total", "department")).toEqual(["unknown"]);
    expect(
      seriesValue(text, "payreq_send_errors_total", { code: String(ERRORS.INVALID_REQUEST_DATA.code) }),
    ).toBe(1);
    expect(seriesValue(text, "payreq_send_errors_total", { title: "INVALID_SCOPE_DEPARTMENT" })).toBe(1);
    // Every API call is audited, the refused ones included (two 401s by the HTTP layer, 400 and 403 by core).
    const rows = await t.auditRows();
    expect(rows).toHaveLength(4);
    expect(seriesValue(text, "payreq_audit_rows_written_total", { outcome: "REJECTED" })).toBe(rows.length);
  });

  it("labels only departments that exist, so invented ids create no series", async () => {
    const t = await createTestApp({ store, metrics: true });
    await t.credentials.add("everywhere", "a-long-enough-password");
    await t.credentials.grant("everywhere", Scopes.sendPaymentRequest, "*");
    const auth = basic("everywhere", "a-long-enough-password");
    for (const invented of ["nope-1", "nope-2", "nope-3"]) {
      expect((await t.post(t.body(), { auth, department: invented })).status).toBe(404);
    }
    expect((await t.post(t.body(), { auth })).status).toBe(200);
    const text = await t.scrape();
    expect(labelValues(text, "payreq_send_requests_total", "department").sort()).toEqual(
      [t.dept, "unknown"].sort(),
    );
    expect(
      seriesValue(text, "payreq_send_requests_total", { department: "unknown", outcome: "REJECTED" }),
    ).toBe(3);
    expect(seriesValue(text, "payreq_send_errors_total", { title: "INVALID_DEPARTMENT_TOKEN" })).toBe(3);
  });

  it("counts idempotency replays and keys reused for another request", async () => {
    const t = await createTestApp({ store, metrics: true });
    const headers = { "Idempotency-Key": "metrics-key-1" };
    const body = t.body();
    expect((await t.post(body, { headers })).status).toBe(200);
    expect((await t.post(body, { headers })).status).toBe(200);
    expect((await t.post({ ...body, amount: 99 }, { headers })).status).toBe(422);
    const text = await t.scrape();
    expect(seriesValue(text, "payreq_idempotency_total", { result: "replayed" })).toBe(1);
    expect(seriesValue(text, "payreq_idempotency_total", { result: "reused" })).toBe(1);
    expect(seriesValue(text, "payreq_send_requests_total", { department: t.dept, outcome: "SUCCESS" })).toBe(
      2,
    );
    // A replay sends nothing again.
    expect(seriesValue(text, "payreq_deliveries_total", { channel: "text" })).toBe(1);
  });

  it("counts a provider's refusal as a failed delivery and the call's warning", async () => {
    const t = await createTestApp({ store, metrics: true, notifier: refusingTexts });
    const response = await t.post(t.body());
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ textSent: "FAILURE", emailSent: "SUCCESS" });
    const text = await t.scrape();
    expect(
      seriesValue(text, "payreq_deliveries_total", { channel: "text", provider: "sms", result: "FAILURE" }),
    ).toBe(1);
    expect(
      seriesValue(text, "payreq_deliveries_total", { channel: "email", provider: "smtp", result: "SUCCESS" }),
    ).toBe(1);
    expect(seriesValue(text, "payreq_send_warnings_total", { title: "TEXT_DELIVERY_FAILED" })).toBe(1);
  });

  it("counts tRPC calls under their transport", async () => {
    const t = await createTestApp({ store, metrics: true });
    expect((await t.trpc({ departmentUuid: t.dept, ...t.body() })).status).toBe(200);
    expect(
      (await t.trpc({ departmentUuid: t.dept, ...t.body() }, basic("sunrise-sender", "wrong-password")))
        .status,
    ).toBe(401);
    const text = await t.scrape();
    expect(
      seriesValue(text, "payreq_send_requests_total", {
        transport: "trpc",
        department: t.dept,
        outcome: "SUCCESS",
      }),
    ).toBe(1);
    expect(seriesValue(text, "payreq_http_requests_total", { route: "/trpc/*", status: "200" })).toBe(1);
    expect(seriesValue(text, "payreq_logins_total", { result: "wrong" })).toBe(1);
  });
});

describe("metrics switched off", () => {
  it("measures nothing and the app answers as usual", async () => {
    const t = await createTestApp();
    expect((await t.post(t.body())).status).toBe(200);
    expect(t.metrics.enabled).toBe(false);
    expect(await t.scrape()).toBe("");
  });

  it("is never served by the API's own listener", async () => {
    const t = await createTestApp({ metrics: true });
    const response = await t.app.request("/metrics");
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("payreq_");
  });
});
